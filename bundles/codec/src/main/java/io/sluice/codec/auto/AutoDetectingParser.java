package io.sluice.codec.auto;

import io.sluice.api.Event;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.util.Objects;

/**
 * Chooses the parser from a message's first bytes, so that one listener can take RFC 5424, RFC 3164
 * and JSON senders at once:
 * <ul>
 * <li>{@code {} → JSON;</li>
 * <li>{@code <PRI>} followed by a version, a space, and {@code -} or a four-digit year → RFC 5424;</li>
 * <li>any other {@code <PRI>}, or text without one → RFC 3164 (RFC 3164 §4.3.3: a message without
 *     PRI is still syslog);</li>
 * <li>anything else (binary, a TLS ClientHello on a plain port, control characters) → a
 *     {@link ParseError.Kind#UNKNOWN_FORMAT} error carrying the raw bytes; in lenient mode an event
 *     holding the raw text, tagged {@link ParseError#TAG}.</li>
 * </ul>
 * Leading blanks are skipped for the choice only; the chosen parser gets the bytes unchanged.
 */
public final class AutoDetectingParser implements EventParser {
    /** How many leading bytes must look like text for a PRI-less message to count as syslog. */
    static final int TEXT_PROBE_BYTES = 64;

    /** The format a message was detected as. */
    public enum Detected { RFC5424, RFC3164, JSON, UNKNOWN, EMPTY }

    private final EventParser rfc5424;
    private final EventParser rfc3164;
    private final EventParser json;
    private final ParserOptions options;

    public AutoDetectingParser(ParserOptions options, EventParser rfc5424, EventParser rfc3164, EventParser json) {
        this.options = Objects.requireNonNull(options, "options");
        this.rfc5424 = Objects.requireNonNull(rfc5424, "rfc5424");
        this.rfc3164 = Objects.requireNonNull(rfc3164, "rfc3164");
        this.json = Objects.requireNonNull(json, "json");
    }

    @Override
    public String format() {
        return "auto";
    }

    @Override
    public ParseResult parse(byte[] data, int offset, int length, Origin origin) {
        switch (detect(data, offset, length)) {
            case JSON:
                return json.parse(data, offset, length, origin);
            case RFC5424:
                return rfc5424.parse(data, offset, length, origin);
            case RFC3164:
                return rfc3164.parse(data, offset, length, origin);
            case EMPTY:
                return fail(ParseError.Kind.EMPTY, "empty message", data, offset, length, origin);
            default:
                return fail(ParseError.Kind.UNKNOWN_FORMAT,
                        "not RFC 5424, RFC 3164 or JSON: the message starts with byte 0x"
                                + String.format("%02x", data[firstNonBlank(data, offset, offset + length)] & 0xFF)
                                + " and is not text",
                        data, offset, length, origin);
        }
    }

    private ParseResult fail(ParseError.Kind kind, String why, byte[] data, int offset, int length, Origin origin) {
        ParseError error = new ParseError("auto", kind, why, 0, data, offset, length);
        if (!options.lenient()) {
            return ParseResult.failed(error);
        }
        return ParseResult.lenient(Event.builder().timegenerated(origin.receivedAt()).host(origin.peerHost()), error);
    }

    /** The format {@code length} bytes from {@code offset} look like. */
    public static Detected detect(byte[] b, int offset, int length) {
        int end = offset + length;
        int i = firstNonBlank(b, offset, end);
        if (i >= end) {
            return Detected.EMPTY;
        }
        byte first = b[i];
        if (first == '{') {
            return Detected.JSON;
        }
        if (first == '<') {
            return isRfc5424Header(b, i + 1, end) ? Detected.RFC5424 : Detected.RFC3164;
        }
        return looksLikeText(b, i, end) ? Detected.RFC3164 : Detected.UNKNOWN;
    }

    /** After '<': 1-3 digits '>' VERSION(1-3 digits) SP ('-' | 4 digits '-'). */
    private static boolean isRfc5424Header(byte[] b, int i, int end) {
        int digits = 0;
        while (i < end && isDigit(b[i]) && digits < 4) {
            i++;
            digits++;
        }
        if (digits == 0 || digits > 3 || i >= end || b[i] != '>') {
            return false;
        }
        i++;
        int version = 0;
        while (i < end && isDigit(b[i]) && version < 4) {
            i++;
            version++;
        }
        if (version == 0 || version > 3 || i >= end || b[i] != ' ') {
            return false;
        }
        i++;
        if (i < end && b[i] == '-') {
            return i + 1 >= end || b[i + 1] == ' ';
        }
        return i + 4 < end && isDigit(b[i]) && isDigit(b[i + 1]) && isDigit(b[i + 2]) && isDigit(b[i + 3])
                && b[i + 4] == '-';
    }

    /** No control characters but TAB/CR/LF, and no byte that cannot start or continue UTF-8, in the probe. */
    private static boolean looksLikeText(byte[] b, int i, int end) {
        int probeEnd = Math.min(end, i + TEXT_PROBE_BYTES);
        for (int k = i; k < probeEnd; k++) {
            int c = b[k] & 0xFF;
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F || c == 0xC0 || c == 0xC1 || c > 0xF4) {
                // A trailing NUL, as some UDP senders add, is still text.
                if (c == 0 && k == end - 1) {
                    continue;
                }
                return false;
            }
        }
        return true;
    }

    private static int firstNonBlank(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i < end ? i : end;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
