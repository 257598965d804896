package io.sluice.syslog;

import io.sluice.syslog.frame.Framing;
import io.sluice.syslog.ingest.Packing;
import io.sluice.syslog.tls.TlsSettings;
import java.util.Objects;

/**
 * A listener's configuration in one shape for every transport (each component maps its own typed
 * configuration into it, checking ranges and naming the bad key).
 */
record Settings(String name, String bindAddress, int port, String path, String format, Framing framing,
        int maxFrameBytes, int maxConnections, int idleTimeoutSeconds, long maxReadBytesPerSecond, int maxBatchEvents,
        int maxPendingEvents, int maxListenerPendingEvents, int receiveBufferBytes, String socketMode,
        TlsSettings tls, Packing packing, String stream, long readCoalesceMicros, int readCoalesceBytes) {

    Settings(String name, String bindAddress, int port, String path, String format, Framing framing,
            int maxFrameBytes, int maxConnections, int idleTimeoutSeconds, long maxReadBytesPerSecond,
            int maxBatchEvents, int maxPendingEvents, int maxListenerPendingEvents, int receiveBufferBytes,
            String socketMode, TlsSettings tls) {
        this(name, bindAddress, port, path, format, framing, maxFrameBytes, maxConnections, idleTimeoutSeconds,
                maxReadBytesPerSecond, maxBatchEvents, maxPendingEvents, maxListenerPendingEvents, receiveBufferBytes,
                socketMode, tls, null, io.sluice.api.bus.EventBus.INGEST, 0, 4096);
    }

    /** These settings with multi-line messages rebuilt as {@code p} says (null: not at all). */
    Settings withPacking(Packing p) {
        return new Settings(name, bindAddress, port, path, format, framing, maxFrameBytes, maxConnections,
                idleTimeoutSeconds, maxReadBytesPerSecond, maxBatchEvents, maxPendingEvents, maxListenerPendingEvents,
                receiveBufferBytes, socketMode, tls, p, stream, readCoalesceMicros, readCoalesceBytes);
    }

    /** These settings publishing to {@code s} instead. */
    Settings withStream(String s) {
        return new Settings(name, bindAddress, port, path, format, framing, maxFrameBytes, maxConnections,
                idleTimeoutSeconds, maxReadBytesPerSecond, maxBatchEvents, maxPendingEvents, maxListenerPendingEvents,
                receiveBufferBytes, socketMode, tls, packing, s, readCoalesceMicros, readCoalesceBytes);
    }

    /**
     * These settings with stream connections pausing {@code micros} after a read burst of at least
     * {@code bytes} (0 µs: never).
     */
    Settings withReadCoalescing(long micros, int bytes) {
        return new Settings(name, bindAddress, port, path, format, framing, maxFrameBytes, maxConnections,
                idleTimeoutSeconds, maxReadBytesPerSecond, maxBatchEvents, maxPendingEvents, maxListenerPendingEvents,
                receiveBufferBytes, socketMode, tls, packing, stream, micros, bytes);
    }

    Settings(String name, String bindAddress, int port, String path, String format, Framing framing,
            int maxFrameBytes, int maxConnections, int idleTimeoutSeconds, long maxReadBytesPerSecond,
            int maxBatchEvents, int maxPendingEvents, int maxListenerPendingEvents, int receiveBufferBytes,
            String socketMode) {
        this(name, bindAddress, port, path, format, framing, maxFrameBytes, maxConnections, idleTimeoutSeconds,
                maxReadBytesPerSecond, maxBatchEvents, maxPendingEvents, maxListenerPendingEvents, receiveBufferBytes,
                socketMode, null);
    }

    private static final java.util.regex.Pattern STREAM = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    Settings {
        check("port", port, 0, 65535);
        check("maxFrameBytes", maxFrameBytes, 1, 256 << 20);
        check("maxConnections", maxConnections, 1, Integer.MAX_VALUE);
        check("idleTimeoutSeconds", idleTimeoutSeconds, 0, Integer.MAX_VALUE);
        check("maxReadBytesPerSecond", maxReadBytesPerSecond, 0, Long.MAX_VALUE);
        check("maxBatchEvents", maxBatchEvents, 1, 1_000_000);
        check("maxPendingEvents", maxPendingEvents, maxBatchEvents, 10_000_000);
        check("maxListenerPendingEvents", maxListenerPendingEvents, maxPendingEvents, 100_000_000);
        check("receiveBufferBytes", receiveBufferBytes, 0, Integer.MAX_VALUE);
        check("readCoalesceMicros", readCoalesceMicros, 0, 100_000);
        check("readCoalesceBytes", readCoalesceBytes, 1, Integer.MAX_VALUE);
        Objects.requireNonNull(format, "format");
        if (stream == null || !STREAM.matcher(stream).matches()) {
            throw new IllegalArgumentException("stream '" + stream + "' is not a stream name (lower-case letters, "
                    + "digits, _ . -, at most 64)");
        }
    }

    /** Whether {@code other} can be applied without closing the socket. */
    boolean sameSocket(Settings other) {
        return Objects.equals(bindAddress, other.bindAddress) && port == other.port && Objects.equals(path, other.path)
                && receiveBufferBytes == other.receiveBufferBytes && Objects.equals(socketMode, other.socketMode)
                && Objects.equals(name, other.name);
    }

    private static void check(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " (" + value + ") must be between " + min + " and " + max);
        }
    }
}
