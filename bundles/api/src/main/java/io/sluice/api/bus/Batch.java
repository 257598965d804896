package io.sluice.api.bus;

import io.sluice.api.Event;
import java.util.List;

/**
 * Events handed to one member of a consumer group. Exactly one of {@link #ack()} or {@link #nack}
 * MUST be called, from any thread, once; later calls are ignored.
 */
public interface Batch {

    /** The events, in stream order. */
    List<Event> events();

    /** Stream position of the first event (transport-specific, increasing). */
    long firstOffset();

    /** The next stage has durably taken every event: the bus may forget them for this group. */
    void ack();

    /** The batch could not be handled: it is delivered again after a back-off. */
    void nack(Throwable cause);
}
