package io.sluice.api.bus;

/** A stream is at its size limit: nothing was stored. Retry later; meanwhile, stop reading from senders. */
public class BusFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BusFullException(String stream, long bytes, long maxBytes) {
        super("stream '" + stream + "' is full: " + bytes + " bytes stored, limit " + maxBytes);
    }
}
