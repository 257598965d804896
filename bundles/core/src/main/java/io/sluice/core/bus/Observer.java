package io.sluice.core.bus;

import io.sluice.api.Event;
import io.sluice.api.EventBinary;
import io.sluice.api.bus.Subscription;
import io.sluice.core.journal.Journal;
import io.sluice.core.journal.JournalRecord;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A live, unacknowledged view of a stream from the moment it starts; skips ahead when far behind. */
final class Observer implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(Observer.class);
    /** Further behind than this, an observer jumps to the end instead of replaying. */
    static final long MAX_LAG = 10_000;

    private final Journal journal;
    private final Consumer<Event> consumer;
    private final Consumer<Observer> onClose;
    private final Thread thread;
    private volatile boolean running = true;

    Observer(String stream, Journal journal, Consumer<Event> consumer, Consumer<Observer> onClose) {
        this.journal = journal;
        this.consumer = consumer;
        this.onClose = onClose;
        long start = journal.durableOffset();
        this.thread = new Thread(() -> run(start), "sluice-observe-" + stream);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(long from) {
        long next = from;
        while (running) {
            try {
                if (journal.durableOffset() - next > MAX_LAG) {
                    next = journal.durableOffset();
                }
                List<JournalRecord> records = journal.read(next, 500, 4 << 20);
                if (records.isEmpty()) {
                    journal.awaitDurable(next, 200, TimeUnit.MILLISECONDS);
                    continue;
                }
                for (JournalRecord r : records) {
                    try {
                        consumer.accept(EventBinary.decodeOwned(r.payload()));
                    } catch (IllegalArgumentException undecodable) {
                        // counted by the consumer groups; an observer only shows what it can
                    }
                }
                next = records.get(records.size() - 1).offset() + 1;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running) {
                    LOG.warn("observer stopped: {}", e.toString());
                }
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false; // the thread sees it within one short wait; no interrupt near file I/O
        onClose.accept(this);
    }
}
