package io.sluice.codec.format;

import io.sluice.api.Event;
import io.sluice.api.codec.EventFormatter;
import java.util.List;
import java.util.Map;

/**
 * Writes RFC 5424 syslog: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [SP MSG]}.
 *
 * <ul>
 * <li>Absent header fields and an absent {@code timereported} are the NILVALUE {@code -}.</li>
 * <li>Header fields are made PRINTUSASCII and cut to 255/48/128/32 characters, see
 *     {@link Escaping#appendHeader(StringBuilder, String, int)}.</li>
 * <li>TIMESTAMP keeps the event's offset ({@code Z} for UTC) and up to 6 fraction digits
 *     (RFC 5424 §6.2.3: TIME-SECFRAC is at most 6 digits), trailing zeros dropped.</li>
 * <li>SD-IDs and param names are sanitized to SD-NAME characters; a param with several values is
 *     written once per value, in order.</li>
 * <li>MSG is control-escaped and follows a space; an empty message writes no trailing space.
 *     No BOM unless asked for.</li>
 * </ul>
 */
public final class Rfc5424Formatter implements EventFormatter {
    public static final String FORMAT = "rfc5424";
    static final int MAX_HOST = 255;
    static final int MAX_APP_NAME = 48;
    static final int MAX_PROCID = 128;
    static final int MAX_MSGID = 32;

    private final boolean bom;

    public Rfc5424Formatter() {
        this(false);
    }

    /** @param bom true to start MSG with a UTF-8 BOM (RFC 5424 §6.4, MSG-UTF8) */
    public Rfc5424Formatter(boolean bom) {
        this.bom = bom;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void format(Event e, StringBuilder out) {
        out.append('<').append(e.priority()).append(">1 ");
        if (e.timereported() == null) {
            out.append(Escaping.NIL);
        } else {
            Timestamps.appendRfc3339(out, e.timereported(), 6, false);
        }
        out.append(' ');
        Escaping.appendHeader(out, e.host(), MAX_HOST).append(' ');
        Escaping.appendHeader(out, e.appName(), MAX_APP_NAME).append(' ');
        Escaping.appendHeader(out, e.procId(), MAX_PROCID).append(' ');
        Escaping.appendHeader(out, e.msgId(), MAX_MSGID).append(' ');
        appendStructuredData(out, e.structuredData());
        String msg = e.message();
        if (!msg.isEmpty()) {
            out.append(' ');
            if (bom) {
                out.append('\uFEFF');
            }
            Escaping.appendEscaped(out, msg);
        }
    }

    /** Appends STRUCTURED-DATA: {@code -} when there is none. */
    static void appendStructuredData(StringBuilder out, Map<String, Map<String, List<String>>> sd) {
        if (sd.isEmpty()) {
            out.append(Escaping.NIL);
            return;
        }
        for (Map.Entry<String, Map<String, List<String>>> element : sd.entrySet()) {
            out.append('[');
            Escaping.appendSdName(out, element.getKey());
            for (Map.Entry<String, List<String>> param : element.getValue().entrySet()) {
                for (String value : param.getValue()) {
                    out.append(' ');
                    Escaping.appendSdName(out, param.getKey());
                    out.append("=\"");
                    Escaping.appendSdValue(out, value);
                    out.append('"');
                }
            }
            out.append(']');
        }
    }
}
