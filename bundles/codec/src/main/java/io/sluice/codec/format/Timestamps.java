package io.sluice.codec.format;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Fast RFC 3339 timestamp writing for the formatters (no {@code DateTimeFormatter} on the hot path).
 *
 * <p>Offsets are written {@code Z} for UTC, else {@code ±hh:mm}. RFC 3339 has no offsets with
 * seconds (some historical zones have them); those times are converted to UTC.
 */
public final class Timestamps {
    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Timestamps() {
    }

    /**
     * Appends {@code t} as RFC 3339.
     *
     * @param maxDigits the most fraction digits written (0..9); the fraction is cut, not rounded
     * @param fixed true to always write exactly {@code maxDigits} digits (e.g. rsyslog's
     *     microseconds), false to drop trailing zeros (and the dot when nothing is left)
     */
    public static StringBuilder appendRfc3339(StringBuilder out, OffsetDateTime t, int maxDigits, boolean fixed) {
        ZoneOffset offset = t.getOffset();
        if (offset.getTotalSeconds() % 60 != 0) {
            t = t.withOffsetSameInstant(ZoneOffset.UTC);
            offset = ZoneOffset.UTC;
        }
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            out.append(year > 9999 ? '+' : '-');
            out.append(Math.abs(year));
        } else {
            pad(out, year, 4);
        }
        out.append('-');
        pad(out, t.getMonthValue(), 2);
        out.append('-');
        pad(out, t.getDayOfMonth(), 2);
        out.append('T');
        pad(out, t.getHour(), 2);
        out.append(':');
        pad(out, t.getMinute(), 2);
        out.append(':');
        pad(out, t.getSecond(), 2);
        appendFraction(out, t.getNano(), maxDigits, fixed);
        int total = offset.getTotalSeconds();
        if (total == 0) {
            out.append('Z');
        } else {
            out.append(total < 0 ? '-' : '+');
            int abs = Math.abs(total) / 60;
            pad(out, abs / 60, 2);
            out.append(':');
            pad(out, abs % 60, 2);
        }
        return out;
    }

    /** Appends {@code t} at UTC, RFC 3339. */
    public static StringBuilder appendRfc3339(StringBuilder out, Instant t, int maxDigits, boolean fixed) {
        return appendRfc3339(out, t.atOffset(ZoneOffset.UTC), maxDigits, fixed);
    }

    /** {@link #appendRfc3339(StringBuilder, OffsetDateTime, int, boolean)} into a new string. */
    public static String rfc3339(OffsetDateTime t, int maxDigits, boolean fixed) {
        return appendRfc3339(new StringBuilder(35), t, maxDigits, fixed).toString();
    }

    private static void appendFraction(StringBuilder out, int nanos, int maxDigits, boolean fixed) {
        if (maxDigits <= 0) {
            return;
        }
        int digits = maxDigits;
        int value = nanos / POW10[9 - digits];
        if (!fixed) {
            while (digits > 0 && value % 10 == 0) {
                value /= 10;
                digits--;
            }
            if (digits == 0) {
                return;
            }
        }
        out.append('.');
        pad(out, value, digits);
    }

    /** Appends a non-negative {@code value} zero-padded to {@code width} digits. */
    static void pad(StringBuilder out, int value, int width) {
        if (width < POW10.length && value < POW10[width]) {
            // zeros first, then the digits from the right: divisions by the constant 10 only
            int start = out.length();
            for (int i = 0; i < width; i++) {
                out.append('0');
            }
            for (int i = start + width - 1; value > 0; i--) {
                out.setCharAt(i, (char) ('0' + value % 10));
                value /= 10;
            }
            return;
        }
        for (int p = width - 1; p >= 1; p--) {
            if (value < POW10[p]) {
                out.append('0');
            } else {
                break;
            }
        }
        out.append(value);
    }
}
