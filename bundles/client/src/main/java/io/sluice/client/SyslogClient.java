package io.sluice.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Syslog over TCP or TLS (RFC 6587 / RFC 5425 framing). A batch's future completes once its bytes
 * are written to the socket and flushed — plain syslog has no acknowledgement, so that is all a
 * sender can know: bytes in flight when a connection breaks may be lost. Use {@link RelpClient}
 * where that matters. Connects on first use and again after a failure.
 */
public final class SyslogClient implements AutoCloseable {

    /** How frames are delimited. */
    public enum Framing {
        /** {@code LEN SP MSG} (RFC 6587 octet counting; RFC 5425 over TLS). */
        OCTET_COUNTED,
        /** {@code MSG LF}; a message's own LF would split it. */
        LF
    }

    private final ClientOptions options;
    private final Framing framing;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private Channel channel;
    private ChannelFuture connecting;

    public SyslogClient(ClientOptions options, Framing framing) {
        this.options = options;
        this.framing = framing;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sluice-syslog-client", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
    }

    /** Writes the messages in order and flushes; completes when they are handed to the kernel. */
    public CompletableFuture<Void> send(List<byte[]> messages) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> withChannel().addListener(c -> {
            if (!c.isSuccess()) {
                done.completeExceptionally(c.cause());
                return;
            }
            Channel ch = ((ChannelFuture) c).channel();
            ChannelFuture last = null;
            for (byte[] m : messages) {
                last = ch.write(frame(ch, m));
            }
            ch.flush();
            if (last == null) {
                done.complete(null);
                return;
            }
            last.addListener(w -> {
                if (w.isSuccess()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(w.cause());
                }
            });
        }));
        return done;
    }

    private ByteBuf frame(Channel ch, byte[] m) {
        if (framing == Framing.LF) {
            return ch.alloc().buffer(m.length + 1).writeBytes(m).writeByte('\n');
        }
        byte[] len = (m.length + " ").getBytes(StandardCharsets.US_ASCII);
        return ch.alloc().buffer(len.length + m.length).writeBytes(len).writeBytes(m);
    }

    private ChannelFuture withChannel() {
        if (channel != null && channel.isActive()) {
            return channel.newSucceededFuture();
        }
        if (connecting != null && !connecting.isDone()) {
            return connecting;
        }
        Bootstrap b = Bootstraps.tcp(loop, options, ch -> ch.pipeline().addLast("discard",
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg); // a syslog server sends nothing
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                }));
        connecting = b.connect(options.host(), options.port());
        channel = connecting.channel();
        if (options.tls() != null) {
            // Written data must wait for the handshake: complete when it is done.
            ChannelFuture handshake = channel.newPromise();
            connecting.addListener(c -> {
                if (!c.isSuccess()) {
                    ((io.netty.channel.ChannelPromise) handshake).setFailure(c.cause());
                    return;
                }
                channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        ((io.netty.channel.ChannelPromise) handshake).setSuccess();
                    } else {
                        ((io.netty.channel.ChannelPromise) handshake).setFailure(h.cause());
                        channel.close();
                    }
                });
            });
            connecting = handshake;
        }
        return connecting;
    }

    /**
     * Ends the connection the way that loses nothing already written: TLS close_notify, then a
     * half-close (FIN), then waits (up to the response timeout) until the server, having read
     * everything, closes its side. Closing at once could make the kernel answer data the server
     * sent (a TLS 1.3 session ticket) with a reset, and a reset makes the server drop what it has
     * not read yet.
     */
    @Override
    public void close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        loop.execute(() -> {
            Channel ch = channel;
            if (ch == null || !ch.isActive()) {
                closed.complete(null);
                return;
            }
            ch.closeFuture().addListener(f -> closed.complete(null));
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            ChannelFuture notified = ssl != null ? ssl.closeOutbound() : ch.newSucceededFuture();
            notified.addListener(f -> {
                if (ch instanceof SocketChannel socket && ch.isActive()) {
                    socket.shutdownOutput();
                }
            });
        });
        try {
            closed.get(options.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception notClosedByTheServer) {
            // Closed below; what the server had not read by now may be lost, as with any syslog over TCP.
        }
        loop.execute(() -> {
            if (channel != null) {
                channel.close();
            }
        });
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
