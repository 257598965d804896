package io.sluice.syslog.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sluice.syslog.ingest.Ingest;
import io.sluice.syslog.ingest.Peers;

/**
 * First on a plain-text port: a connection whose first bytes are a TLS handshake record (0x16 0x03)
 * is a TLS client on the wrong port, which no syslog or RELP frame can start with. It is logged
 * with the peer, counted and closed, instead of a framing error on binary data. Removes itself
 * after the first read.
 */
public final class TlsSniffer extends ChannelInboundHandlerAdapter {
    private final Ingest ingest;

    public TlsSniffer(Ingest ingest) {
        this.ingest = ingest;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b && b.isReadable()) {
            int i = b.readerIndex();
            if (b.getByte(i) == 0x16 && (b.readableBytes() < 2 || b.getByte(i + 1) == 0x03)) {
                ReferenceCountUtil.release(msg);
                ingest.counters().failed.increment();
                ingest.log().warn(Peers.of(ctx.channel()).label(),
                        "TLS handshake on a plain-text port (set tls = true, or send plain text); closing the connection");
                ctx.close();
                return;
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }
}
