package io.sluice.api.bus;

import io.sluice.api.Event;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Durable, named streams of events with consumer groups: the spine every stage publishes to and
 * consumes from. Registered as an OSGi service by the core bundle; the transport behind it (the
 * embedded journal, later RabbitMQ) is invisible to its users.
 *
 * <h2>The acknowledgement rule</h2>
 * A stage acknowledges an event to whoever gave it only once {@link #publish} has completed for it:
 * the event is then durable (fsynced to the journal, or confirmed by the broker) and the bus is
 * responsible for it. A consumer {@link Batch#ack() acknowledges} a batch only once the next stage
 * has durably taken every event of it; until then the batch is redelivered (to another member of
 * the group, after a crash or restart too). Delivery is therefore at least once: consumers MUST
 * tolerate duplicates (the deterministic {@link Event#id()} lets stores drop them).
 *
 * <h2>Streams and groups</h2>
 * Every consumer group on a stream receives every event published to it; the members of one group
 * share the work. {@link #INGEST} is where receivers publish, {@link #EVENTS} where the filter
 * stage publishes and where every shipper is its own group.
 */
public interface EventBus {
    /** The stream receivers publish to. */
    String INGEST = "ingest";
    /** The stream of filtered events, consumed by shippers. */
    String EVENTS = "events";

    /**
     * Publishes events, in order, to a stream.
     *
     * @return a stage that completes normally once every event of the batch is durable; exceptionally
     *     with {@link BusFullException} when the stream is at its size limit (nothing of the batch was
     *     stored: retry later, and stop reading from senders meanwhile), or with another exception when
     *     the write failed (nothing may be acknowledged)
     */
    CompletionStage<Void> publish(String stream, List<Event> events);

    /**
     * Whether {@code stream} is below its size limit now. Receivers check it to stop reading from their
     * senders (TCP back-pressure) before {@link #publish} has to refuse.
     */
    boolean hasCapacity(String stream);

    /**
     * Why the bus cannot store events of {@code stream} at all now, or null when it can, or is only
     * full. Full is back-pressure (senders wait); unavailable is a failure (a broker and its rescue
     * store both unreachable), which receivers may tell their senders about (RELP answers 500).
     * The embedded journal is never unavailable.
     */
    default String unavailable(String stream) {
        return null;
    }

    /**
     * Adds a member to consumer group {@code group} of {@code stream}. A new group starts at the
     * oldest event still retained. The bus calls {@code consumer} on its own thread with batches of
     * at most {@code maxBatch} events, and hands a member a new batch only after the previous one
     * was acked or nacked.
     */
    Subscription subscribe(String stream, String group, int maxBatch, BatchConsumer consumer);

    /**
     * Watches events as they become durable in {@code stream}, from now on, without acknowledging
     * anything and without holding back retention: for live views ({@code sluice:tail}, the web page).
     * Best effort: an observer that falls behind misses events (they are not lost, only not shown).
     * The observer is called on a bus thread and must return quickly.
     */
    Subscription observe(String stream, java.util.function.Consumer<Event> observer);

    /** Depth and per-group lag of a stream, or null if no such stream exists. */
    StreamStats stats(String stream);

    /** The streams that exist, in creation order. */
    List<String> streams();
}
