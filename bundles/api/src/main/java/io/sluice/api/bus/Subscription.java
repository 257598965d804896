package io.sluice.api.bus;

/** A member of a consumer group. */
public interface Subscription extends AutoCloseable {

    /**
     * Stops delivering batches to this member. A batch it has not acknowledged yet is delivered again
     * (to another member, or to the group's next member after a restart).
     */
    @Override
    void close();
}
