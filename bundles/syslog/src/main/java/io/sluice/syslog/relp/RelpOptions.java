package io.sluice.syslog.relp;

/**
 * The RELP settings of a listener.
 *
 * @param maxDataBytes   largest DATALEN taken (librelp's default: 128 KiB)
 * @param window         unanswered frames a session may have; reading pauses beyond
 * @param lz4            whether the {@code lz4} command is taken
 * @param maxLz4Bytes    largest uncompressed {@code lz4} group
 * @param maxLz4Ratio    largest uncompressed / compressed ratio of an {@code lz4} group
 * @param software       what {@code relp_software} answers
 * @param refuseAfterMillis how long the bus may fail (not: be full) and have no capacity before the
 *                       session answers its waiting frames, and new ones, {@code 500} (the sender sends
 *                       them again later); 0: never, the session holds them
 */
public record RelpOptions(int maxDataBytes, int window, boolean lz4, int maxLz4Bytes, int maxLz4Ratio,
        String software, long refuseAfterMillis) {

    /** Options that never refuse for an unavailable bus. */
    public RelpOptions(int maxDataBytes, int window, boolean lz4, int maxLz4Bytes, int maxLz4Ratio, String software) {
        this(maxDataBytes, window, lz4, maxLz4Bytes, maxLz4Ratio, software, 0);
    }

    public RelpOptions {
        check("maxDataBytes", maxDataBytes, 1, 256 << 20);
        check("window", window, 1, 1_000_000);
        check("maxLz4Bytes", maxLz4Bytes, 1, 1 << 30);
        check("maxLz4Ratio", maxLz4Ratio, 1, 1_000_000);
        check("refuseAfterMillis", refuseAfterMillis, 0, 86_400_000);
    }

    private static void check(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " (" + value + ") must be between " + min + " and " + max);
        }
    }
}
