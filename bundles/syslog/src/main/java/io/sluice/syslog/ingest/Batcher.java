package io.sluice.syslog.ingest;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.api.Event;
import io.sluice.api.bus.BusFullException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Gathers the events of one channel into batches and publishes them to the {@code ingest} stream,
 * one batch in flight at a time (so the channel's events stay in order) while the next one fills:
 * each batch then rides on one journal fsync. Confined to the channel's event loop.
 *
 * <p>Never drops: a batch the bus refuses (full, or a write error) is offered again after a
 * back-off until it is taken. Meanwhile, and whenever too many events wait, {@link #accepting()}
 * turns false: stream channels stop reading (the sender's TCP window fills), datagram channels drop
 * and count what arrives.
 */
public final class Batcher {
    private static final long RECHECK_MS = 50;
    private static final long MAX_RETRY_MS = 2_000;

    private final EventExecutor loop;
    private final Ingest ingest;
    private final int maxBatch;
    private final int maxPending;
    private final Consumer<Boolean> onAccepting;
    private final IntConsumer onDurable;
    private List<Event> pending;
    private List<Event> inFlight;
    /** With a packer: the lines each pending event is made of (parallel to pending); else null. */
    private List<Integer> pendingWeights;
    private int inFlightWeight;
    private int attempts;
    private boolean accepting = true;
    private boolean recheckScheduled;
    private boolean stopped;

    /**
     * @param onAccepting told (on the event loop) each time {@link #accepting()} changes
     */
    public Batcher(EventExecutor loop, Ingest ingest, int maxBatch, int maxPending, Consumer<Boolean> onAccepting) {
        this(loop, ingest, maxBatch, maxPending, onAccepting, null);
    }

    /**
     * @param onAccepting told (on the event loop) each time {@link #accepting()} changes
     * @param onDurable   told (on the event loop) how many events became durable, each time a batch
     *                    does: events become durable in the order they were added, so a caller can
     *                    acknowledge its senders in that order (RELP answers); null when not needed
     */
    public Batcher(EventExecutor loop, Ingest ingest, int maxBatch, int maxPending, Consumer<Boolean> onAccepting,
            IntConsumer onDurable) {
        if (maxBatch < 1 || maxPending < maxBatch) {
            throw new IllegalArgumentException("maxBatch (" + maxBatch + ") must be positive and at most maxPending ("
                    + maxPending + ")");
        }
        this.loop = loop;
        this.ingest = ingest;
        this.maxBatch = maxBatch;
        this.maxPending = maxPending;
        this.onAccepting = onAccepting;
        this.onDurable = onDurable;
        this.pending = new ArrayList<>(Math.min(maxBatch, 1024));
    }

    /** Whether the channel should take more now. */
    public boolean accepting() {
        return accepting;
    }

    /** Adds an event; false (and nothing added) when {@code maxPending} events already wait. */
    public boolean offer(Event e) {
        if (pending.size() >= maxPending || !ingest.belowListenerLimit()) {
            return false;
        }
        pending.add(e);
        ingest.counters().queued.incrementAndGet();
        if (pending.size() >= maxBatch && inFlight == null) {
            publishPending();
        }
        if (pending.size() >= maxPending) {
            update();
        }
        return true;
    }

    /**
     * Adds an event even beyond {@code maxPending}: for stream channels, where events already read
     * must not be lost; they stop reading once {@link #accepting()} turns false, so the overshoot is
     * bounded by one read.
     */
    public void add(Event e) {
        if (pendingWeights != null) {
            pendingWeights.add(1);
        }
        pending.add(e);
        ingest.counters().queued.incrementAndGet();
        if (pending.size() >= maxBatch && inFlight == null) {
            publishPending();
        }
        // Per event only the cheap check; the bus and listener limits are looked at per read burst.
        if (pending.size() >= maxPending) {
            update();
        }
    }

    /**
     * Adds a message a {@link Packer} merged from {@code weight} received lines, as {@link #add(Event)}
     * does: {@code onDurable} then counts it as {@code weight} events.
     */
    public void add(Event e, int weight) {
        if (pendingWeights == null) {
            pendingWeights = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                pendingWeights.add(1);
            }
        }
        pendingWeights.add(weight);
        pending.add(e);
        ingest.counters().queued.incrementAndGet();
        if (pending.size() >= maxBatch && inFlight == null) {
            publishPending();
        }
        if (pending.size() >= maxPending) {
            update();
        }
    }

    /** Publishes what waits, if nothing is in flight; call when a read burst ends. */
    public void flush() {
        if (inFlight == null && !pending.isEmpty()) {
            publishPending();
        }
        update();
    }

    /** Events received and not yet durable (waiting or in flight). */
    public int held() {
        return pending.size() + (inFlight == null ? 0 : inFlight.size());
    }

    /**
     * Gives up every event held (the sender was told they are not taken and sends them again) and
     * goes on taking new ones; returns how many were given up. A publish still in flight may yet
     * succeed: a duplicate at most.
     */
    public int giveUp() {
        int n = held();
        ingest.counters().queued.addAndGet(-n);
        ingest.counters().failed.add(n);
        pending = new ArrayList<>();
        pendingWeights = pendingWeights == null ? null : new ArrayList<>();
        inFlight = null;
        attempts = 0;
        update();
        return n;
    }

    /** Stops retrying (the listener is going away); returns the events given up. */
    public int stop() {
        stopped = true;
        int lost = held();
        ingest.counters().queued.addAndGet(-lost);
        pending = new ArrayList<>();
        pendingWeights = pendingWeights == null ? null : new ArrayList<>();
        inFlight = null;
        return lost;
    }

    private void publishPending() {
        if (pendingWeights != null) {
            List<Integer> head = pendingWeights.subList(0, Math.min(maxBatch, pendingWeights.size()));
            inFlightWeight = 0;
            for (int w : head) {
                inFlightWeight += w;
            }
            head.clear();
        }
        if (pending.size() <= maxBatch) {
            inFlight = pending;
            pending = new ArrayList<>(Math.min(maxBatch, 1024));
            if (pendingWeights == null) {
                inFlightWeight = inFlight.size();
            }
        } else {
            // A stream channel may hold more than maxPending after a long read: batches stay within
            // maxBatch all the same, so that each one fits in the bus once it has room.
            List<Event> head = pending.subList(0, maxBatch);
            inFlight = new ArrayList<>(head);
            head.clear();
            if (pendingWeights == null) {
                inFlightWeight = inFlight.size();
            }
        }
        attempts = 0;
        ingest.counters().published.add(inFlight.size());
        send(inFlight);
    }

    private void send(List<Event> batch) {
        CompletionStage<Void> done;
        try {
            done = ingest.bus().publish(ingest.stream(), batch);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((ok, error) -> loop.execute(() -> completed(batch, error)));
    }

    private void completed(List<Event> batch, Throwable error) {
        if (stopped || batch != inFlight) {
            return;
        }
        if (error == null) {
            ingest.counters().acked.add(batch.size());
            ingest.counters().queued.addAndGet(-batch.size());
            inFlight = null;
            if (attempts > 0) {
                ingest.resumed();
            }
            attempts = 0;
            if (onDurable != null) {
                onDurable.accept(inFlightWeight);
            }
            if (!pending.isEmpty()) {
                publishPending();
            }
        } else {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            attempts++;
            ingest.stalled(cause);
            // A full bus is retried as soon as it has room; a failing write backs off.
            long delay = cause instanceof BusFullException ? RECHECK_MS
                    : Math.min(MAX_RETRY_MS, 25L << Math.min(attempts, 7));
            loop.schedule(() -> retry(batch), delay, TimeUnit.MILLISECONDS);
        }
        update();
    }

    private void retry(List<Event> batch) {
        if (stopped || inFlight != batch) {
            return;
        }
        if (!ingest.bus().hasCapacity(ingest.stream())) {
            loop.schedule(() -> retry(batch), RECHECK_MS, TimeUnit.MILLISECONDS);
            return;
        }
        send(batch);
    }

    private void update() {
        boolean now = !stopped && pending.size() < maxPending && attempts == 0 && ingest.belowListenerLimit()
                && ingest.bus().hasCapacity(ingest.stream());
        if (now != accepting) {
            accepting = now;
            onAccepting.accept(now);
        }
        if (!now && !stopped && !recheckScheduled && attempts == 0) {
            // Nothing may be in flight to wake us: look again shortly.
            recheckScheduled = true;
            loop.schedule(() -> {
                recheckScheduled = false;
                update();
            }, RECHECK_MS, TimeUnit.MILLISECONDS);
        }
    }
}
