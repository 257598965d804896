package io.sluice.core.bus;

import io.sluice.api.Event;
import io.sluice.api.bus.Batch;
import io.sluice.api.bus.BatchConsumer;
import io.sluice.api.bus.Subscription;
import io.sluice.core.journal.Journal;
import io.sluice.core.journal.JournalRecord;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer group of one stream: a dispatcher thread that reads durable records from the
 * group's position and hands batches to idle members, and the bookkeeping that turns
 * acknowledgements (in any order) into a committed position.
 *
 * <p>The committed position only moves past a batch once it and every batch before it were
 * acknowledged, so a crash makes the group re-read at most the unacknowledged batches and those
 * acknowledged since the last flush: duplicates, never loss.
 */
final class ConsumerGroup {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroup.class);
    private static final int MAX_READ_BYTES = 8 << 20;
    private static final long MAX_REDELIVERY_DELAY_MS = 30_000;

    private final String stream;
    private final String name;
    private final Journal journal;
    private final long redeliveryDelayMs;
    private final LongAdder undecodable;
    private final Object lock = new Object();
    private final List<Member> members = new ArrayList<>();
    /** Batches handed out or waiting for redelivery, by first offset. */
    private final TreeMap<Long, InFlight> inFlight = new TreeMap<>();
    private final ArrayDeque<InFlight> redeliver = new ArrayDeque<>();
    private final Thread dispatcher;
    private volatile boolean running = true;
    private long readOffset;
    private int lastServed = -1;
    private long committed;
    private boolean dirty;

    ConsumerGroup(String stream, String name, Journal journal, long redeliveryDelayMs, LongAdder undecodable) {
        this.stream = stream;
        this.name = name;
        this.journal = journal;
        this.redeliveryDelayMs = redeliveryDelayMs;
        this.undecodable = undecodable;
        this.committed = journal.committed(name);
        this.readOffset = committed;
        this.dispatcher = new Thread(this::dispatch, "sluice-bus-" + stream + "-" + name);
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    String name() {
        return name;
    }

    Subscription join(int maxBatch, BatchConsumer consumer) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch (" + maxBatch + ") must be positive");
        }
        Member m = new Member(maxBatch, consumer);
        synchronized (lock) {
            members.add(m);
            lock.notifyAll();
        }
        return m;
    }

    /** Position below which everything is acknowledged (what a restart resumes from). */
    long committed() {
        synchronized (lock) {
            return committed;
        }
    }

    int memberCount() {
        synchronized (lock) {
            return members.size();
        }
    }

    /** Saves the committed position if it moved; called periodically and at close. */
    void flush() {
        long toSave;
        synchronized (lock) {
            if (!dirty) {
                return;
            }
            toSave = committed;
            dirty = false;
        }
        try {
            journal.commit(name, toSave);
        } catch (IOException e) {
            synchronized (lock) {
                dirty = true;
            }
            LOG.warn("stream {}: could not save the position of group {} ({}); will retry", stream, name,
                    e.toString());
        }
    }

    void close() {
        running = false;
        // No interrupt: the dispatcher's waits are short, and an interrupt must never reach file I/O.
        synchronized (lock) {
            lock.notifyAll();
        }
        try {
            dispatcher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    private void dispatch() {
        while (running) {
            try {
                Member member;
                InFlight batch = null;
                synchronized (lock) {
                    member = idleMember();
                    if (member == null) {
                        lock.wait(200);
                        continue;
                    }
                    InFlight due = redeliver.peekFirst();
                    if (due != null) {
                        long wait = due.notBefore - System.currentTimeMillis();
                        if (wait <= 0) {
                            redeliver.pollFirst();
                            batch = due.reissue(member);
                            inFlight.put(batch.first, batch);
                            member.current = batch;
                        }
                    }
                }
                if (batch == null) {
                    batch = readNext(member);
                    if (batch == null) {
                        continue;
                    }
                }
                deliver(batch);
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException | IOException e) {
                LOG.error("stream {}, group {}: dispatch failed; retrying", stream, name, e);
                sleepQuietly(500);
            }
        }
    }

    /** Reads the next batch for {@code member}, or waits a little for data and returns null. */
    private InFlight readNext(Member member) throws IOException, InterruptedException {
        long from;
        synchronized (lock) {
            from = readOffset;
        }
        List<JournalRecord> records = journal.read(from, member.maxBatch, MAX_READ_BYTES);
        if (records.isEmpty()) {
            // Short wait: the loop checks due redeliveries under the lock on every pass.
            journal.awaitDurable(Math.max(from, journal.startOffset()), 100, TimeUnit.MILLISECONDS);
            return null;
        }
        long[] offsets = new long[records.size()];
        byte[][] payloads = new byte[records.size()][];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = records.get(i).offset();
            payloads[i] = records.get(i).payload();
        }
        List<Event> events = new EncodedEvents(stream, offsets, payloads, undecodable);
        long first = Math.min(from, offsets[0]);
        long end = offsets[offsets.length - 1] + 1;
        synchronized (lock) {
            readOffset = end;
            InFlight b = new InFlight(first, end, events, member, 0);
            inFlight.put(first, b);
            if (member.closed || members.indexOf(member) < 0) {
                requeue(b, 0);
                return null;
            }
            member.current = b;
            return b;
        }
    }

    private void deliver(InFlight batch) {
        try {
            batch.member.consumer.accept(batch);
        } catch (Exception e) {
            batch.nack(e);
        }
    }

    /** The next idle member after the one served last, so that members share the work. Holds the lock. */
    private Member idleMember() {
        int n = members.size();
        for (int i = 1; i <= n; i++) {
            Member m = members.get((lastServed + i) % n);
            if (m.current == null && !m.closed) {
                lastServed = (lastServed + i) % n;
                return m;
            }
        }
        return null;
    }

    /** Moves the committed position past every leading acknowledged batch. Holds the lock. */
    private void advance() {
        while (!inFlight.isEmpty()) {
            Map.Entry<Long, InFlight> head = inFlight.firstEntry();
            if (!head.getValue().acked) {
                return;
            }
            inFlight.pollFirstEntry();
            committed = Math.max(committed, head.getValue().end);
            dirty = true;
        }
    }

    /** Puts a batch back for delivery after a back-off growing with its attempts. Holds the lock. */
    private void requeue(InFlight b, int attempts) {
        long delay = Math.min(MAX_REDELIVERY_DELAY_MS, redeliveryDelayMs << Math.min(attempts, 16));
        b.notBefore = System.currentTimeMillis() + (attempts == 0 ? 0 : delay);
        b.attempts = attempts;
        redeliver.addLast(b);
        lock.notifyAll();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A member of the group; at most one batch in hand. */
    private final class Member implements Subscription {
        final int maxBatch;
        final BatchConsumer consumer;
        InFlight current;
        boolean closed;

        Member(int maxBatch, BatchConsumer consumer) {
            this.maxBatch = maxBatch;
            this.consumer = consumer;
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                members.remove(this);
                InFlight b = current;
                current = null;
                if (b != null && b.done.compareAndSet(false, true)) {
                    // Its consumer may still finish it: a late ack is then a duplicate, never a loss.
                    requeue(b, 0);
                }
            }
        }
    }

    /** A batch in a member's hands. */
    private final class InFlight implements Batch {
        final long first;
        final long end;
        final List<Event> events;
        final Member member;
        final AtomicBoolean done = new AtomicBoolean();
        int attempts;
        long notBefore;
        boolean acked;

        InFlight(long first, long end, List<Event> events, Member member, int attempts) {
            this.first = first;
            this.end = end;
            this.events = events;
            this.member = member;
            this.attempts = attempts;
        }

        InFlight reissue(Member to) {
            return new InFlight(first, end, events, to, attempts);
        }

        @Override
        public List<Event> events() {
            return events;
        }

        @Override
        public long firstOffset() {
            return first;
        }

        @Override
        public void ack() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            synchronized (lock) {
                acked = true;
                if (member.current == this) {
                    member.current = null;
                }
                advance();
                lock.notifyAll();
            }
        }

        @Override
        public void nack(Throwable cause) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            LOG.warn("stream {}, group {}: batch at {} ({} events) refused, attempt {}: {}", stream, name, first,
                    events.size(), attempts + 1, String.valueOf(cause));
            synchronized (lock) {
                if (member.current == this) {
                    member.current = null;
                }
                requeue(this, attempts + 1);
            }
        }
    }
}
