package io.sluice.codec.format;

import io.sluice.api.Event;
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
public final class RsyslogFileFormatter implements EventFormatter {
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
}
