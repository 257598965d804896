package io.sluice.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** How both clients connect: TCP with keep-alive and no Nagle, and TLS with host name verification. */
final class Bootstraps {
    private Bootstraps() {
    }

    /** A bootstrap whose channels get TLS (when configured) and then what {@code pipeline} adds. */
    static Bootstrap tcp(EventLoop loop, ClientOptions options, Consumer<Channel> pipeline) {
        return new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (options.tls() != null) {
                            String name = options.tlsServerName() != null ? options.tlsServerName() : options.host();
                            SslHandler ssl = options.tls().newHandler(ch.alloc(), name, options.port());
                            SSLEngine engine = ssl.engine();
                            SSLParameters p = engine.getSSLParameters();
                            p.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(p);
                            ch.pipeline().addLast("tls", ssl);
                        }
                        pipeline.accept(ch);
                    }
                });
    }
}
