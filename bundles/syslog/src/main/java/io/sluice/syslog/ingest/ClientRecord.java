package io.sluice.syslog.ingest;

import io.sluice.api.component.ClientInfo;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/** A sender's live counters; {@link #info()} makes the immutable view the shell and web page show. */
public final class ClientRecord {
    final String id;
    final String peer;
    final int localPort;
    final String protocol;
    final Instant since;
    final LongAdder events = new LongAdder();
    final LongAdder bytes = new LongAdder();
    volatile long lastSeenNanos = System.nanoTime();

    public ClientRecord(String id, String peer, int localPort, String protocol) {
        this.id = id;
        this.peer = peer;
        this.localPort = localPort;
        this.protocol = protocol;
        this.since = Instant.now();
    }

    public String peer() {
        return peer;
    }

    public void received(int frameBytes) {
        bytes.add(frameBytes);
        lastSeenNanos = System.nanoTime();
    }

    public void parsed() {
        events.increment();
    }

    public ClientInfo info() {
        return new ClientInfo(id, peer, localPort, protocol, since, events.sum(), bytes.sum());
    }
}
