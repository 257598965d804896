package io.sluice.client;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a client connects. Immutable; start from {@link #of(String, int)}.
 *
 * @param host             server host name or address
 * @param port             server port
 * @param tls              a client TLS context, or null for plain TCP
 * @param tlsServerName    the name the server's certificate must carry (host name verification);
 *                         null: {@code host}
 * @param window           RELP: frames sent and not yet answered, at most (librelp's default: 128)
 * @param lz4              RELP: offer the {@code lz4} command and send groups with it when agreed
 * @param maxDataBytes     RELP: largest frame DATA sent (the server's limit; librelp's default 128 KiB)
 * @param connectTimeout   how long a connection attempt may take
 * @param responseTimeout  RELP: a frame unanswered this long means the session is broken; it is
 *                         closed and everything unanswered is sent again on a new one
 * @param maxBackoff       longest wait between reconnection attempts (they start at 100 ms and double)
 */
public record ClientOptions(String host, int port, SslContext tls, String tlsServerName, int window, boolean lz4,
        int maxDataBytes, Duration connectTimeout, Duration responseTimeout, Duration maxBackoff) {

    public ClientOptions {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port (" + port + ") must be 1 to 65535");
        }
        if (window < 1) {
            throw new IllegalArgumentException("window (" + window + ") must be positive");
        }
        if (maxDataBytes < 1024) {
            throw new IllegalArgumentException("maxDataBytes (" + maxDataBytes + ") must be at least 1024");
        }
    }

    public static ClientOptions of(String host, int port) {
        return new ClientOptions(host, port, null, null, 128, false, 128 * 1024, Duration.ofSeconds(5),
                Duration.ofSeconds(90), Duration.ofSeconds(5));
    }

    public ClientOptions withTls(SslContext context, String serverName) {
        return new ClientOptions(host, port, context, serverName, window, lz4, maxDataBytes, connectTimeout,
                responseTimeout, maxBackoff);
    }

    public ClientOptions withWindow(int frames) {
        return new ClientOptions(host, port, tls, tlsServerName, frames, lz4, maxDataBytes, connectTimeout,
                responseTimeout, maxBackoff);
    }

    public ClientOptions withLz4(boolean on) {
        return new ClientOptions(host, port, tls, tlsServerName, window, on, maxDataBytes, connectTimeout,
                responseTimeout, maxBackoff);
    }

    public ClientOptions withTimeouts(Duration connect, Duration response, Duration backoff) {
        return new ClientOptions(host, port, tls, tlsServerName, window, lz4, maxDataBytes, connect, response,
                backoff);
    }
}
