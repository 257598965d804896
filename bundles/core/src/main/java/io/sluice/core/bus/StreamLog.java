package io.sluice.core.bus;

import io.sluice.api.Event;
import io.sluice.api.EventBinary;
import io.sluice.api.bus.BatchConsumer;
import io.sluice.api.bus.BusFullException;
import io.sluice.api.bus.StreamStats;
import io.sluice.api.bus.Subscription;
import io.sluice.core.journal.Journal;
import io.sluice.core.journal.JournalFullException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** One stream: its journal, its consumer groups and its live observers. */
final class StreamLog {
    private final String name;
    private final Journal journal;
    private final long redeliveryDelayMs;
    private final Map<String, ConsumerGroup> groups = new LinkedHashMap<>();
    private final List<Observer> observers = new CopyOnWriteArrayList<>();
    final LongAdder undecodable = new LongAdder();

    StreamLog(String name, Journal journal, long redeliveryDelayMs) {
        this.name = name;
        this.journal = journal;
        this.redeliveryDelayMs = redeliveryDelayMs;
    }

    String name() {
        return name;
    }

    Journal journal() {
        return journal;
    }

    CompletionStage<Void> publish(List<Event> events) {
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        byte[][] records;
        if (events instanceof EncodedEvents stored) {
            records = stored.records(); // passed on unchanged: the bytes as they were stored
        } else {
            records = new byte[events.size()][];
            for (int i = 0; i < records.length; i++) {
                records[i] = EventBinary.encodeShared(events.get(i));
            }
        }
        CompletableFuture<Long> appended;
        try {
            appended = journal.append(java.util.Arrays.asList(records));
        } catch (JournalFullException e) {
            return CompletableFuture.failedFuture(new BusFullException(name, journal.sizeBytes(), journal.maxBytes()));
        }
        return appended.handle((offset, error) -> {
            if (error == null) {
                return null;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof JournalFullException) {
                throw new BusFullException(name, journal.sizeBytes(), journal.maxBytes());
            }
            throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        });
    }

    synchronized Subscription subscribe(String group, int maxBatch, BatchConsumer consumer) {
        return groups.computeIfAbsent(group, g -> new ConsumerGroup(name, g, journal, redeliveryDelayMs, undecodable))
                .join(maxBatch, consumer);
    }

    Subscription observe(java.util.function.Consumer<Event> consumer) {
        Observer o = new Observer(name, journal, consumer, observers::remove);
        observers.add(o);
        return o;
    }

    synchronized StreamStats stats() {
        Map<String, Long> positions = new LinkedHashMap<>(journal.groups());
        for (ConsumerGroup g : groups.values()) {
            positions.put(g.name(), g.committed());
        }
        return new StreamStats(name, journal.startOffset(), journal.endOffset(), journal.sizeBytes(),
                journal.maxBytes(), positions);
    }

    synchronized Map<String, Integer> members() {
        Map<String, Integer> m = new LinkedHashMap<>();
        groups.forEach((k, g) -> m.put(k, g.memberCount()));
        return m;
    }

    synchronized void flushPositions() {
        groups.values().forEach(ConsumerGroup::flush);
    }

    void close() {
        observers.forEach(Observer::close);
        synchronized (this) {
            groups.values().forEach(ConsumerGroup::close);
            groups.clear();
        }
        journal.close();
    }

    /** Removes a group's saved position so that it no longer holds back retention. */
    synchronized boolean removeGroup(String group) throws IOException {
        ConsumerGroup g = groups.get(group);
        if (g != null && g.memberCount() > 0) {
            return false;
        }
        if (g != null) {
            g.close();
            groups.remove(group);
        }
        journal.removeGroup(group);
        return true;
    }
}
