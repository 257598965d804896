package io.sluice.syslog.ingest;

import io.sluice.api.component.ClientInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The senders of one listener: open connections for stream transports; for datagram transports,
 * the most recent senders (bounded, and forgotten after a quiet period).
 */
public final class Clients {
    /** Datagram senders remembered at most. */
    static final int MAX_DATAGRAM_SENDERS = 256;
    /** A datagram sender silent this long is no longer listed. */
    static final long DATAGRAM_QUIET_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final String listener;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, ClientRecord> connections = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, ClientRecord> senders = new LinkedHashMap<>(64, 0.75f, true);

    public Clients(String listener) {
        this.listener = listener;
    }

    /** Registers a new connection; remove it with {@link #disconnected}. */
    public ClientRecord connected(String peer, int localPort, String protocol) {
        ClientRecord r = new ClientRecord(listener + "#" + sequence.incrementAndGet(), peer, localPort, protocol);
        connections.put(r.id, r);
        return r;
    }

    public void disconnected(ClientRecord r) {
        connections.remove(r.id);
    }

    public int connectionCount() {
        return connections.size();
    }

    /** The record of a datagram sender, made on first sight. */
    public ClientRecord sender(String peer, int localPort, String protocol) {
        synchronized (senders) {
            ClientRecord r = senders.get(peer);
            if (r == null) {
                r = new ClientRecord(listener + "#" + sequence.incrementAndGet(), peer, localPort, protocol);
                senders.put(peer, r);
                if (senders.size() > MAX_DATAGRAM_SENDERS) {
                    Iterator<ClientRecord> eldest = senders.values().iterator();
                    eldest.next();
                    eldest.remove();
                }
            }
            return r;
        }
    }

    /** Connected clients and recent datagram senders, oldest first. */
    public List<ClientInfo> list() {
        List<ClientInfo> out = new ArrayList<>();
        connections.values().forEach(r -> out.add(r.info()));
        long now = System.nanoTime();
        synchronized (senders) {
            senders.values().removeIf(r -> now - r.lastSeenNanos > DATAGRAM_QUIET_NANOS);
            senders.values().forEach(r -> out.add(r.info()));
        }
        out.sort(Comparator.comparing(ClientInfo::since).thenComparing(ClientInfo::id));
        return out;
    }

    public void clear() {
        connections.clear();
        synchronized (senders) {
            senders.clear();
        }
    }
}
