package io.sluice.api.bus;

import io.sluice.api.Event;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * Where a transport puts events it cannot hand to its broker (RabbitMQ unreachable), so that
 * receivers may still acknowledge them, and from where it moves them back once the broker returns.
 * Registered by sluice-rescue-redis (a Redis list per stream); used by sluice-transport-rabbitmq.
 *
 * <p>The acknowledgement rule holds here too: {@link #push} completes only once the rescue store
 * holds the events durably (as its configuration defines durable), and {@link #drain} removes
 * events only after the mover's stage completed for them. Delivery is at least once: a crash
 * between the broker's confirm and the removal moves the same events twice.
 */
public interface RescueQueue {

    /**
     * Stores events of {@code stream}, after those already held.
     *
     * @return completes once the events are durable in the rescue store; exceptionally when they are
     *     not (store unreachable, not durable as required, full): nothing may then be acknowledged
     */
    CompletionStage<Void> push(String stream, List<Event> events);

    /** Whether {@link #push} may succeed now (reachable, durable as required, below its size limit). */
    boolean available();

    /** One line for people: how many events are held, or why the store cannot take any. */
    String describe();

    /** Events held, as last seen (for status pages; 0 when unknown). */
    long held();

    /**
     * Moves up to {@code max} of the oldest held events of one stream to {@code mover}, waits for the
     * stage it returns, and removes them only when it completed normally. Blocks; call it from a
     * thread of your own.
     *
     * @return how many events were moved (0: nothing held, or another node is moving them now)
     * @throws Exception when the store or the mover failed (nothing was removed)
     */
    int drain(int max, BiFunction<String, List<Event>, CompletionStage<Void>> mover) throws Exception;
}
