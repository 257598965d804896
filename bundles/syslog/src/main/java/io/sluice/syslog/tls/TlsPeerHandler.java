package io.sluice.syslog.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.sluice.syslog.ingest.Ingest;
import io.sluice.syslog.ingest.Peers;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Right after the {@link SslHandler} of a TLS connection: logs (with the peer) and counts every
 * failed handshake — a plain-text client on the TLS port is named as such — and, once a handshake
 * succeeds, closes the connection if the client's certificate is not among the permitted peers.
 * Until that check is done nothing read is passed on: a client that sends data along with its
 * handshake (TLS 1.3 allows it) gets nothing in before it is found out.
 */
public final class TlsPeerHandler extends ChannelInboundHandlerAdapter {
    private final Ingest ingest;
    private final PeerPolicy peers;
    private final java.util.ArrayDeque<Object> held = new java.util.ArrayDeque<>();
    private boolean verified;

    public TlsPeerHandler(Ingest ingest, PeerPolicy peers) {
        this.ingest = ingest;
        this.peers = peers;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                failed(ctx, describe(done.cause()));
                return;
            }
            if (!check(ctx)) {
                return;
            }
            verified = true;
            super.userEventTriggered(ctx, evt);
            Object m;
            while ((m = held.poll()) != null) {
                ctx.fireChannelRead(m);
            }
            ctx.fireChannelReadComplete();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (verified) {
            ctx.fireChannelRead(msg);
        } else {
            held.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (verified) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseHeld();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        Object m;
        while ((m = held.poll()) != null) {
            io.netty.util.ReferenceCountUtil.release(m);
        }
    }

    /** Whether the client's certificate is permitted; if not, the connection is closed. */
    private boolean check(ChannelHandlerContext ctx) {
        if (peers.permitsAll()) {
            return true;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        X509Certificate cert;
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            cert = chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            cert = null;
        }
        if (cert == null) {
            failed(ctx, "TLS client presented no certificate, and tlsPermittedPeers needs one");
            return false;
        }
        if (!peers.permits(cert)) {
            failed(ctx, "TLS client certificate '" + cert.getSubjectX500Principal().getName() + "' ("
                    + PeerPolicy.fingerprintText(cert) + ") is not in tlsPermittedPeers");
            return false;
        }
        return true;
    }

    private void failed(ChannelHandlerContext ctx, String why) {
        releaseHeld();
        ingest.counters().failed.increment();
        ingest.log().warn(Peers.of(ctx.channel()).label(), why + "; closing the connection");
        ctx.close();
    }

    static String describe(Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof NotSslRecordException) {
            return "plain-text data on a TLS port (not a TLS handshake)";
        }
        if (c instanceof java.nio.channels.ClosedChannelException || c.getMessage() == null) {
            return "connection closed before the TLS handshake completed (a port probe, or a client that gave up)";
        }
        return "TLS handshake failed: " + c.getMessage();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof SSLException) {
            // The handshake event (or the close) reports it; nothing more for the stages after us.
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
