package io.sluice.syslog.ingest;

import org.slf4j.Logger;

/**
 * Warnings about what senders do wrong, with the listener and peer in each line, limited to a few
 * lines a second per listener so that a misbehaving sender cannot flood the log; the lines held
 * back are counted and reported with the next one written.
 */
public final class PeerLog {
    private static final int LINES_PER_SECOND = 10;

    private final Logger log;
    private final String listener;
    private long windowStart;
    private int inWindow;
    private long suppressed;

    public PeerLog(Logger log, String listener) {
        this.log = log;
        this.listener = listener;
    }

    public void warn(String peer, String what) {
        long suppressedNow;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - windowStart > 1_000_000_000L) {
                windowStart = now;
                inWindow = 0;
            }
            if (++inWindow > LINES_PER_SECOND) {
                suppressed++;
                return;
            }
            suppressedNow = suppressed;
            suppressed = 0;
        }
        if (suppressedNow > 0) {
            log.warn("listener {}, peer {}: {} ({} similar lines suppressed)", listener, peer, what, suppressedNow);
        } else {
            log.warn("listener {}, peer {}: {}", listener, peer, what);
        }
    }
}
