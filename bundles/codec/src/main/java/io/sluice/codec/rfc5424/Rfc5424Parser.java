package io.sluice.codec.rfc5424;

import io.sluice.api.Event;
import io.sluice.api.ZoneOffsets;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseError.Kind;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Objects;

/**
 * A strict parser for RFC 5424 syslog messages (the ABNF of RFC 5424 §6), written by hand over the
 * bytes: one pass, no regular expressions, and a String made only for each field.
 *
 * <p>What it accepts and how it maps the message to an {@link Event}:
 * <ul>
 * <li>{@code PRI}: {@code <0>} to {@code <191>}, 1 to 3 digits, no leading zeros ({@code <00>},
 *     {@code <002>} are refused: RFC 5424 section 6.2.1).</li>
 * <li>{@code VERSION}: 1 to 999 (the ABNF's {@code NONZERO-DIGIT 0*2DIGIT}). The header is parsed as
 *     version 1 whatever the number; an event whose version is not 1 carries it in the field
 *     {@value #FIELD_VERSION} (a Long), since {@link Event} has no version of its own.</li>
 * <li>{@code TIMESTAMP}: {@code FULL-DATE "T" FULL-TIME} with 1 to 6 fraction digits and {@code Z}
 *     or {@code ±hh:mm} (upper-case {@code T} and {@code Z} only). Months, days (with leap years),
 *     hours (00-23), minutes and seconds (00-59) are range-checked. Second 60 is refused: RFC 5424
 *     §6.2.3 says leap seconds MUST NOT be used. An offset beyond ±18:00 (which the grammar allows up
 *     to ±23:59 but {@link ZoneOffset} cannot hold) keeps the instant and is given at UTC.
 *     {@code -} (NILVALUE) gives a null {@code timereported}.</li>
 * <li>{@code HOSTNAME} (1..255), {@code APP-NAME} (1..48), {@code PROCID} (1..128), {@code MSGID}
 *     (1..32): printable US-ASCII (33..126); a lone {@code -} is NILVALUE and becomes null. When the
 *     message names no host, {@link Origin#peerHost()} is used.</li>
 * <li>{@code STRUCTURED-DATA}: {@code -} or one or more {@code [SD-ID *(SP PARAM="VALUE")]}. SD-ID and
 *     PARAM-NAME are 1 to 32 printable US-ASCII characters except {@code = ] "} and space. A value
 *     must be UTF-8; inside it {@code \"}, {@code \\} and {@code \]} become {@code " \ ]}, a backslash
 *     before any other character stays a backslash (§6.3.3), and an unescaped {@code ]} is an error.
 *     A repeated SD-ID is an error (§6.3.2); a repeated PARAM-NAME keeps all its values in order.
 *     SD-IDs are not checked against the IANA registry.</li>
 * <li>{@code MSG}: everything after the one space that follows the structured data, not trimmed.
 *     If it starts with a UTF-8 BOM (EF BB BF) the BOM is removed and the rest must be well-formed
 *     UTF-8, else the message fails with {@link Kind#ENCODING}. Without a BOM it is decoded as UTF-8
 *     with each malformed sequence replaced by U+FFFD.</li>
 * <li>Trailing frame terminators are not part of the message: line feeds and NUL bytes at the very
 *     end (and a CR just before such a LF) are dropped before parsing, as syslog receivers commonly
 *     do for UDP datagrams and LF-framed TCP. LFs, CRs and NULs elsewhere are kept.</li>
 * <li>A message longer than {@link ParserOptions#maxMessageBytes()} (after dropping those trailing
 *     terminators) fails with {@link Kind#TOO_LONG}; no byte of it is parsed.</li>
 * </ul>
 *
 * <p>Errors say what was expected and what was found; {@link ParseError#offset()} is the first byte
 * at which the message is known to be invalid (for a field that is too long, the first byte over the
 * limit; for a repeated SD-ID, the byte after it). In lenient mode the parser never fails: it returns
 * {@link ParseResult#lenient} with the header fields parsed before the error (structured data only
 * when the whole section parsed).
 *
 * <p>Thread-safe and stateless; it keeps no reference to the bytes it is given.
 */
public final class Rfc5424Parser implements EventParser {
    /**
     * The date of the last timestamp parsed: consecutive messages mostly share their day, and making
     * a LocalDate (with its validation) was a noticeable part of each parse. Racy by design: the
     * holder is immutable, and a thread seeing an older one only builds the date again.
     */
    private DateCache lastDate = new DateCache(1970, 1, 1, LocalDate.of(1970, 1, 1));

    private record DateCache(int year, int month, int day, LocalDate date) {
    }

    private LocalDate date(int year, int month, int day) {
        DateCache c = lastDate;
        if (c.year == year && c.month == month && c.day == day) {
            return c.date;
        }
        LocalDate d = LocalDate.of(year, month, day);
        lastDate = new DateCache(year, month, day, d);
        return d;
    }

    /** The format name. */
    public static final String FORMAT = "rfc5424";
    /** Field holding the VERSION of a message whose version is not 1. */
    public static final String FIELD_VERSION = "syslog_version";

    static final int MAX_HOSTNAME = 255;
    static final int MAX_APP_NAME = 48;
    static final int MAX_PROCID = 128;
    static final int MAX_MSGID = 32;
    static final int MAX_SD_NAME = 32;
    static final int MAX_FRACTION_DIGITS = 6;

    /** Offsets ZoneOffset can hold: ±18:00. */
    private static final int MAX_ZONE_OFFSET_SECONDS = 18 * 3600;
    private static final int[] NANOS_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000};

    private final ParserOptions options;

    public Rfc5424Parser(ParserOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String format() {
        return FORMAT;
    }

    public ParserOptions options() {
        return options;
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code data} or {@code origin} is null
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not fit {@code data}
     */
    @Override
    public ParseResult parse(byte[] data, int offset, int length, Origin origin) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(origin, "origin");
        Objects.checkFromIndexSize(offset, length, data.length);
        return new Scan(this, data, offset, offset + length, origin, options).run();
    }

    /** The state of one parse. Not shared between threads. */
    private static final class Scan {
        private final Rfc5424Parser parser;
        private final byte[] b;
        private final int start;
        private final int rawEnd;
        private final Origin origin;
        private final ParserOptions options;
        private final Event.Builder builder = Event.builder();
        /** End of the message once trailing terminators are dropped. */
        private int end;
        private int pos;
        private String host;
        /** The last header field read by {@link #headerField}: null for NILVALUE. */
        private String token;

        /** Structured data, as (sdId, param, value) triples; param and value null for an empty element. */
        private String[] sd;
        private int sdLength;

        private Kind errorKind;
        private String errorMessage;
        private int errorPos;

        Scan(Rfc5424Parser parser, byte[] b, int start, int rawEnd, Origin origin, ParserOptions options) {
            this.parser = parser;
            this.b = b;
            this.start = start;
            this.rawEnd = rawEnd;
            this.end = rawEnd;
            this.origin = origin;
            this.options = options;
        }

        ParseResult run() {
            builder.timegenerated(origin.receivedAt());
            boolean ok;
            try {
                ok = parseMessage();
            } catch (RuntimeException e) {
                // Not expected; kept so that no input can make the parser throw.
                ok = fail(Kind.SYNTAX, -1, "internal parser error (" + e + ")");
            }
            if (host == null && origin.peerHost() != null) {
                builder.host(origin.peerHost());
            }
            if (ok) {
                return ParseResult.of(builder.build());
            }
            ParseError error = new ParseError(FORMAT, errorKind, errorMessage,
                    errorPos < 0 ? -1 : errorPos - start, b, start, rawEnd - start);
            return options.lenient() ? ParseResult.lenient(builder, error) : ParseResult.failed(error);
        }

        private boolean parseMessage() {
            if (rawEnd == start) {
                return fail(Kind.EMPTY, start, "expecting a syslog message, found zero bytes");
            }
            dropTrailingTerminators();
            if (end - start > options.maxMessageBytes()) {
                return fail(Kind.TOO_LONG, start + options.maxMessageBytes(), "expecting a message of at most "
                        + options.maxMessageBytes() + " bytes, found " + (end - start) + " bytes");
            }
            if (isBlank()) {
                return fail(Kind.EMPTY, start, "expecting a syslog message, found only blanks");
            }
            pos = start;
            if (!priority() || !version() || !space("the version") || !timestamp() || !space("the timestamp")) {
                return false;
            }
            if (!headerField(MAX_HOSTNAME, "a hostname", "the hostname")) {
                return false;
            }
            if (token != null) {
                host = token;
                builder.host(token);
            }
            if (!headerField(MAX_APP_NAME, "an app-name", "the app-name")) {
                return false;
            }
            builder.appName(token);
            if (!headerField(MAX_PROCID, "a procid", "the procid")) {
                return false;
            }
            builder.procId(token);
            if (!headerField(MAX_MSGID, "a msgid", "the msgid")) {
                return false;
            }
            builder.msgId(token);
            if (!structuredData()) {
                return false;
            }
            applyStructuredData();
            return message();
        }

        private void dropTrailingTerminators() {
            while (end > start) {
                byte c = b[end - 1];
                if (c == '\n') {
                    end--;
                    if (end > start && b[end - 1] == '\r') {
                        end--;
                    }
                } else if (c == 0) {
                    end--;
                } else {
                    break;
                }
            }
        }

        private boolean isBlank() {
            for (int p = start; p < end; p++) {
                byte c = b[p];
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != 0) {
                    return false;
                }
            }
            return true;
        }

        // PRI = "<" PRIVAL ">", PRIVAL = 1*3DIGIT ; range 0 .. 191
        private boolean priority() {
            int p = pos;
            if (b[p] != '<') {
                return fail(Kind.SYNTAX, p, "expecting '<' to start the PRI, found " + found(p));
            }
            int first = ++p;
            if (p >= end || !isDigit(b[p])) {
                return fail(Kind.SYNTAX, p, "expecting a PRI value (0 to 191) after '<', found " + found(p));
            }
            int value = 0;
            while (p < end && isDigit(b[p])) {
                if (p > first && b[first] == '0') {
                    return fail(Kind.SYNTAX, p, "expecting '>' after PRI value 0 (leading zeros are not allowed), found "
                            + found(p));
                }
                if (p - first == 3) {
                    return fail(Kind.INVALID_VALUE, p, "expecting a PRI value of 0 to 191, found more than 3 digits");
                }
                value = value * 10 + (b[p] - '0');
                if (value > 191) {
                    return fail(Kind.INVALID_VALUE, p, "expecting a PRI value of 0 to 191, found " + value);
                }
                p++;
            }
            if (p >= end || b[p] != '>') {
                return fail(Kind.SYNTAX, p, "expecting '>' to close the PRI, found " + found(p));
            }
            builder.priority(value);
            pos = p + 1;
            return true;
        }

        // VERSION = NONZERO-DIGIT 0*2DIGIT
        private boolean version() {
            int p = pos;
            if (p >= end || b[p] < '1' || b[p] > '9') {
                return fail(p < end && b[p] == '0' ? Kind.INVALID_VALUE : Kind.SYNTAX, p,
                        "expecting a version (1 to 999) after the PRI, found " + found(p));
            }
            int value = b[p++] - '0';
            while (p < end && isDigit(b[p])) {
                if (p - pos == 3) {
                    return fail(Kind.INVALID_VALUE, p, "expecting a version of 1 to 999, found more than 3 digits");
                }
                value = value * 10 + (b[p++] - '0');
            }
            if (value != 1) {
                builder.field(FIELD_VERSION, value);
            }
            pos = p;
            return true;
        }

        private boolean space(String after) {
            if (pos < end && b[pos] == ' ') {
                pos++;
                return true;
            }
            return fail(Kind.SYNTAX, pos, "expecting a space after " + after + ", found " + found(pos));
        }

        // TIMESTAMP = NILVALUE / FULL-DATE "T" FULL-TIME
        private boolean timestamp() {
            int p = pos;
            if (p < end && b[p] == '-') {
                pos = p + 1;
                return true; // NILVALUE; the space check after it catches "-x"
            }
            if (p >= end || !isDigit(b[p])) {
                return fail(Kind.SYNTAX, p, "expecting a timestamp (e.g. 2003-10-11T22:14:15.003Z) or '-', found "
                        + found(p));
            }
            int year = 0;
            for (int i = 0; i < 4; i++, p++) {
                if (p >= end || !isDigit(b[p])) {
                    return fail(Kind.SYNTAX, p, "expecting the 4-digit year of the timestamp, found " + found(p));
                }
                year = year * 10 + (b[p] - '0');
            }
            if (!literal(p, '-', "'-' after the year")) {
                return false;
            }
            int month = twoDigits(p + 1, 1, 12, "month (01 to 12)");
            if (month < 0 || !literal(p + 3, '-', "'-' after the month")) {
                return false;
            }
            p += 4;
            int day = twoDigits(p, 1, 31, "day of month (01 to 31)");
            if (day < 0) {
                return false;
            }
            int daysInMonth = daysInMonth(year, month);
            if (day > daysInMonth) {
                return fail(Kind.INVALID_VALUE, p + 1, "expecting a day of month of 01 to " + daysInMonth + " in "
                        + year + "-" + (month < 10 ? "0" : "") + month + ", found " + day);
            }
            p += 2;
            if (!literal(p, 'T', "'T' between the date and the time")) {
                return false;
            }
            int hour = twoDigits(p + 1, 0, 23, "hour (00 to 23)");
            if (hour < 0 || !literal(p + 3, ':', "':' after the hour")) {
                return false;
            }
            int minute = twoDigits(p + 4, 0, 59, "minute (00 to 59)");
            if (minute < 0 || !literal(p + 6, ':', "':' after the minute")) {
                return false;
            }
            int second = twoDigits(p + 7, 0, 59, "second (00 to 59; leap seconds are not allowed)");
            if (second < 0) {
                return false;
            }
            p += 9;
            int nanos = 0;
            if (p < end && b[p] == '.') {
                int first = ++p;
                int fraction = 0;
                while (p < end && isDigit(b[p])) {
                    if (p - first == MAX_FRACTION_DIGITS) {
                        return fail(Kind.SYNTAX, p, "expecting at most 6 digits of fractional seconds, found a 7th");
                    }
                    fraction = fraction * 10 + (b[p++] - '0');
                }
                if (p == first) {
                    return fail(Kind.SYNTAX, p, "expecting digits of fractional seconds after '.', found " + found(p));
                }
                nanos = fraction * NANOS_SCALE[p - first];
            }
            int offsetSeconds;
            if (p < end && b[p] == 'Z') {
                offsetSeconds = 0;
                p++;
            } else if (p < end && (b[p] == '+' || b[p] == '-')) {
                int offsetHour = twoDigits(p + 1, 0, 23, "offset hour (00 to 23)");
                if (offsetHour < 0 || !literal(p + 3, ':', "':' in the time offset")) {
                    return false;
                }
                int offsetMinute = twoDigits(p + 4, 0, 59, "offset minute (00 to 59)");
                if (offsetMinute < 0) {
                    return false;
                }
                offsetSeconds = offsetHour * 3600 + offsetMinute * 60;
                if (b[p] == '-') {
                    offsetSeconds = -offsetSeconds;
                }
                p += 6;
            } else {
                return fail(Kind.SYNTAX, p, "expecting 'Z' or a time offset (+hh:mm or -hh:mm) after the time, found "
                        + found(p));
            }
            OffsetDateTime time;
            if (offsetSeconds >= -MAX_ZONE_OFFSET_SECONDS && offsetSeconds <= MAX_ZONE_OFFSET_SECONDS) {
                // Fields already range-checked by the scan: one nano-of-day value, one validation.
                time = OffsetDateTime.of(parser.date(year, month, day), LocalTime.ofNanoOfDay(
                        ((hour * 60L + minute) * 60L + second) * 1_000_000_000L + nanos),
                        ZoneOffsets.of(offsetSeconds));
            } else {
                time = OffsetDateTime.of(year, month, day, hour, minute, second, nanos, ZoneOffset.UTC)
                        .minusSeconds(offsetSeconds);
            }
            builder.timereported(time);
            pos = p;
            return true;
        }

        private boolean literal(int p, char c, String what) {
            if (p < end && b[p] == c) {
                return true;
            }
            return fail(Kind.SYNTAX, p, "expecting " + what + " in the timestamp, found " + found(p));
        }

        /**
         * Two digits at {@code p} with a value in {@code min..max}, or -1 after failing at the first
         * digit that cannot be part of such a value.
         */
        private int twoDigits(int p, int min, int max, String what) {
            if (p >= end || !isDigit(b[p])) {
                fail(Kind.SYNTAX, p, "expecting the 2-digit " + what + " of the timestamp, found " + found(p));
                return -1;
            }
            int tens = b[p] - '0';
            if (tens * 10 > max) {
                fail(Kind.INVALID_VALUE, p, "expecting a " + what + ", found one starting with '" + tens + "'");
                return -1;
            }
            if (p + 1 >= end || !isDigit(b[p + 1])) {
                fail(Kind.SYNTAX, p + 1, "expecting the 2-digit " + what + " of the timestamp, found " + found(p + 1));
                return -1;
            }
            int value = tens * 10 + (b[p + 1] - '0');
            if (value < min || value > max) {
                fail(Kind.INVALID_VALUE, p + 1, "expecting a " + what + ", found " + tens + (value % 10));
                return -1;
            }
            return value;
        }

        /**
         * HOSTNAME, APP-NAME, PROCID and MSGID: NILVALUE / 1*max PRINTUSASCII, then SP. Leaves the
         * value in {@link #token} (null for NILVALUE).
         */
        private boolean headerField(int max, String aName, String theName) {
            int s = pos;
            int limit = Math.min(end, s + max);
            int p = s;
            while (p < limit && isPrintUsAscii(b[p])) {
                p++;
            }
            if (p == s) {
                return fail(Kind.SYNTAX, p, "expecting " + aName + " (1 to " + max
                        + " printable US-ASCII characters) or '-', found " + found(p));
            }
            if (p < end && isPrintUsAscii(b[p])) {
                return fail(Kind.TOO_LONG, p, "expecting " + aName + " of at most " + max
                        + " printable US-ASCII characters, found a longer one");
            }
            if (p >= end || b[p] != ' ') {
                return fail(Kind.SYNTAX, p, "expecting a space after " + theName
                        + " (printable US-ASCII characters only), found " + found(p));
            }
            token = p - s == 1 && b[s] == '-' ? null : ascii(s, p);
            pos = p + 1;
            return true;
        }

        // STRUCTURED-DATA = NILVALUE / 1*SD-ELEMENT
        private boolean structuredData() {
            int p = pos;
            if (p < end && b[p] == '-') {
                pos = p + 1;
                return endOfStructuredData();
            }
            if (p >= end || b[p] != '[') {
                return fail(Kind.SYNTAX, p, "expecting structured data ('[' to start an SD element) or '-', found "
                        + found(p));
            }
            while (pos < end && b[pos] == '[') {
                if (!sdElement()) {
                    return false;
                }
            }
            return endOfStructuredData();
        }

        private boolean endOfStructuredData() {
            if (pos >= end || b[pos] == ' ') {
                return true;
            }
            return fail(Kind.SYNTAX, pos, "expecting a space before the message, '[' to start another SD element"
                    + " or the end of the message after the structured data, found " + found(pos));
        }

        // SD-ELEMENT = "[" SD-ID *(SP SD-PARAM) "]"
        private boolean sdElement() {
            pos++; // '['
            int s = pos;
            int p = sdName(s, "an SD-ID");
            if (p < 0) {
                return false;
            }
            if (p >= end || (b[p] != ' ' && b[p] != ']')) {
                return fail(Kind.SYNTAX, p, "expecting a space or ']' after the SD-ID, found " + found(p));
            }
            String sdId = ascii(s, p);
            for (int i = 0; i < sdLength; i += 3) {
                if (sd[i].equals(sdId)) {
                    return fail(Kind.SYNTAX, p, "expecting each SD-ID at most once in a message (RFC 5424 section"
                            + " 6.3.2), found '" + sdId + "' again");
                }
            }
            boolean hasParams = false;
            while (b[p] == ' ') {
                int nameStart = p + 1;
                p = sdName(nameStart, "a param name");
                if (p < 0) {
                    return false;
                }
                if (p >= end || b[p] != '=') {
                    return fail(Kind.SYNTAX, p, "expecting '=' after the param name, found " + found(p));
                }
                String name = ascii(nameStart, p);
                p++;
                if (p >= end || b[p] != '"') {
                    return fail(Kind.SYNTAX, p, "expecting '\"' to open the value of param '" + name + "', found "
                            + found(p));
                }
                String value = paramValue(p + 1);
                if (value == null) {
                    return false;
                }
                addSd(sdId, name, value);
                hasParams = true;
                p = pos;
                if (p >= end || (b[p] != ' ' && b[p] != ']')) {
                    return fail(Kind.SYNTAX, p, "expecting a space or ']' after the value of param '" + name
                            + "', found " + found(p));
                }
            }
            // b[p] == ']'
            if (!hasParams) {
                addSd(sdId, null, null);
            }
            pos = p + 1;
            return true;
        }

        /** SD-NAME at {@code s}: returns the index after it, or -1 after failing. */
        private int sdName(int s, String aName) {
            int limit = Math.min(end, s + MAX_SD_NAME);
            int p = s;
            while (p < limit && isSdNameChar(b[p])) {
                p++;
            }
            if (p == s) {
                fail(Kind.SYNTAX, p, "expecting " + aName + " (1 to 32 printable US-ASCII characters except"
                        + " '=', ']', '\"' and space), found " + found(p));
                return -1;
            }
            if (p < end && isSdNameChar(b[p])) {
                fail(Kind.TOO_LONG, p, "expecting " + aName + " of at most 32 characters, found a longer one");
                return -1;
            }
            return p;
        }

        /**
         * PARAM-VALUE from {@code s} up to its closing quote; leaves {@link #pos} after the quote.
         * Returns null after failing.
         */
        private String paramValue(int s) {
            int p = s;
            boolean escapes = false;
            boolean ascii = true;
            while (true) {
                if (p >= end) {
                    fail(Kind.SYNTAX, p, "expecting '\"' to close the param value, found end of message");
                    return null;
                }
                byte c = b[p];
                if (c == '"') {
                    break;
                } else if (c == '\\') {
                    if (p + 1 < end && (b[p + 1] == '"' || b[p + 1] == '\\' || b[p + 1] == ']')) {
                        escapes = true;
                        p += 2;
                    } else {
                        p++; // a backslash before anything else is a plain backslash (RFC 5424 section 6.3.3)
                    }
                } else if (c == ']') {
                    fail(Kind.SYNTAX, p, "expecting ']' to be escaped as '\\]' inside a param value, found it bare");
                    return null;
                } else if (c >= 0) {
                    p++;
                } else {
                    int n = Utf8.sequenceLength(b, p, end);
                    if (n == 0) {
                        fail(Kind.ENCODING, p, "expecting UTF-8 in the param value, found "
                                + String.format("byte 0x%02X", c & 0xFF) + " that is not well-formed UTF-8");
                        return null;
                    }
                    ascii = false;
                    p += n;
                }
            }
            pos = p + 1;
            if (!escapes) {
                return ascii ? ascii(s, p) : new String(b, s, p - s, StandardCharsets.UTF_8);
            }
            byte[] out = new byte[p - s];
            int n = 0;
            for (int i = s; i < p; i++) {
                byte c = b[i];
                if (c == '\\') {
                    byte next = b[i + 1];
                    if (next == '"' || next == '\\' || next == ']') {
                        c = next;
                        i++;
                    }
                }
                out[n++] = c;
            }
            return new String(out, 0, n, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        }

        private void addSd(String sdId, String param, String value) {
            if (sd == null) {
                sd = new String[12];
            } else if (sdLength == sd.length) {
                sd = Arrays.copyOf(sd, sdLength * 2);
            }
            sd[sdLength++] = sdId;
            sd[sdLength++] = param;
            sd[sdLength++] = value;
        }

        private void applyStructuredData() {
            for (int i = 0; i < sdLength; i += 3) {
                if (sd[i + 1] == null) {
                    builder.structuredDataElement(sd[i]);
                } else {
                    builder.structuredData(sd[i], sd[i + 1], sd[i + 2]);
                }
            }
        }

        // [SP MSG], MSG = MSG-ANY / MSG-UTF8, MSG-UTF8 = BOM UTF-8-STRING
        private boolean message() {
            if (pos >= end) {
                builder.message("");
                return true;
            }
            int s = pos + 1; // b[pos] == ' ', checked by endOfStructuredData
            if (end - s >= 3 && b[s] == (byte) 0xEF && b[s + 1] == (byte) 0xBB && b[s + 2] == (byte) 0xBF) {
                s += 3;
                int bad = Utf8.firstInvalid(b, s, end);
                if (bad >= 0) {
                    return fail(Kind.ENCODING, bad, "expecting UTF-8 in a message that starts with a BOM, found "
                            + String.format("byte 0x%02X", b[bad] & 0xFF) + " that is not well-formed UTF-8");
                }
            }
            builder.message(new String(b, s, end - s, StandardCharsets.UTF_8));
            return true;
        }

        private String ascii(int from, int to) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }

        private String found(int p) {
            if (p >= end) {
                return "end of message";
            }
            int c = b[p] & 0xFF;
            if (c == ' ') {
                return "a space";
            }
            if (c > ' ' && c < 127) {
                return "'" + (char) c + "'";
            }
            return String.format("byte 0x%02X", c);
        }

        private boolean fail(Kind kind, int p, String message) {
            errorKind = kind;
            errorMessage = message;
            errorPos = p;
            return false;
        }
    }

    static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** PRINTUSASCII = %d33-126. */
    static boolean isPrintUsAscii(byte c) {
        return c > ' ' && c < 127;
    }

    /** SD-NAME = 1*32PRINTUSASCII except '=', SP, ']', %d34 ("). */
    static boolean isSdNameChar(byte c) {
        return c > ' ' && c < 127 && c != '=' && c != ']' && c != '"';
    }

    static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }
}
