package io.sluice.codec.rfc5424;

/** Strict UTF-8 (RFC 3629) checks over bytes, without decoding. */
final class Utf8 {
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private Utf8() {
    }

    /**
     * The length (1 to 4) of the well-formed UTF-8 sequence that starts at {@code p}, or 0 when the
     * bytes there are not well-formed UTF-8: a stray continuation byte, an overlong form, a
     * surrogate (U+D800..U+DFFF), a code point over U+10FFFF, or a sequence cut short by {@code end}.
     */
    static int sequenceLength(byte[] b, int p, int end) {
        int c = b[p] & 0xFF;
        if (c < 0x80) {
            return 1;
        }
        if (c < 0xC2) {
            return 0; // continuation byte, or C0/C1 (always overlong)
        }
        if (c < 0xE0) {
            return p + 1 < end && isContinuation(b[p + 1]) ? 2 : 0;
        }
        if (c < 0xF0) {
            if (p + 2 >= end) {
                return 0;
            }
            int c1 = b[p + 1] & 0xFF;
            int lo = c == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
            int hi = c == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a surrogate
            return c1 >= lo && c1 <= hi && isContinuation(b[p + 2]) ? 3 : 0;
        }
        if (c < 0xF5) {
            if (p + 3 >= end) {
                return 0;
            }
            int c1 = b[p + 1] & 0xFF;
            int lo = c == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
            int hi = c == 0xF4 ? 0x8F : 0xBF; // F4 90.. would be over U+10FFFF
            return c1 >= lo && c1 <= hi && isContinuation(b[p + 2]) && isContinuation(b[p + 3]) ? 4 : 0;
        }
        return 0;
    }

    /** The index of the first byte in {@code [from, end)} that is not well-formed UTF-8, or -1. */
    static int firstInvalid(byte[] b, int from, int end) {
        int p = from;
        // ASCII, eight bytes at a time: the usual log line never leaves this loop.
        while (p + 8 <= end && ((long) LONGS.get(b, p) & 0x8080808080808080L) == 0) {
            p += 8;
        }
        while (p < end) {
            if (b[p] >= 0) {
                p++;
                continue;
            }
            int n = sequenceLength(b, p, end);
            if (n == 0) {
                return p;
            }
            p += n;
        }
        return -1;
    }

    private static boolean isContinuation(byte x) {
        return (x & 0xC0) == 0x80;
    }
}
