package io.sluice.syslog.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.sluice.api.Event;
import io.sluice.syslog.frame.SyslogFrameException;
import java.io.IOException;
import java.time.Instant;

/**
 * The end of a stream connection's pipeline: parses each frame and hands the events to the
 * connection's {@link Batcher}; stops reading while the batcher cannot take more, so that a full
 * bus holds the sender back through TCP instead of losing anything. One instance per connection.
 */
public final class StreamHandler extends ChannelInboundHandlerAdapter implements Abandonable {
    private final Ingest ingest;
    private final Clients clients;
    private final String protocol;
    private final int maxBatch;
    private final int maxPending;
    private ClientRecord client;
    private Batcher batcher;
    private Packer packer;
    private String peerHost;
    /** The receive time of the frames of the current read burst; null between bursts. */
    private Instant readAt;

    public StreamHandler(Ingest ingest, Clients clients, String protocol, int maxBatch, int maxPending) {
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
        batcher = new Batcher(ctx.executor(), ingest, maxBatch, maxPending,
                accepting -> ctx.channel().config().setAutoRead(accepting));
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
