package io.sluice.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Event rates of this node over the last hour, kept by the server so that a page opened now shows
 * the hour before: every {@link #sample} (one each {@code rateSampleSeconds}) turns the difference of
 * two totals (events received by the listeners, events acknowledged by the shippers) into events per
 * second. A total that goes down (a component restarted with new counters) counts as no events for
 * that interval rather than a negative rate. Bounded: one hour of points.
 */
final class Rates {
    /** One point: events per second over the interval that ended at {@code time}. */
    record Point(Instant time, double received, double shipped) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", time.toString());
            m.put("received", Math.round(received * 10) / 10.0);
            m.put("shipped", Math.round(shipped * 10) / 10.0);
            return m;
        }
    }

    private final int capacity;
    private final Point[] ring;
    private int next;
    private int size;
    private Instant lastTime;
    private long lastReceived;
    private long lastShipped;

    Rates(int sampleSeconds) {
        this.capacity = Math.max(2, 3600 / Math.max(1, sampleSeconds));
        this.ring = new Point[capacity];
    }

    /** Takes the totals at {@code now}; returns the new point, or null for the first sample. */
    synchronized Point sample(Instant now, long received, long shipped) {
        Point p = null;
        if (lastTime != null && now.isAfter(lastTime)) {
            double seconds = (now.toEpochMilli() - lastTime.toEpochMilli()) / 1000.0;
            p = new Point(now, Math.max(0, received - lastReceived) / seconds,
                    Math.max(0, shipped - lastShipped) / seconds);
            ring[next] = p;
            next = (next + 1) % capacity;
            size = Math.min(size + 1, capacity);
        }
        lastTime = now;
        lastReceived = received;
        lastShipped = shipped;
        return p;
    }

    /** The points of the last hour, oldest first. */
    synchronized List<Point> points() {
        List<Point> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(ring[(next - size + i + capacity) % capacity]);
        }
        return out;
    }

    /** The newest point, or null. */
    synchronized Point latest() {
        return size == 0 ? null : ring[(next - 1 + capacity) % capacity];
    }
}
