package io.sluice.codec.format;

import io.sluice.api.codec.ByteSink;

/** RFC 3339 timestamps written as bytes from epoch seconds, for formatters of stored events. */
final class EncodedTime {
    private EncodedTime() {
    }

    /**
     * Appends {@code second}/{@code nano} at {@code offsetSeconds} (a whole number of minutes) as
     * {@code yyyy-MM-ddTHH:mm:ss.SSSSSS} and {@code Z} or {@code ±HH:MM}: what
     * {@link Timestamps#appendRfc3339(StringBuilder, java.time.OffsetDateTime, int, boolean)} writes
     * with 6 fixed digits. False, having written a part, for a year outside 0-9999.
     */
    static boolean appendRfc3339Micros(ByteSink out, long second, int nano, int offsetSeconds) {
        long local = second + offsetSeconds;
        long days = Math.floorDiv(local, 86_400L);
        int secondOfDay = (int) Math.floorMod(local, 86_400L);
        // civil date from days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return false;
        }
        out.ensure(32);
        digits(out, (int) year, 4);
        out.write('-');
        digits(out, month, 2);
        out.write('-');
        digits(out, day, 2);
        out.write('T');
        digits(out, secondOfDay / 3600, 2);
        out.write(':');
        digits(out, secondOfDay / 60 % 60, 2);
        out.write(':');
        digits(out, secondOfDay % 60, 2);
        out.write('.');
        digits(out, nano / 1000, 6);
        if (offsetSeconds == 0) {
            out.write('Z');
        } else {
            out.write(offsetSeconds < 0 ? '-' : '+');
            int minutes = Math.abs(offsetSeconds) / 60;
            digits(out, minutes / 60, 2);
            out.write(':');
            digits(out, minutes % 60, 2);
        }
        return true;
    }

    private static void digits(ByteSink out, int value, int width) {
        int start = out.length();
        for (int i = 0; i < width; i++) {
            out.write('0');
        }
        for (int i = start + width - 1; value > 0 && i >= start; i--) {
            out.set(i, '0' + value % 10);
            value /= 10;
        }
    }
}
