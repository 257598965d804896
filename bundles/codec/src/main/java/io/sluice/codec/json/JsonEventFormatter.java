package io.sluice.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.sluice.api.Event;
import io.sluice.api.Signature;
import io.sluice.api.codec.EventFormatter;
import io.sluice.codec.format.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes Sluice's JSON event format (see {@code docs/formats.md}): one JSON object on one line; keys
 * whose value is absent (null, or empty for structured data, tags and fields) are left out.
 *
 * <p>JSON string escaping already keeps CR, LF and the other control characters off the line, so
 * no extra escaping is applied: the values round-trip exactly through {@link JsonEventParser}.
 * Thread-safe; one {@link JsonFactory} is shared by all calls.
 */
public final class JsonEventFormatter implements EventFormatter {
    public static final String FORMAT = "json";

    static final JsonFactory FACTORY = new JsonFactoryBuilder().characterEscapes(new DelEscapes()).build();

    /** Jackson's standard escapes plus DEL (0x7F), the one control character JSON leaves raw. */
    private static final class DelEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        DelEscapes() {
            int[] std = CharacterEscapes.standardAsciiEscapesForJSON();
            ascii = java.util.Arrays.copyOf(std, 128);
            ascii[0x7F] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void format(Event e, StringBuilder out) {
        try (JsonGenerator g = FACTORY.createGenerator(new StringBuilderWriter(out))) {
            write(e, g);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot happen: writing to a StringBuilder", ex);
        }
    }

    /** Writes one event as a JSON object to {@code g}; the caller owns {@code g}. */
    public static void write(Event e, JsonGenerator g) throws IOException {
        StringBuilder time = new StringBuilder(40);
        g.writeStartObject();
        g.writeFieldName(Names.ID);
        g.writeString(e.id());
        if (e.timereported() != null) {
            Timestamps.appendRfc3339(time, e.timereported(), 9, false);
            g.writeFieldName(Names.TIMEREPORTED);
            writeString(g, time);
            time.setLength(0);
        }
        Timestamps.appendRfc3339(time, e.timegenerated(), 9, false);
        g.writeFieldName(Names.TIMEGENERATED);
        writeString(g, time);
        g.writeFieldName(Names.FACILITY);
        g.writeString(e.facility().keyword());
        g.writeFieldName(Names.SEVERITY);
        g.writeString(e.severity().keyword());
        writeOptional(g, Names.HOST, e.host());
        writeOptional(g, Names.APP_NAME, e.appName());
        writeOptional(g, Names.PROCID, e.procId());
        writeOptional(g, Names.MSGID, e.msgId());
        g.writeFieldName(Names.MESSAGE);
        g.writeString(e.message());
        if (!e.structuredData().isEmpty()) {
            g.writeFieldName(Names.STRUCTURED_DATA);
            g.writeStartObject();
            for (Map.Entry<String, Map<String, List<String>>> el : e.structuredData().entrySet()) {
                g.writeFieldName(el.getKey());
                g.writeStartObject();
                for (Map.Entry<String, List<String>> p : el.getValue().entrySet()) {
                    g.writeFieldName(p.getKey());
                    g.writeStartArray();
                    for (String v : p.getValue()) {
                        g.writeString(v);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        if (!e.tags().isEmpty()) {
            g.writeFieldName(Names.TAGS);
            g.writeStartArray();
            for (String t : e.tags()) {
                g.writeString(t);
            }
            g.writeEndArray();
        }
        if (!e.fields().isEmpty()) {
            g.writeFieldName(Names.FIELDS);
            writeValue(g, e.fields());
        }
        Signature s = e.hmac();
        if (s != null) {
            g.writeFieldName(Names.HMAC);
            g.writeStartObject();
            g.writeFieldName(Names.HMAC_KEY_ID);
        g.writeString(s.keyId());
            g.writeFieldName(Names.HMAC_VALUE);
        g.writeString(s.value());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeString(JsonGenerator g, StringBuilder ascii) throws IOException {
        int n = ascii.length();
        char[] chars = new char[n];
        ascii.getChars(0, n, chars, 0);
        g.writeString(chars, 0, n);
    }

    private static void writeOptional(JsonGenerator g, SerializedString key, String value) throws IOException {
        if (value != null) {
            g.writeFieldName(key);
            g.writeString(value);
        }
    }

    /** The keys, pre-quoted once for the generator. */
    private static final class Names {
        static final SerializedString ID = new SerializedString(JsonKeys.ID);
        static final SerializedString TIMEREPORTED = new SerializedString(JsonKeys.TIMEREPORTED);
        static final SerializedString TIMEGENERATED = new SerializedString(JsonKeys.TIMEGENERATED);
        static final SerializedString FACILITY = new SerializedString(JsonKeys.FACILITY);
        static final SerializedString SEVERITY = new SerializedString(JsonKeys.SEVERITY);
        static final SerializedString HOST = new SerializedString(JsonKeys.HOST);
        static final SerializedString APP_NAME = new SerializedString(JsonKeys.APP_NAME);
        static final SerializedString PROCID = new SerializedString(JsonKeys.PROCID);
        static final SerializedString MSGID = new SerializedString(JsonKeys.MSGID);
        static final SerializedString MESSAGE = new SerializedString(JsonKeys.MESSAGE);
        static final SerializedString STRUCTURED_DATA = new SerializedString(JsonKeys.STRUCTURED_DATA);
        static final SerializedString TAGS = new SerializedString(JsonKeys.TAGS);
        static final SerializedString FIELDS = new SerializedString(JsonKeys.FIELDS);
        static final SerializedString HMAC = new SerializedString(JsonKeys.HMAC);
        static final SerializedString HMAC_KEY_ID = new SerializedString(JsonKeys.HMAC_KEY_ID);
        static final SerializedString HMAC_VALUE = new SerializedString(JsonKeys.HMAC_VALUE);

        private Names() {
        }
    }

    /** Writes a field value of one of the types {@link Event#fields()} allows. */
    static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Double d) {
            g.writeNumber(d); // NaN and infinities come out as strings (QUOTE_NON_NUMERIC_NUMBERS)
        } else if (v instanceof BigInteger bi) {
            g.writeNumber(bi);
        } else if (v instanceof BigDecimal bd) {
            g.writeNumber(bd);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> en : m.entrySet()) {
                g.writeFieldName(String.valueOf(en.getKey()));
                writeValue(g, en.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Number n) {
            g.writeNumber(n.toString());
        } else {
            g.writeString(v.toString());
        }
    }

    /** A field value as compact JSON text (used by the template format for lists and maps). */
    public static String toJson(Object value) {
        StringBuilder sb = new StringBuilder(64);
        try (JsonGenerator g = FACTORY.createGenerator(new StringBuilderWriter(sb))) {
            writeValue(g, value);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot happen: writing to a StringBuilder", ex);
        }
        return sb.toString();
    }

    /** A Writer appending to a StringBuilder; no synchronization, no copies. */
    private static final class StringBuilderWriter extends Writer {
        private final StringBuilder sb;

        StringBuilderWriter(StringBuilder sb) {
            this.sb = sb;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            sb.append(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            sb.append(str, off, off + len);
        }

        @Override
        public void write(int c) {
            sb.append((char) c);
        }

        @Override
        public Writer append(CharSequence csq) {
            sb.append(csq);
            return this;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
