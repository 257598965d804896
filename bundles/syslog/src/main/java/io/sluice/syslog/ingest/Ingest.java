package io.sluice.syslog.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.sluice.api.Event;
import io.sluice.api.bus.BusFullException;
import io.sluice.api.bus.EventBus;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.component.Counters;
import java.time.Instant;

/**
 * What the connections of one listener share: the bus, the parser, the counters, the warning log
 * and the listener's health. Thread-safe.
 */
public final class Ingest {
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[8192];
        }
    };

    private final String listener;
    private final EventBus bus;
    private final Counters counters;
    private final PeerLog log;
    private volatile EventParser parser;
    private volatile Packing packing;
    private volatile String stream = EventBus.INGEST;
    private volatile long maxQueued = Long.MAX_VALUE;
    private volatile String stalled;

    public Ingest(String listener, EventBus bus, Counters counters, PeerLog log, EventParser parser) {
        this.listener = listener;
        this.bus = bus;
        this.counters = counters;
        this.log = log;
        this.parser = parser;
    }

    public String listener() {
        return listener;
    }

    public EventBus bus() {
        return bus;
    }

    public Counters counters() {
        return counters;
    }

    public PeerLog log() {
        return log;
    }

    /** Events all channels of the listener may hold before they are durable. */
    public void maxQueued(long value) {
        this.maxQueued = value;
    }

    /** Whether the listener as a whole holds fewer events than allowed. */
    boolean belowListenerLimit() {
        return counters.queued.get() < maxQueued;
    }

    /** How new connections rebuild multi-line messages; null: they do not. */
    public Packing packing() {
        return packing;
    }

    public void packing(Packing value) {
        this.packing = value;
    }

    /** The stream the listener publishes to ({@code ingest} unless configured otherwise). */
    public String stream() {
        return stream;
    }

    public void stream(String value) {
        this.stream = value;
    }

    public void parser(EventParser value) {
        this.parser = value;
    }

    /**
     * Parses one frame: the event, or null when the frame is not a message (counted as failed and
     * logged with the peer). Does not release the frame. {@code receivedAt} becomes the event's
     * {@code timegenerated}: handlers read the clock once per read burst, not once per message.
     */
    public Event parse(ByteBuf frame, String peerHost, ClientRecord client, Instant receivedAt) {
        int len = frame.readableBytes();
        counters.received.increment();
        counters.bytes.add(len);
        client.received(len);
        byte[] data;
        int offset;
        if (frame.hasArray()) {
            data = frame.array();
            offset = frame.arrayOffset() + frame.readerIndex();
        } else {
            data = SCRATCH.get();
            if (data.length < len) {
                data = new byte[Math.max(len, data.length * 2)];
                SCRATCH.set(data);
            }
            frame.getBytes(frame.readerIndex(), data, 0, len);
            offset = 0;
        }
        ParseResult r = parser.parse(data, offset, len, new Origin(peerHost, receivedAt));
        if (r.isSuccess()) {
            client.parsed();
            return r.event();
        }
        counters.failed.increment();
        log.warn(client.peer(), "message refused: " + r.error());
        return null;
    }

    /** A publish failed; the batch will be offered again. */
    void stalled(Throwable cause) {
        String why = cause instanceof BusFullException ? "held back: " + cause.getMessage()
                : "cannot publish to " + stream + ": " + cause;
        if (stalled == null) {
            log.warn("-", why + " (retrying; senders are held back, nothing is dropped on stream transports)");
        }
        stalled = why;
    }

    void resumed() {
        stalled = null;
    }

    /** Why events are held back now, or null. */
    public String stalled() {
        return stalled;
    }
}
