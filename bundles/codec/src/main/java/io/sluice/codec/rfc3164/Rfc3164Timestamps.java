package io.sluice.codec.rfc3164;

/**
 * Byte-level scanning of the timestamps BSD syslog senders write. Results go into a {@link Header};
 * no objects are made here. Resolving the year and zone into an {@code OffsetDateTime} is the
 * parser's job ({@link Rfc3164Parser}), because it needs the clock and zone of the options.
 *
 * <p>Accepted (after rsyslog's {@code ParseTIMESTAMP3164}/{@code ParseTIMESTAMP3339} and
 * syslog-ng's legacy parser):
 * <ul>
 * <li>{@code [yyyy ]Mmm dd [yyyy ]hh:mm:ss[.frac][ ZONE:][:]} — month case-insensitive, day
 *     space-padded, zero-padded or one digit, a year before the month or before the time, any
 *     number of fraction digits (kept to nanoseconds), a zone abbreviation ending with a colon
 *     (Cisco {@code 12:43:29.227 EST:}), a colon after the time (Cisco, PIX).</li>
 * <li>RFC 3339 / ISO 8601: {@code yyyy-mm-dd(T| )hh:mm:ss[.frac][Z|±hh:mm|±hhmm]}; without an
 *     offset the zone of the options applies.</li>
 * </ul>
 * A timestamp must be followed by a space or the end of the message, else it is not one (as in
 * rsyslog). Range checks here are per field (day 1..31); the calendar check (Feb 30) happens when
 * the year is known.
 */
final class Rfc3164Timestamps {
    static final int NO_OFFSET = Integer.MIN_VALUE;

    private Rfc3164Timestamps() {
    }

    /**
     * Scans a timestamp at {@code p}. On success fills the timestamp fields of {@code h} and returns
     * the position after the timestamp and its one following space (or {@code end}); else returns -1
     * and leaves the fields of {@code h} in an undefined state (the caller resets them).
     */
    static int scan(byte[] d, int p, int end, Header h) {
        if (p >= end) {
            return -1;
        }
        byte c = d[p];
        if (c >= '0' && c <= '9') {
            int r = scan3339(d, p, end, h);
            if (r >= 0) {
                return r;
            }
        }
        return scan3164(d, p, end, h);
    }

    private static int scan3339(byte[] d, int p, int end, Header h) {
        // yyyy-
        if (end - p < 19 || !digits(d, p, 4) || d[p + 4] != '-') {
            return -1;
        }
        int year = num(d, p, 4);
        p += 5;
        int q = digitRun(d, p, end, 2);
        if (q - p < 1 || q >= end || d[q] != '-') {
            return -1;
        }
        int month = num(d, p, q - p);
        p = q + 1;
        q = digitRun(d, p, end, 2);
        if (q - p < 1 || q >= end || (d[q] != 'T' && d[q] != 't' && d[q] != ' ')) {
            return -1;
        }
        int day = num(d, p, q - p);
        p = q + 1;
        int r = scanTime(d, p, end, h);
        if (r < 0 || month < 1 || month > 12 || day < 1 || day > 31) {
            return -1;
        }
        p = r;
        int offset = NO_OFFSET;
        if (p < end) {
            c:
            {
                byte c = d[p];
                if (c == 'Z' || c == 'z') {
                    offset = 0;
                    p++;
                    break c;
                }
                if (c == '+' || c == '-') {
                    // ±hh:mm or ±hhmm or ±hh
                    if (end - p < 3 || !digits(d, p + 1, 2)) {
                        return -1;
                    }
                    int oh = num(d, p + 1, 2);
                    int om = 0;
                    int n = p + 3;
                    if (n < end && d[n] == ':') {
                        if (end - n < 3 || !digits(d, n + 1, 2)) {
                            return -1;
                        }
                        om = num(d, n + 1, 2);
                        n += 3;
                    } else if (end - n >= 2 && digits(d, n, 2)) {
                        om = num(d, n, 2);
                        n += 2;
                    }
                    if (oh > 18 || om > 59) {
                        return -1;
                    }
                    offset = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
                    p = n;
                }
            }
        }
        if (p < end) {
            if (d[p] != ' ') {
                return -1;
            }
            p++;
        }
        h.tsYear = year;
        h.tsMonth = month;
        h.tsDay = day;
        h.tsOffset = offset;
        return p;
    }

    /** hh:mm:ss[.frac] into h; returns the position after it or -1. */
    private static int scanTime(byte[] d, int p, int end, Header h) {
        int q = digitRun(d, p, end, 2);
        if (q - p < 1 || q >= end || d[q] != ':') {
            return -1;
        }
        int hour = num(d, p, q - p);
        p = q + 1;
        q = digitRun(d, p, end, 2);
        if (q - p < 1 || q >= end || d[q] != ':') {
            return -1;
        }
        int minute = num(d, p, q - p);
        p = q + 1;
        q = digitRun(d, p, end, 2);
        if (q - p < 1) {
            return -1;
        }
        int second = num(d, p, q - p);
        p = q;
        int nanos = 0;
        if (p < end && d[p] == '.') {
            p++;
            int scale = 100_000_000;
            while (p < end && d[p] >= '0' && d[p] <= '9') {
                nanos += (d[p] - '0') * scale;
                scale /= 10;
                p++;
            }
        }
        if (hour > 23 || minute > 59 || second > 60) {
            return -1;
        }
        if (second == 60) { // a leap second: java.time has none
            second = 59;
            nanos = 999_999_999;
        }
        h.tsHour = hour;
        h.tsMinute = minute;
        h.tsSecond = second;
        h.tsNanos = nanos;
        return p;
    }

    private static int scan3164(byte[] d, int p, int end, Header h) {
        int year = 0;
        if (p < end && d[p] >= '0' && d[p] <= '9') { // a year before the month (Brocade, NX-OS)
            if (end - p < 5 || !digits(d, p, 4) || d[p + 4] != ' ') {
                return -1;
            }
            year = num(d, p, 4);
            if (year < 1970 || year > 2100) {
                return -1;
            }
            p += 5;
        }
        if (end - p < 4) {
            return -1;
        }
        int month = month(d[p], d[p + 1], d[p + 2]);
        if (month == 0 || d[p + 3] != ' ') {
            return -1;
        }
        p += 4;
        if (p < end && d[p] == ' ') {
            p++;
        }
        int q = digitRun(d, p, end, 2);
        if (q - p < 1 || q >= end || d[q] != ' ') {
            return -1;
        }
        int day = num(d, p, q - p);
        if (day < 1 || day > 31) {
            return -1;
        }
        p = q + 1;
        // a year before the time ("Mar 7 2008 19:06:53", Cisco)
        if (year == 0 && end - p >= 5 && digits(d, p, 4) && d[p + 4] == ' ') {
            int y = num(d, p, 4);
            if (y > 1970 && y < 2100) {
                year = y;
                p += 5;
            }
        }
        int r = scanTime(d, p, end, h);
        if (r < 0) {
            return -1;
        }
        p = r;
        int offset = NO_OFFSET;
        // " ZONE:" (Cisco "service timestamps ... show-timezone")
        if (end - p >= 3 && d[p] == ' ') {
            int z = p + 1;
            while (z < end && z - p <= 5 && d[z] >= 'A' && d[z] <= 'Z') {
                z++;
            }
            if (z > p + 1 && z < end && d[z] == ':') {
                offset = zoneOffset(d, p + 1, z);
                p = z;
            }
        }
        if (p < end && d[p] == ':') {
            p++;
        }
        if (p < end) {
            if (d[p] != ' ') {
                return -1;
            }
            p++;
        }
        h.tsYear = year;
        h.tsMonth = month;
        h.tsDay = day;
        h.tsOffset = offset;
        return p;
    }

    /**
     * The offset of an unambiguous zone abbreviation in seconds, or NO_OFFSET (the options' zone then
     * applies). Ambiguous ones (CST, IST, BST...) are skipped on purpose.
     */
    static int zoneOffset(byte[] d, int s, int e) {
        int len = e - s;
        int key = 0;
        for (int i = s; i < e; i++) {
            key = key << 8 | (d[i] & 0xff);
        }
        if (len == 1) {
            return key == 'Z' ? 0 : NO_OFFSET;
        }
        if (len == 2) {
            return key == ('U' << 8 | 'T') ? 0 : NO_OFFSET;
        }
        if (len == 3) {
            switch (key) {
                case 'U' << 16 | 'T' << 8 | 'C', 'G' << 16 | 'M' << 8 | 'T':
                    return 0;
                case 'E' << 16 | 'S' << 8 | 'T':
                    return -5 * 3600;
                case 'E' << 16 | 'D' << 8 | 'T':
                    return -4 * 3600;
                case 'C' << 16 | 'D' << 8 | 'T':
                    return -5 * 3600;
                case 'M' << 16 | 'S' << 8 | 'T':
                    return -7 * 3600;
                case 'M' << 16 | 'D' << 8 | 'T':
                    return -6 * 3600;
                case 'P' << 16 | 'S' << 8 | 'T':
                    return -8 * 3600;
                case 'P' << 16 | 'D' << 8 | 'T':
                    return -7 * 3600;
                case 'C' << 16 | 'E' << 8 | 'T', 'M' << 16 | 'E' << 8 | 'T':
                    return 3600;
                case 'E' << 16 | 'E' << 8 | 'T':
                    return 2 * 3600;
                case 'J' << 16 | 'S' << 8 | 'T':
                    return 9 * 3600;
                default:
                    return NO_OFFSET;
            }
        }
        if (len == 4) {
            switch (key) {
                case 'C' << 24 | 'E' << 16 | 'S' << 8 | 'T', 'M' << 24 | 'E' << 16 | 'S' << 8 | 'T':
                    return 2 * 3600;
                case 'E' << 24 | 'E' << 16 | 'S' << 8 | 'T':
                    return 3 * 3600;
                default:
                    return NO_OFFSET;
            }
        }
        return NO_OFFSET;
    }

    /** 1..12 for a case-insensitive English month abbreviation, else 0. */
    static int month(byte a, byte b, byte c) {
        int k = (a | 0x20) << 16 | (b | 0x20) << 8 | (c | 0x20);
        switch (k) {
            case 'j' << 16 | 'a' << 8 | 'n':
                return 1;
            case 'f' << 16 | 'e' << 8 | 'b':
                return 2;
            case 'm' << 16 | 'a' << 8 | 'r':
                return 3;
            case 'a' << 16 | 'p' << 8 | 'r':
                return 4;
            case 'm' << 16 | 'a' << 8 | 'y':
                return 5;
            case 'j' << 16 | 'u' << 8 | 'n':
                return 6;
            case 'j' << 16 | 'u' << 8 | 'l':
                return 7;
            case 'a' << 16 | 'u' << 8 | 'g':
                return 8;
            case 's' << 16 | 'e' << 8 | 'p':
                return 9;
            case 'o' << 16 | 'c' << 8 | 't':
                return 10;
            case 'n' << 16 | 'o' << 8 | 'v':
                return 11;
            case 'd' << 16 | 'e' << 8 | 'c':
                return 12;
            default:
                return 0;
        }
    }

    /** Whether a timestamp (as {@link #scan} knows them) could start with this byte. */
    static boolean mayStart(byte c) {
        return (c >= '0' && c <= '9') || "JjFfMmAaSsOoNnDd".indexOf(c) >= 0;
    }

    private static boolean digits(byte[] d, int p, int n) {
        for (int i = p; i < p + n; i++) {
            if (d[i] < '0' || d[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** The end of a run of at most {@code max} digits from {@code p}. */
    private static int digitRun(byte[] d, int p, int end, int max) {
        int q = p;
        while (q < end && q - p < max && d[q] >= '0' && d[q] <= '9') {
            q++;
        }
        return q;
    }

    private static int num(byte[] d, int p, int n) {
        int v = 0;
        for (int i = p; i < p + n; i++) {
            v = v * 10 + (d[i] - '0');
        }
        return v;
    }

    static boolean isLeap(int y) {
        return (y & 3) == 0 && (y % 100 != 0 || y % 400 == 0);
    }

    static int monthLength(int y, int m) {
        return switch (m) {
            case 2 -> isLeap(y) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days from 1970-01-01 to the given proleptic Gregorian date (civil-from-days, inverted). */
    static long epochDay(int y, int m, int d) {
        long yy = m <= 2 ? y - 1 : y;
        long era = Math.floorDiv(yy, 400);
        long yoe = yy - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }
}
