package io.sluice.api.bus;

/**
 * Implemented by the event lists a bus hands to consumers when it holds each event's stored
 * encoding ({@link io.sluice.api.EventBinary}): a consumer that can work on the bytes (a shipper
 * writing them out in some format) reads them without decoding the events. Check with
 * {@code instanceof}; lists of other buses do not implement it.
 */
public interface EncodedEvents {

    /**
     * The stored encoding of event {@code index} of the list, or null when there is none. The caller
     * MUST NOT modify the array.
     */
    byte[] encoded(int index);
}
