package io.sluice.syslog.ingest;

/** A channel handler that holds events not yet durable, given up when its listener goes away. */
public interface Abandonable {

    /** Stops publishing (the listener is stopping); called on the channel's event loop. Returns the events given up. */
    int abandon();
}
