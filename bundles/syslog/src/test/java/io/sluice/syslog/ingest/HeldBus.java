package io.sluice.syslog.ingest;

import io.sluice.api.Event;
import io.sluice.api.bus.BatchConsumer;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.StreamStats;
import io.sluice.api.bus.Subscription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/** A bus that takes every batch and makes it durable (or fails it) only when the test says so. */
public final class HeldBus implements EventBus {

    /** A batch given to the bus, and the completion the test controls. */
    public record Published(List<Event> events, CompletableFuture<Void> done) {
    }

    public final ConcurrentLinkedQueue<Published> published = new ConcurrentLinkedQueue<>();
    public volatile boolean capacity = true;
    /** What {@link #unavailable} says; null: available. */
    public volatile String unavailable;

    @Override
    public CompletionStage<Void> publish(String stream, List<Event> events) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        published.add(new Published(List.copyOf(events), done));
        return done;
    }

    /** Makes every batch published so far durable; returns how many events that was. */
    public int completeAll() {
        int n = 0;
        Published p;
        while ((p = published.poll()) != null) {
            n += p.events().size();
            p.done().complete(null);
        }
        return n;
    }

    @Override
    public boolean hasCapacity(String stream) {
        return capacity;
    }

    @Override
    public String unavailable(String stream) {
        return unavailable;
    }

    @Override
    public Subscription subscribe(String stream, String group, int maxBatch, BatchConsumer consumer) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Subscription observe(String stream, Consumer<Event> observer) {
        throw new UnsupportedOperationException();
    }

    @Override
    public StreamStats stats(String stream) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> streams() {
        return List.of(EventBus.INGEST);
    }
}
