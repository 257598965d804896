package io.sluice.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.sluice.api.Event;
import io.sluice.api.Facility;
import io.sluice.api.Severity;
import io.sluice.api.Signature;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads Sluice's JSON event format, and tolerantly the JSON that Logstash, Beats, GELF and common
 * JSON loggers write (see {@code docs/formats.md} for the keys and aliases).
 *
 * <p>Bounds: at most {@link ParserOptions#maxMessageBytes()} bytes and {@link #MAX_DEPTH} levels of
 * nesting. The input must be exactly one JSON object (blanks around it allowed), UTF-8, without
 * duplicate keys at any level. Never throws; thread-safe.
 */
public final class JsonEventParser implements EventParser {
    public static final String FORMAT = "json";
    /** Deepest nesting of objects and arrays accepted, counting the event object itself. */
    public static final int MAX_DEPTH = 32;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    /** Which event value a top-level key sets, in the order they are applied (PRI before its overrides). */
    private enum Target {
        ID, TIMEREPORTED, TIMEGENERATED, PRI, FACILITY, SEVERITY, HOST, APP_NAME, PROCID, MSGID, MESSAGE,
        STRUCTURED_DATA, TAGS, FIELDS, HMAC
    }

    /** A key and its rank among the keys of its target: 0 is the canonical key, aliases follow. */
    private record Key(Target target, int rank) {
    }

    private static final Map<String, Key> KEYS = new HashMap<>();

    static {
        key(Target.ID, JsonKeys.ID);
        key(Target.TIMEREPORTED, JsonKeys.TIMEREPORTED, "@timestamp", "timestamp", "time");
        key(Target.TIMEGENERATED, JsonKeys.TIMEGENERATED);
        key(Target.FACILITY, JsonKeys.FACILITY);
        key(Target.SEVERITY, JsonKeys.SEVERITY, "level");
        key(Target.PRI, "priority", "pri");
        key(Target.HOST, JsonKeys.HOST, "hostname", "source");
        key(Target.APP_NAME, JsonKeys.APP_NAME, "appname", "program");
        key(Target.PROCID, JsonKeys.PROCID);
        key(Target.MSGID, JsonKeys.MSGID);
        key(Target.MESSAGE, JsonKeys.MESSAGE, "msg", "short_message");
        key(Target.STRUCTURED_DATA, JsonKeys.STRUCTURED_DATA);
        key(Target.TAGS, JsonKeys.TAGS);
        key(Target.FIELDS, JsonKeys.FIELDS);
        key(Target.HMAC, JsonKeys.HMAC);
    }

    private static void key(Target target, String... names) {
        for (int i = 0; i < names.length; i++) {
            KEYS.put(names[i], new Key(target, i));
        }
    }

    /** Level names of Java logging frameworks that {@link Severity#parse} does not know. */
    private static final Map<String, Severity> LEVEL_ALIASES = Map.of("trace", Severity.DEBUG, "fatal",
            Severity.CRITICAL);

    private final ParserOptions options;

    public JsonEventParser(ParserOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public ParseResult parse(byte[] data, int offset, int length, Origin origin) {
        Run run = new Run(data, offset, length, origin);
        try {
            return ParseResult.of(run.parse());
        } catch (Failure f) {
            return run.failed(f.kind, f.getMessage(), f.offset);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug; still never throw at a receiver.
            return run.failed(ParseError.Kind.SYNTAX, "cannot parse: " + e, -1);
        }
    }

    /** A value read for a known key, and where it started. */
    private record Candidate(String key, Object value, int offset) {
    }

    /** Internal control flow for a parse failure; no stack trace. */
    private static final class Failure extends RuntimeException {
        final ParseError.Kind kind;
        final int offset;

        Failure(ParseError.Kind kind, String message, int offset) {
            super(message, null, false, false);
            this.kind = kind;
            this.offset = offset;
        }
    }

    /** The state of one parse. */
    private final class Run {
        private final byte[] data;
        private final int start;
        private final int length;
        private final Origin origin;
        private final Candidate[] best = new Candidate[Target.values().length];
        /** Top-level keys that are not event keys, and aliases that lost to a better key. */
        private final LinkedHashMap<String, Object> extras = new LinkedHashMap<>();

        Run(byte[] data, int start, int length, Origin origin) {
            this.data = data;
            this.start = start;
            this.length = length;
            this.origin = origin;
        }

        Event parse() {
            if (data == null || origin == null || start < 0 || length < 0 || start > data.length - length) {
                throw new Failure(ParseError.Kind.SYNTAX, "bad arguments: no data, no origin or a range outside the array", -1);
            }
            if (length > options.maxMessageBytes()) {
                throw new Failure(ParseError.Kind.TOO_LONG, "message of " + length + " bytes is longer than the "
                        + options.maxMessageBytes() + " allowed", options.maxMessageBytes());
            }
            int first = firstSignificant();
            if (first < 0) {
                throw new Failure(ParseError.Kind.EMPTY, "no JSON: the message is empty or blank", -1);
            }
            int lead = data[start + first] & 0xFF;
            if (lead == 0 || lead == 0xFE || lead == 0xFF) {
                throw new Failure(ParseError.Kind.ENCODING, "JSON must be UTF-8; found " + describeByte(data[start + first])
                        + " (UTF-16 or UTF-32?)", first);
            }
            if (data[start + first] != '{') {
                throw new Failure(ParseError.Kind.SYNTAX, "expected a JSON object ('{'), found "
                        + describeByte(data[start + first]), first);
            }
            if (first + 1 < length && data[start + first + 1] == 0) {
                throw new Failure(ParseError.Kind.ENCODING, "NUL byte after '{': JSON must be UTF-8", first + 1);
            }
            readObject();
            Event.Builder b = baseBuilder();
            apply(b, false);
            return b.build();
        }

        ParseResult failed(ParseError.Kind kind, String message, int offset) {
            byte[] raw = new byte[0];
            if (data != null) {
                int from = Math.min(Math.max(0, start), data.length);
                int to = (int) Math.min(Math.max((long) from, (long) start + length), data.length);
                raw = Arrays.copyOfRange(data, from, to);
            }
            ParseError error = new ParseError(FORMAT, kind, message, offset, raw);
            if (!options.lenient() || origin == null) {
                return ParseResult.failed(error);
            }
            Event.Builder partial = baseBuilder();
            try {
                apply(partial, true);
            } catch (RuntimeException e) {
                partial = baseBuilder();
            }
            return ParseResult.lenient(partial, error);
        }

        private Event.Builder baseBuilder() {
            return Event.builder().timegenerated(origin.receivedAt());
        }

        /** Offset (relative to start) of the first byte that is not blank or a UTF-8 BOM, or -1. */
        private int firstSignificant() {
            int i = 0;
            if (length >= 3 && (data[start] & 0xFF) == 0xEF && (data[start + 1] & 0xFF) == 0xBB
                    && (data[start + 2] & 0xFF) == 0xBF) {
                i = 3;
            }
            for (; i < length; i++) {
                byte c = data[start + i];
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                    return i;
                }
            }
            return -1;
        }

        private void readObject() {
            JsonParser p = null;
            try {
                p = FACTORY.createParser(data, start, length);
                JsonToken t = p.nextToken();
                if (t != JsonToken.START_OBJECT) {
                    throw new Failure(ParseError.Kind.SYNTAX, "expected a JSON object, found " + t, tokenOffset(p));
                }
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    int at = tokenOffset(p);
                    Object value = readValue(p);
                    offer(name, value, at);
                }
                if (t != JsonToken.END_OBJECT) {
                    throw new Failure(ParseError.Kind.SYNTAX, "expected a key or '}', found " + t, tokenOffset(p));
                }
                int end = (int) p.currentLocation().getByteOffset();
                JsonToken after;
                try {
                    after = p.nextToken();
                } catch (JsonProcessingException e) {
                    after = JsonToken.NOT_AVAILABLE;
                }
                if (after != null) {
                    throw new Failure(ParseError.Kind.SYNTAX, "trailing data after the JSON object", skipBlanks(end));
                }
            } catch (StreamConstraintsException e) {
                boolean depth = e.getOriginalMessage() != null && e.getOriginalMessage().contains("nesting depth");
                throw new Failure(depth ? ParseError.Kind.SYNTAX : ParseError.Kind.TOO_LONG,
                        depth ? "JSON nests deeper than " + MAX_DEPTH + " levels" : e.getOriginalMessage(),
                        location(e.getLocation(), p));
            } catch (JsonProcessingException e) {
                String m = e.getOriginalMessage();
                ParseError.Kind kind = m != null && m.contains("UTF-8") ? ParseError.Kind.ENCODING
                        : ParseError.Kind.SYNTAX;
                throw new Failure(kind, m == null ? e.toString() : firstLine(m), location(e.getLocation(), p));
            } catch (IOException e) {
                throw new Failure(ParseError.Kind.ENCODING, String.valueOf(e.getMessage()),
                        p == null ? -1 : location(null, p));
            } finally {
                if (p != null) {
                    try {
                        p.close();
                    } catch (IOException ignored) {
                        // nothing to release for a byte array
                    }
                }
            }
        }

        private int skipBlanks(int from) {
            int i = Math.max(0, from);
            while (i < length && (data[start + i] == ' ' || data[start + i] == '\t' || data[start + i] == '\r'
                    || data[start + i] == '\n')) {
                i++;
            }
            return i;
        }

        /** Reads the value at the current token, recursively, as the JSON-like types Event accepts. */
        private Object readValue(JsonParser p) throws IOException {
            JsonToken t = p.currentToken();
            switch (t) {
                case VALUE_STRING:
                    return p.getText();
                case VALUE_NUMBER_INT:
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return p.getBigIntegerValue();
                    }
                    return p.getLongValue();
                case VALUE_NUMBER_FLOAT: {
                    double d = p.getDoubleValue();
                    return Double.isInfinite(d) ? p.getDecimalValue() : (Object) d;
                }
                case VALUE_TRUE:
                    return Boolean.TRUE;
                case VALUE_FALSE:
                    return Boolean.FALSE;
                case VALUE_NULL:
                    return null;
                case START_OBJECT: {
                    LinkedHashMap<String, Object> map = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        map.put(name, readValue(p));
                    }
                    return map;
                }
                case START_ARRAY: {
                    List<Object> list = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        list.add(readValue(p));
                    }
                    return list;
                }
                default:
                    throw new Failure(ParseError.Kind.SYNTAX, "unexpected " + t, tokenOffset(p));
            }
        }

        /** Keeps the best-ranked value per target; the others become plain fields. */
        private void offer(String name, Object value, int at) {
            Key key = KEYS.get(name);
            if (key == null) {
                extras.put(name, value);
                return;
            }
            int i = key.target().ordinal();
            Candidate current = best[i];
            if (value == null) {
                return; // a null event value is an absent one
            }
            if (current == null || KEYS.get(current.key()).rank() > key.rank()) {
                if (current != null) {
                    extras.put(current.key(), current.value());
                }
                best[i] = new Candidate(name, value, at);
            } else {
                extras.put(name, value);
            }
        }

        /**
         * Sets the builder from what was read. With {@code bestEffort}, a value that does not fit is
         * skipped instead of failing the parse (the lenient partial event).
         */
        private void apply(Event.Builder b, boolean bestEffort) {
            LinkedHashMap<String, Object> fields = new LinkedHashMap<>(extras);
            String id = null;
            for (Target target : Target.values()) {
                Candidate c = best[target.ordinal()];
                if (c == null) {
                    continue;
                }
                try {
                    switch (target) {
                        case ID -> id = nonEmptyText(c);
                        case TIMEREPORTED -> b.timereported(time(c));
                        case TIMEGENERATED -> b.timegenerated(time(c).toInstant());
                        case PRI -> b.priority(pri(c));
                        case FACILITY -> b.facility(facility(c));
                        case SEVERITY -> b.severity(severity(c));
                        case HOST -> b.host(host(c, fields));
                        case APP_NAME -> b.appName(text(c));
                        case PROCID -> b.procId(text(c));
                        case MSGID -> b.msgId(text(c));
                        case MESSAGE -> b.message(text(c));
                        case STRUCTURED_DATA -> structuredData(b, c);
                        case TAGS -> tags(b, c);
                        case FIELDS -> {
                            if (c.value() instanceof Map<?, ?> m) {
                                m.forEach((k, v) -> {
                                    fields.remove((String) k); // the fields object wins, at its own position
                                    fields.put((String) k, v);
                                });
                            } else {
                                fields.put(c.key(), c.value());
                            }
                        }
                        case HMAC -> b.hmac(hmac(c));
                        default -> throw new IllegalStateException(target.name());
                    }
                } catch (Failure f) {
                    if (!bestEffort) {
                        throw f;
                    }
                } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
                    if (!bestEffort) {
                        throw new Failure(ParseError.Kind.INVALID_VALUE, "bad '" + c.key() + "': " + e.getMessage(),
                                c.offset());
                    }
                }
            }
            if (best[Target.HOST.ordinal()] == null && origin.peerHost() != null) {
                b.host(origin.peerHost());
            }
            for (Map.Entry<String, Object> f : fields.entrySet()) {
                try {
                    b.field(f.getKey(), f.getValue());
                } catch (IllegalArgumentException e) {
                    if (!bestEffort) {
                        throw new Failure(ParseError.Kind.INVALID_VALUE, e.getMessage(), -1);
                    }
                }
            }
            if (id != null) {
                b.id(id); // last: every other setter resets the id
            }
        }

        private String text(Candidate c) {
            Object v = c.value();
            if (v instanceof String s) {
                return s;
            }
            if (v instanceof Number || v instanceof Boolean) {
                return v.toString();
            }
            throw invalid(c, "must be a string, found " + typeName(v));
        }

        private String nonEmptyText(Candidate c) {
            String s = text(c);
            if (s.isEmpty()) {
                throw invalid(c, "must not be empty");
            }
            return s;
        }

        private String host(Candidate c, Map<String, Object> fields) {
            if (c.value() instanceof Map<?, ?> m) {
                // ECS (Beats, Logstash 8): "host": {"name": ..., "ip": [...]} — keep the object as a field
                fields.put(c.key(), m);
                Object name = m.get("name") != null ? m.get("name") : m.get("hostname");
                return name instanceof String s ? s : origin.peerHost();
            }
            return text(c);
        }

        private OffsetDateTime time(Candidate c) {
            Object v = c.value();
            try {
                if (v instanceof String s) {
                    return JsonTimes.parse(s, options.zone());
                }
                if (v instanceof Number n) {
                    return JsonTimes.fromEpoch(n);
                }
            } catch (DateTimeException | ArithmeticException e) {
                throw invalid(c, "'" + v + "' is not an RFC 3339 timestamp or epoch number");
            }
            throw invalid(c, "must be an RFC 3339 string or an epoch number, found " + typeName(v));
        }

        private int pri(Candidate c) {
            long code = code(c);
            if (code < 0 || code > 191) {
                throw invalid(c, code + " is not in 0..191");
            }
            return (int) code;
        }

        private long code(Candidate c) {
            Object v = c.value();
            if (v instanceof Long l) {
                return l;
            }
            if (v instanceof String s) {
                try {
                    return Long.parseLong(s.strip());
                } catch (NumberFormatException e) {
                    throw invalid(c, "'" + s + "' is not a number");
                }
            }
            throw invalid(c, "must be an integer, found " + typeName(v));
        }

        private Facility facility(Candidate c) {
            Object v = c.value();
            try {
                if (v instanceof Long l) {
                    return Facility.of((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l)));
                }
                if (v instanceof String s) {
                    return Facility.parse(s);
                }
            } catch (IllegalArgumentException e) {
                throw invalid(c, e.getMessage());
            }
            throw invalid(c, "must be a facility name or code, found " + typeName(v));
        }

        private Severity severity(Candidate c) {
            Object v = c.value();
            try {
                if (v instanceof Long l) {
                    return Severity.of((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l)));
                }
                if (v instanceof String s) {
                    Severity alias = LEVEL_ALIASES.get(s.strip().toLowerCase(Locale.ROOT));
                    return alias != null ? alias : Severity.parse(s);
                }
            } catch (IllegalArgumentException e) {
                throw invalid(c, e.getMessage());
            }
            throw invalid(c, "must be a severity name or code, found " + typeName(v));
        }

        private void structuredData(Event.Builder b, Candidate c) {
            if (!(c.value() instanceof Map<?, ?> sd)) {
                throw invalid(c, "must be an object of SD-ID to object of param to values, found "
                        + typeName(c.value()));
            }
            for (Map.Entry<?, ?> element : sd.entrySet()) {
                String sdId = (String) element.getKey();
                if (!(element.getValue() instanceof Map<?, ?> params)) {
                    throw invalid(c, "SD element '" + sdId + "' must be an object, found "
                            + typeName(element.getValue()));
                }
                b.structuredDataElement(sdId);
                for (Map.Entry<?, ?> param : params.entrySet()) {
                    String name = (String) param.getKey();
                    Object values = param.getValue();
                    if (values instanceof List<?> list) {
                        for (Object v : list) {
                            b.structuredData(sdId, name, scalarText(c, v, "SD param '" + sdId + "/" + name + "'"));
                        }
                    } else {
                        b.structuredData(sdId, name, scalarText(c, values, "SD param '" + sdId + "/" + name + "'"));
                    }
                }
            }
        }

        private void tags(Event.Builder b, Candidate c) {
            Object v = c.value();
            if (v instanceof List<?> list) {
                for (Object t : list) {
                    if (t != null) {
                        b.tag(scalarText(c, t, "a tag"));
                    }
                }
            } else {
                b.tag(scalarText(c, v, "a tag"));
            }
        }

        private String scalarText(Candidate c, Object v, String what) {
            if (v instanceof String s) {
                return s;
            }
            if (v instanceof Number || v instanceof Boolean) {
                return v.toString();
            }
            throw invalid(c, what + " must be a string, found " + typeName(v));
        }

        private Signature hmac(Candidate c) {
            if (c.value() instanceof Map<?, ?> m && m.get(JsonKeys.HMAC_KEY_ID) instanceof String keyId
                    && m.get(JsonKeys.HMAC_VALUE) instanceof String value) {
                try {
                    return new Signature(keyId, value);
                } catch (IllegalArgumentException e) {
                    throw invalid(c, e.getMessage());
                }
            }
            throw invalid(c, "must be an object {\"key_id\": string, \"value\": string}");
        }

        private Failure invalid(Candidate c, String why) {
            return new Failure(ParseError.Kind.INVALID_VALUE, "bad '" + c.key() + "': " + why, c.offset());
        }

        private int tokenOffset(JsonParser p) {
            return location(p.currentTokenLocation(), p);
        }

        private int location(JsonLocation loc, JsonParser p) {
            long off = loc != null ? loc.getByteOffset() : -1;
            if (off < 0 && p != null) {
                off = p.currentLocation().getByteOffset();
            }
            return off < 0 || off > length ? -1 : (int) off;
        }
    }

    private static String typeName(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Long || v instanceof BigInteger) {
            return "an integer";
        }
        if (v instanceof Double || v instanceof BigDecimal) {
            return "a number";
        }
        return v.getClass().getSimpleName();
    }

    private static String describeByte(byte b) {
        int c = b & 0xFF;
        return c >= 0x21 && c < 0x7F ? "'" + (char) c + "'" : String.format("byte 0x%02X", c);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
