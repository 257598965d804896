package io.sluice.shipper.pgsql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.api.Event;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Events as rows of the events table, in PostgreSQL's COPY text format (columns in table order,
 * tab-separated, {@code \N} for NULL, backslash escapes), and as JSON for the dead-letter table.
 * Nothing is checked here that PostgreSQL checks itself (a NUL byte, say): a row it refuses is
 * found by the shipper and goes to the dead letters.
 */
final class Rows {
    static final String COLUMNS = "time, id, received, severity, facility, host, app_name, procid, msgid, message, "
            + "structured_data, fields, tags, hmac";
    private static final JsonFactory JSON = new JsonFactory();

    private Rows() {
    }

    /**
     * The time column of an event: its reported time when that lies between {@code maxAge} before
     * and a day after the time Sluice received it (a clock gone wrong must not create partitions
     * years away), else the received time. It depends on the event alone, so an event delivered
     * again gets the same time, hence the same primary key.
     */
    static Instant time(Event e, java.time.Duration maxAge) {
        Instant received = e.timegenerated();
        OffsetDateTime r = e.timereported();
        if (r != null) {
            Instant t = r.toInstant();
            if (!t.isBefore(received.minus(maxAge)) && !t.isAfter(received.plus(java.time.Duration.ofDays(1)))) {
                return t;
            }
        }
        return received;
    }

    /** Appends one row, ending with a newline. */
    static void copyRow(StringBuilder out, Event e, Instant time) {
        out.append(time).append('\t');
        text(out, e.id());
        out.append('\t').append(e.timegenerated()).append('\t');
        out.append(e.severity() == null ? "\\N" : Integer.toString(e.severity().code())).append('\t');
        out.append(e.facility() == null ? "\\N" : Integer.toString(e.facility().code())).append('\t');
        text(out, e.host());
        out.append('\t');
        text(out, e.appName());
        out.append('\t');
        text(out, e.procId());
        out.append('\t');
        text(out, e.msgId());
        out.append('\t');
        text(out, e.message() == null ? "" : e.message());
        out.append('\t');
        text(out, e.structuredData().isEmpty() ? null : json(e.structuredData()));
        out.append('\t');
        text(out, e.fields().isEmpty() ? null : json(e.fields()));
        out.append('\t');
        text(out, e.tags().isEmpty() ? null : array(e.tags()));
        out.append('\t');
        text(out, e.hmac() == null ? null : hmac(e));
        out.append('\n');
    }

    /** A text value, escaped for COPY; null as {@code \N}. */
    static void text(StringBuilder out, String s) {
        if (s == null) {
            out.append("\\N");
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }

    /** A text[] literal: every element double-quoted, {@code "} and {@code \} escaped. */
    static String array(Collection<String> values) {
        StringBuilder b = new StringBuilder("{");
        for (String v : values) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"');
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            }
            b.append('"');
        }
        return b.append('}').toString();
    }

    /** A map of strings, numbers, booleans, lists and maps as JSON text. */
    static String json(Map<String, ?> map) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            write(g, map);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /**
     * The {@code hmac} column of a signed event: key id and MAC, and what the other columns cannot
     * hold exactly but the signature covers: the signed time as written (offset and nanoseconds;
     * {@code reported}, or {@code generated} when the event has no reported time) and the order of the
     * structured data's elements and parameters (jsonb keeps neither). With these and the columns, the
     * event view recomputes the MAC: a row changed in the database no longer verifies.
     */
    static String hmac(Event e) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("key", e.hmac().keyId());
        m.put("mac", e.hmac().value());
        if (e.timereported() != null) {
            m.put("reported", e.timereported().toString());
        } else {
            m.put("generated", e.timegenerated().toString());
        }
        java.util.List<Object> order = new java.util.ArrayList<>();
        e.structuredData().forEach((id, params) -> order.add(java.util.List.of(id, java.util.List.copyOf(params.keySet()))));
        m.put("sd_order", order);
        return json(m);
    }

    /** The whole event as JSON, for the dead-letter table. */
    static String eventJson(Event e) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", e.id());
        m.put("timereported", e.timereported() == null ? null : e.timereported().toString());
        m.put("timegenerated", e.timegenerated().toString());
        m.put("severity", e.severity() == null ? null : e.severity().code());
        m.put("facility", e.facility() == null ? null : e.facility().code());
        m.put("host", e.host());
        m.put("app_name", e.appName());
        m.put("procid", e.procId());
        m.put("msgid", e.msgId());
        m.put("message", e.message());
        m.put("structured_data", e.structuredData());
        m.put("fields", e.fields());
        m.put("tags", List.copyOf(e.tags()));
        return json(m);
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> en : m.entrySet()) {
                g.writeFieldName(String.valueOf(en.getKey()));
                write(g, en.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object x : c) {
                write(g, x);
            }
            g.writeEndArray();
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            g.writeNumber(((Number) v).doubleValue());
        } else if (v instanceof java.math.BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof java.math.BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(v.toString());
        }
    }
}
