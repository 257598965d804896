package io.sluice.api.bus;

/** Receives batches from {@link EventBus#subscribe}. */
@FunctionalInterface
public interface BatchConsumer {
    /**
     * Takes a batch. It may return before the batch is handled (ack or nack later, from any thread);
     * an exception thrown here is a {@link Batch#nack}.
     */
    void accept(Batch batch) throws Exception;
}
