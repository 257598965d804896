package io.sluice.api.component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A component's counters, cheap to update from many threads. All are monotonic counts except
 * {@code queued}, a gauge of events held and not yet passed on.
 */
public final class Counters {
    /** Events (or messages) taken in. */
    public final LongAdder received = new LongAdder();
    /** Events handed to the next stage (published to the bus, written by a shipper). */
    public final LongAdder published = new LongAdder();
    /** Events whose next stage confirmed durability (acknowledged to the sender or to the bus). */
    public final LongAdder acked = new LongAdder();
    /** Events or messages that failed (parse errors, refused writes); see the logs for each. */
    public final LongAdder failed = new LongAdder();
    /** Events dropped on purpose and counted (UDP under overload, a filter's drop). */
    public final LongAdder dropped = new LongAdder();
    /** Bytes taken in. */
    public final LongAdder bytes = new LongAdder();
    /** Events held now and not yet passed on. */
    public final AtomicLong queued = new AtomicLong();

    /** A consistent-enough copy for display, in a fixed order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("received", received.sum());
        m.put("published", published.sum());
        m.put("acked", acked.sum());
        m.put("failed", failed.sum());
        m.put("dropped", dropped.sum());
        m.put("queued", queued.get());
        m.put("bytes", bytes.sum());
        return m;
    }
}
