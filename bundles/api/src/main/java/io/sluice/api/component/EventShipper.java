package io.sluice.api.component;

import io.sluice.api.Event;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Whiteboard SPI for a shipper: register an implementation as an OSGi service and the core
 * subscribes it to its {@link #stream()} ({@code events} unless configured otherwise) as its own consumer group (named {@link #name()}),
 * so that a slow or failed shipper holds back only itself. When the service goes away, its group
 * stops consuming; events wait in the bus until it is back.
 *
 * <p>Contract: {@link #ship} MUST complete normally only once the destination durably holds every
 * event of the batch (file fsynced, row committed, remote peer confirmed); it completes
 * exceptionally otherwise, and the same events are offered again later. Events may arrive twice:
 * use {@link Event#id()} to drop duplicates where the destination allows.
 */
public interface EventShipper extends SluiceComponent {

    /**
     * Ships a batch. Calls come from one thread at a time, in stream order; with
     * {@link #maxInFlight()} above 1, the next call may come before the previous batch completed. An
     * implementation that writes synchronously inside {@code ship} and completes later (e.g. after
     * an fsync) therefore keeps the stream's order at its destination.
     */
    CompletionStage<Void> ship(List<Event> events);

    /**
     * The stream this shipper consumes: {@code events} (every filtered event) unless its configuration
     * names another one that the {@code router} filter feeds.
     */
    default String stream() {
        return io.sluice.api.bus.EventBus.EVENTS;
    }

    /** Largest batch this shipper wants. */
    default int maxBatch() {
        return 1000;
    }

    /**
     * Batches this shipper may hold at once, not yet completed: above 1, the next batch is handed
     * over while the destination confirms the previous one (pipelining). After a failure, batches
     * handed over later may complete before the failed one is retried (still at least once).
     */
    default int maxInFlight() {
        return 1;
    }

    @Override
    default Kind kind() {
        return Kind.SHIPPER;
    }
}
