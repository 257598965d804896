package io.sluice.syslog.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.sluice.api.Event;
import java.net.SocketAddress;
import java.time.Instant;

/**
 * Datagram transports (UDP, Unix datagram): one message per datagram (a trailing LF, CR or NUL is
 * dropped). A datagram cannot be pushed back, so when the bus cannot take more, or too many events
 * wait, datagrams are dropped and counted ({@code dropped}), and a warning is logged.
 */
public final class DatagramHandler extends ChannelInboundHandlerAdapter implements Abandonable {
    private final Ingest ingest;
    private final Clients clients;
    private final String protocol;
    private final int maxFrameBytes;
    private final int maxBatch;
    private final int maxPending;
    private Batcher batcher;
    private Packer packer;
    private Instant readAt;

    public DatagramHandler(Ingest ingest, Clients clients, String protocol, int maxFrameBytes, int maxBatch,
            int maxPending) {
        this.ingest = ingest;
        this.clients = clients;
        this.protocol = protocol;
        this.maxFrameBytes = maxFrameBytes;
        this.maxBatch = maxBatch;
        this.maxPending = maxPending;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        batcher = new Batcher(ctx.executor(), ingest, maxBatch, maxPending, accepting -> {
            if (!accepting) {
                ingest.log().warn("-", "cannot take datagrams now (" + (ingest.stalled() != null ? ingest.stalled()
                        : "the ingest stream is full or too many events wait") + "); dropping and counting them");
            }
        });
        Packing packing = ingest.packing();
        packer = packing == null ? null : new Packer(packing, ingest, batcher, ctx.executor(), false);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            ByteBuf content;
            SocketAddress sender;
            if (msg instanceof DatagramPacket p) {
                content = p.content();
                sender = p.sender();
            } else if (msg instanceof DomainDatagramPacket p) {
                content = p.content();
                sender = p.sender();
            } else {
                return;
            }
            int len = content.readableBytes();
            while (len > 0) {
                byte last = content.getByte(content.readerIndex() + len - 1);
                if (last != '\n' && last != '\r' && last != 0) {
                    break;
                }
                len--;
            }
            if (len == 0) {
                return;
            }
            Peers.Peer peer = Peers.of(sender, ctx.channel().localAddress());
            ClientRecord client = clients.sender(peer.label(), peer.localPort(), protocol);
            if (len > maxFrameBytes) {
                ingest.counters().received.increment();
                ingest.counters().failed.increment();
                client.received(len);
                ingest.log().warn(peer.label(), "datagram length (" + len + ") exceeds the allowed maximum ("
                        + maxFrameBytes + "); dropped");
                return;
            }
            if (!batcher.accepting()) {
                ingest.counters().received.increment();
                ingest.counters().bytes.add(len);
                ingest.counters().dropped.increment();
                client.received(len);
                return;
            }
            if (readAt == null) {
                readAt = Instant.now();
            }
            Event e = ingest.parse(content.slice(content.readerIndex(), len), peer.host(), client, readAt);
            if (e != null && packer != null) {
                packer.add(e);
            } else if (e != null && !batcher.offer(e)) {
                ingest.counters().dropped.increment();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readAt = null;
        batcher.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ingest.log().warn("-", "datagram receive error: " + cause);
    }

    @Override
    public int abandon() {
        return (packer == null ? 0 : packer.stop()) + (batcher == null ? 0 : batcher.stop());
    }
}
