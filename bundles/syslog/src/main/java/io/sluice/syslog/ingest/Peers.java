package io.sluice.syslog.ingest;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** How senders are named in logs, client lists and (as {@code host} fallback) events. */
public final class Peers {
    private Peers() {
    }

    /**
     * @param host what a parser uses as {@code host} when the message names none: the IP address,
     *     or {@code localhost} for Unix sockets
     * @param label for people: {@code 192.0.2.1:51234}, {@code unix:/path (pid 42, uid 0)}
     * @param localPort the listener's port, 0 for Unix sockets
     */
    public record Peer(String host, String label, int localPort) {
    }

    public static Peer of(Channel ch) {
        int localPort = ch.localAddress() instanceof InetSocketAddress l ? l.getPort() : 0;
        SocketAddress remote = ch.remoteAddress();
        if (remote instanceof InetSocketAddress r) {
            return new Peer(r.getAddress() == null ? r.getHostString() : r.getAddress().getHostAddress(),
                    label(r), localPort);
        }
        String path = ch.localAddress() instanceof DomainSocketAddress d ? d.path() : "?";
        String who = "";
        if (ch instanceof EpollDomainSocketChannel uds) {
            try {
                PeerCredentials c = uds.peerCredentials();
                who = " (pid " + c.pid() + ", uid " + c.uid() + ")";
            } catch (java.io.IOException | RuntimeException e) {
                who = "";
            }
        }
        return new Peer("localhost", "unix:" + path + who, 0);
    }

    /** A datagram sender. */
    public static Peer of(SocketAddress sender, SocketAddress local) {
        int localPort = local instanceof InetSocketAddress l ? l.getPort() : 0;
        if (sender instanceof InetSocketAddress r) {
            return new Peer(r.getAddress() == null ? r.getHostString() : r.getAddress().getHostAddress(), label(r),
                    localPort);
        }
        String from = sender instanceof DomainSocketAddress d && !d.path().isEmpty() ? d.path() : "unnamed";
        String at = local instanceof DomainSocketAddress d ? d.path() : "?";
        return new Peer("localhost", "unix:" + at + " from " + from, 0);
    }

    private static String label(InetSocketAddress a) {
        String ip = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
