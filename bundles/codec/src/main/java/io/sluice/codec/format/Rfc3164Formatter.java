package io.sluice.codec.format;

import io.sluice.api.Event;
import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterOptions;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * Writes BSD syslog (RFC 3164): {@code <PRI>Mmm dd hh:mm:ss HOSTNAME TAG: MSG}.
 *
 * <ul>
 * <li>The timestamp is {@link Event#time()} in the formatter's zone, English month, day padded
 *     with a space ({@code Oct  1}); RFC 3164 has no year, zone or fraction.</li>
 * <li>HOSTNAME is header-sanitized (no length cut), {@code -} when absent.</li>
 * <li>TAG is {@code app[procid]} or {@code app} ({@code -} without an app name), see {@link SyslogTag}.</li>
 * <li>MSG is control-escaped; an empty message leaves just {@code TAG:}.</li>
 * </ul>
 */
public final class Rfc3164Formatter implements EventFormatter {
    public static final String FORMAT = "rfc3164";
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};
    private static final int MAX_HOST = 255;

    private final ZoneId zone;

    public Rfc3164Formatter(FormatterOptions options) {
        this.zone = Objects.requireNonNull(options, "options").zone();
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void format(Event e, StringBuilder out) {
        out.append('<').append(e.priority()).append('>');
        ZonedDateTime t = e.time().atZoneSameInstant(zone);
        out.append(MONTHS[t.getMonthValue() - 1]).append(' ');
        int day = t.getDayOfMonth();
        if (day < 10) {
            out.append(' ');
        }
        out.append(day).append(' ');
        Timestamps.pad(out, t.getHour(), 2);
        out.append(':');
        Timestamps.pad(out, t.getMinute(), 2);
        out.append(':');
        Timestamps.pad(out, t.getSecond(), 2);
        out.append(' ');
        Escaping.appendHeader(out, e.host(), MAX_HOST).append(' ');
        SyslogTag.append(out, e);
        if (!e.message().isEmpty()) {
            out.append(' ');
            Escaping.appendEscaped(out, e.message());
        }
    }
}
