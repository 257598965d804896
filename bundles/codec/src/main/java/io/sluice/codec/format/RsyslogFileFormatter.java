package io.sluice.codec.format;

import io.sluice.api.Event;
import io.sluice.api.EventBinary;
import io.sluice.api.codec.ByteSink;
import io.sluice.api.codec.EncodedFormatter;
import io.sluice.api.codec.EventFormatter;

/**
 * Writes rsyslog's {@code RSYSLOG_FileFormat}:
 * {@code %timereported:::date-rfc3339% %HOSTNAME% %syslogtag%%msg:::sp-if-no-1st-sp%%msg:::drop-last-lf%}
 * (without the final LF: the caller ends lines).
 *
 * <ul>
 * <li>TIMESTAMP is {@link Event#time()} (timereported, else the receive time, as rsyslog does)
 *     with exactly 6 fraction digits and its offset ({@code Z} for UTC).</li>
 * <li>HOSTNAME is header-sanitized, {@code -} when absent; syslogtag is {@code app[pid]:} or
 *     {@code app:}, see {@link SyslogTag}.</li>
 * <li>{@code sp-if-no-1st-sp}: a space is written unless the message starts with a space (so an
 *     empty message still gets one), then the message, without one trailing LF
 *     ({@code drop-last-lf}), control-escaped.</li>
 * </ul>
 */
public final class RsyslogFileFormatter implements EventFormatter, EncodedFormatter {
    public static final String FORMAT = "rsyslog-file";
    private static final int MAX_HOST = 255;

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void format(Event e, StringBuilder out) {
        Timestamps.appendRfc3339(out, e.time(), 6, true).append(' ');
        Escaping.appendHeader(out, e.host(), MAX_HOST).append(' ');
        SyslogTag.append(out, e);
        String msg = e.message();
        if (msg.isEmpty() || msg.charAt(0) != ' ') {
            out.append(' ');
        }
        int end = msg.endsWith("\n") ? msg.length() - 1 : msg.length();
        Escaping.appendEscaped(out, msg, 0, end);
    }

    /**
     * The same line from the stored encoding (see {@link EncodedFormatter}): the header fields are
     * copied as bytes when they need no change (printable ASCII, short enough, no reserved
     * character), the message with its control characters escaped byte by byte (UTF-8 keeps every
     * other byte of a character above 0x7F, so this is the escaping of the decoded text); anything
     * else, and years outside 0-9999, goes the decoded way.
     */
    @Override
    public boolean formatEncoded(EventBinary.View v, ByteSink out) {
        byte[] r = v.record();
        if (!plain(r, v.hostOffset(), v.hostLength(), MAX_HOST, false)
                || !plain(r, v.appNameOffset(), v.appNameLength(), SyslogTag.MAX_APP_NAME, true)
                || !plain(r, v.procIdOffset(), v.procIdLength(), SyslogTag.MAX_PROCID, true)) {
            return false;
        }
        long second;
        int nano;
        int offset;
        if (v.hasReported()) {
            second = v.reportedSecond();
            nano = v.reportedNano();
            offset = v.reportedOffset() % 60 == 0 ? v.reportedOffset() : 0; // as Timestamps.appendRfc3339
        } else {
            second = v.generatedSecond();
            nano = v.generatedNano();
            offset = 0;
        }
        int start = out.length();
        if (!EncodedTime.appendRfc3339Micros(out, second, nano, offset)) {
            out.truncate(start);
            return false;
        }
        out.write(' ');
        header(out, r, v.hostOffset(), v.hostLength());
        out.write(' ');
        header(out, r, v.appNameOffset(), v.appNameLength());
        if (v.procIdLength() > 0) {
            out.write('[');
            out.write(r, v.procIdOffset(), v.procIdLength());
            out.write(']');
        }
        out.write(':');
        int m = v.messageOffset();
        int n = v.messageLength();
        if (n == 0 || r[m] != ' ') {
            out.write(' ');
        }
        if (n > 0 && r[m + n - 1] == '\n') {
            n--;
        }
        out.ensure(n);
        int run = m;
        for (int i = m, end = m + n; i < end; i++) {
            int b = r[i];
            if ((b >= 0 && b < 0x20) || b == 0x7F) {
                out.write(r, run, i - run);
                out.write('#').write('0' + ((b >> 6) & 7)).write('0' + ((b >> 3) & 7)).write('0' + (b & 7));
                run = i + 1;
            }
        }
        out.write(r, run, m + n - run);
        return true;
    }

    /** Absent, empty, or printable ASCII without the tag's reserved characters, at most {@code max} bytes. */
    private static boolean plain(byte[] r, int off, int len, int max, boolean tag) {
        if (len <= 0) {
            return true;
        }
        if (len > max) {
            return false;
        }
        for (int i = off, end = off + len; i < end; i++) {
            byte b = r[i];
            if (b <= ' ' || b > '~' || (tag && (b == '[' || b == ']' || b == ':'))) {
                return false;
            }
        }
        return true;
    }

    private static void header(ByteSink out, byte[] r, int off, int len) {
        if (len <= 0) {
            out.write('-');
        } else {
            out.write(r, off, len);
        }
    }
}
