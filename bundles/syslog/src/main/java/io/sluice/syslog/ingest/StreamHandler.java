package io.sluice.syslog.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.sluice.api.Event;
import io.sluice.syslog.frame.SyslogFrameException;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The end of a stream connection's pipeline: parses each frame and hands the events to the
 * connection's {@link Batcher}; stops reading while the batcher cannot take more, so that a full
 * bus holds the sender back through TCP instead of losing anything. One instance per connection.
 *
 * <p>Read coalescing: after a read burst of at least {@code coalesceBytes}, the connection is read
 * again only {@code coalesceMicros} later. A sender writing fast then fills the socket buffer while
 * nobody waits on it, instead of waking the event loop for every few kilobytes; on a loaded machine
 * those wake-ups (and the preemptions they cause) cost more than the reads. A quiet sender's small
 * bursts are read at once.
 */
public final class StreamHandler extends ChannelInboundHandlerAdapter implements Abandonable {
    private final Ingest ingest;
    private final Clients clients;
    private final String protocol;
    private final int maxBatch;
    private final int maxPending;
    private final long coalesceMicros;
    private final int coalesceBytes;
    private ClientRecord client;
    private Batcher batcher;
    private Packer packer;
    private String peerHost;
    /** The receive time of the frames of the current read burst; null between bursts. */
    private Instant readAt;
    /** Bytes of frames read in the current read burst. */
    private long burstBytes;
    /** Reading is paused for the coalescing window. */
    private boolean paused;

    /**
     * @param coalesceMicros after a read burst of at least {@code coalesceBytes}, read this connection
     *                       again only this many microseconds later (0: at once): a busy sender's data
     *                       then comes in fewer, larger reads, with fewer wake-ups on both sides
     */
    public StreamHandler(Ingest ingest, Clients clients, String protocol, int maxBatch, int maxPending,
            long coalesceMicros, int coalesceBytes) {
        this.coalesceMicros = coalesceMicros;
        this.coalesceBytes = coalesceBytes;
        this.ingest = ingest;
        this.clients = clients;
        this.protocol = protocol;
        this.maxBatch = maxBatch;
        this.maxPending = maxPending;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Peers.Peer p = Peers.of(ctx.channel());
        peerHost = p.host();
        client = clients.connected(p.label(), p.localPort(), protocol);
        batcher = new Batcher(ctx.executor(), ingest, maxBatch, maxPending, accepting -> updateAutoRead(ctx));
        Packing packing = ingest.packing();
        packer = packing == null ? null : new Packer(packing, ingest, batcher, ctx.executor(), true);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (readAt == null) {
                readAt = Instant.now();
            }
            burstBytes += frame.readableBytes();
            Event e = ingest.parse(frame, peerHost, client, readAt);
            if (e == null) {
                return;
            }
            if (packer != null) {
                packer.add(e);
            } else {
                batcher.add(e);
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readAt = null;
        batcher.flush();
        if (coalesceMicros > 0 && burstBytes >= coalesceBytes && !paused) {
            paused = true;
            updateAutoRead(ctx);
            ctx.executor().schedule(() -> {
                paused = false;
                updateAutoRead(ctx);
            }, coalesceMicros, TimeUnit.MICROSECONDS);
        }
        burstBytes = 0;
    }

    private void updateAutoRead(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(!paused && batcher.accepting());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (batcher != null) {
            // What was read is published even though the sender is gone: it may never send it again.
            if (packer != null) {
                packer.closeAll();
                packer.stopSweeping();
            }
            batcher.flush();
        }
        if (client != null) {
            clients.disconnected(client);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ingest.log().warn(label(), "idle for too long; closing the connection");
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof SyslogFrameException) {
            SyslogFrameException f = (SyslogFrameException) cause;
            ingest.counters().failed.increment();
            ingest.log().warn(label(), f.getMessage() + (f.framingLost() ? "; closing the connection" : ""));
            if (f.framingLost()) {
                ctx.close();
            }
            return;
        }
        if (cause instanceof IOException) {
            ingest.log().warn(label(), "connection error: " + cause.getMessage());
        } else {
            ingest.log().warn(label(), "closing after an unexpected error: " + cause);
        }
        ctx.close();
    }

    /** Events of this connection received and not yet durable. */
    public int held() {
        return (batcher == null ? 0 : batcher.held()) + (packer == null ? 0 : packer.held());
    }

    /** Gives up what is not yet durable (listener stopping); returns how many events that was. */
    @Override
    public int abandon() {
        return (packer == null ? 0 : packer.stop()) + (batcher == null ? 0 : batcher.stop());
    }

    private String label() {
        return client != null ? client.peer() : "?";
    }
}
