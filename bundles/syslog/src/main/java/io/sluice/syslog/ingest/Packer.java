package io.sluice.syslog.ingest;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.api.Event;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One channel's packer (see {@link Packing}): sits between the parser and the channel's
 * {@link Batcher}, holding the lines of the messages still open and handing each merged message
 * to the batcher with its weight (the lines it is made of), so that a RELP session answers every
 * line only once the message holding it is durable. Confined to the channel's event loop.
 *
 * <p>On a stream channel ({@code ordered}), at most one message is open: a line from another source
 * closes it first, so messages reach the batcher in the order of their first lines, which the
 * in-order RELP answers need. A datagram channel keeps one open message per source (at most
 * {@value #MAX_OPEN}; the oldest is closed to make room).
 */
public final class Packer {
    static final int MAX_OPEN = 1024;

    private final Packing packing;
    private final Ingest ingest;
    private final Batcher batcher;
    private final EventExecutor loop;
    private final boolean ordered;
    private final LongSupplier clock;
    private final Map<Key, Group> open = new LinkedHashMap<>();
    private ScheduledFuture<?> sweep;
    private boolean stopped;

    public Packer(Packing packing, Ingest ingest, Batcher batcher, EventExecutor loop, boolean ordered) {
        this(packing, ingest, batcher, loop, ordered, () -> System.nanoTime() / 1_000_000);
    }

    Packer(Packing packing, Ingest ingest, Batcher batcher, EventExecutor loop, boolean ordered,
            LongSupplier clockMillis) {
        this.packing = Objects.requireNonNull(packing, "packing");
        this.ingest = ingest;
        this.batcher = batcher;
        this.loop = loop;
        this.ordered = ordered;
        this.clock = clockMillis;
    }

    private record Key(String host, String app, String procId) {
        static Key of(Event e) {
            return new Key(e.host(), e.appName(), e.procId());
        }
    }

    private static final class Group {
        final Event first;
        final List<String> lines = new ArrayList<>();
        final long openedAt;
        long lastAt;
        int chars;

        Group(Event first, long now) {
            this.first = first;
            this.openedAt = now;
            this.lastAt = now;
            add(first.message(), now);
        }

        void add(String line, long now) {
            lines.add(line);
            chars += line.length() + 1;
            lastAt = now;
        }
    }

    /** Takes one parsed event. */
    public void add(Event e) {
        if (stopped) {
            return;
        }
        long now = clock.getAsLong();
        Key key = Key.of(e);
        Group g = open.get(key);
        String line = e.message();
        if (g != null) {
            boolean joins = packing.kind() == Packing.Kind.MERGE_BY_TIME ? now - g.lastAt <= packing.windowMillis()
                    : !packing.starts(line);
            if (joins && g.lines.size() < packing.maxLines() && g.chars + line.length() <= packing.maxBytes()
                    && now - g.openedAt < packing.maxAgeMillis()) {
                g.add(line, now);
                ingest.counters().queued.incrementAndGet();
                return;
            }
            close(key, g);
        }
        if (ordered) {
            closeAll();
        } else if (open.size() >= MAX_OPEN) {
            Iterator<Map.Entry<Key, Group>> eldest = open.entrySet().iterator();
            Map.Entry<Key, Group> x = eldest.next();
            eldest.remove();
            emit(x.getValue());
        }
        open.put(key, new Group(e, now));
        ingest.counters().queued.incrementAndGet();
        if (sweep == null) {
            long tick = Math.max(5, Math.min(packing.kind() == Packing.Kind.MERGE_BY_TIME ? packing.windowMillis()
                    : packing.maxAgeMillis(), packing.maxAgeMillis()) / 4);
            sweep = loop.scheduleAtFixedRate(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
        }
    }

    /** Lines held in open messages (not yet handed to the batcher). */
    public int held() {
        int n = 0;
        for (Group g : open.values()) {
            n += g.lines.size();
        }
        return n;
    }

    /** Closes every open message (the connection ended: nothing more will join them). */
    public void closeAll() {
        for (Group g : open.values()) {
            emit(g);
        }
        open.clear();
    }

    /** Ends the timer (the channel closed; {@link #closeAll()} handed over what was open). */
    public void stopSweeping() {
        stopped = true;
        if (sweep != null) {
            sweep.cancel(false);
        }
    }

    /** Gives up the open messages (listener stopping); returns how many lines that was. */
    public int stop() {
        stopped = true;
        int n = held();
        ingest.counters().queued.addAndGet(-n);
        open.clear();
        if (sweep != null) {
            sweep.cancel(false);
        }
        return n;
    }

    /** Closes the messages whose window or age is over, and publishes them. */
    void sweep() {
        long now = clock.getAsLong();
        boolean closed = false;
        for (Iterator<Group> it = open.values().iterator(); it.hasNext();) {
            Group g = it.next();
            if (now - g.openedAt >= packing.maxAgeMillis()
                    || (packing.kind() == Packing.Kind.MERGE_BY_TIME && now - g.lastAt > packing.windowMillis())) {
                it.remove();
                emit(g);
                closed = true;
            }
        }
        if (closed) {
            batcher.flush();
        }
    }

    private void close(Key key, Group g) {
        open.remove(key);
        emit(g);
    }

    private void emit(Group g) {
        // the lines leave the packer; the batcher counts the message it gets as queued
        ingest.counters().queued.addAndGet(-g.lines.size());
        if (g.lines.size() == 1) {
            batcher.add(g.first, 1);
            return;
        }
        Event merged = g.first.toBuilder().message(String.join("\n", g.lines)).tag("multiline").build();
        batcher.add(merged, g.lines.size());
    }
}
