package io.sluice.api.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Why a message could not be parsed, with the raw bytes so that nothing is lost: a receiver can
 * log it with the peer, count it, and keep or forward the raw message.
 *
 * <p>In lenient mode a parser does not fail: it returns an event whose message is the raw text,
 * tagged {@link #TAG} and with the fields {@link #FIELD_ERROR} (this error's {@link #toString()})
 * and {@link #FIELD_RAW} (the raw text), plus whatever header fields it did parse.
 */
public final class ParseError {
    /** Tag a lenient parser puts on an event it could not fully parse. */
    public static final String TAG = "_parse_failure";
    /** Field holding the error description on a leniently parsed event. */
    public static final String FIELD_ERROR = "parse_error";
    /** Field holding the raw message on a leniently parsed event. */
    public static final String FIELD_RAW = "raw_message";

    /** What kind of failure. */
    public enum Kind {
        /** Nothing to parse: zero bytes, or only blanks. */
        EMPTY,
        /** The bytes are in no format the parser (or format detection) knows. */
        UNKNOWN_FORMAT,
        /** The bytes break the format's grammar at {@link #offset()}. */
        SYNTAX,
        /** A field is longer than the format allows. */
        TOO_LONG,
        /** A value is out of its range (a PRI over 191, a 30th of February...). */
        INVALID_VALUE,
        /** Text is not valid in the required encoding (e.g. not UTF-8 after a BOM). */
        ENCODING
    }

    private final String format;
    private final Kind kind;
    private final String message;
    private final int offset;
    private final byte[] raw;

    /**
     * @param format the parser's format name ({@code rfc5424}, {@code rfc3164}, {@code json}, {@code auto})
     * @param kind the kind of failure
     * @param message what was expected and what was found, for a person to read
     * @param offset the byte offset in {@code raw} where parsing failed, or -1
     * @param raw the whole message (copied)
     */
    public ParseError(String format, Kind kind, String message, int offset, byte[] raw) {
        this(format, kind, message, offset, raw == null ? new byte[0] : raw, 0, raw == null ? 0 : raw.length);
    }

    /**
     * As {@link #ParseError(String, Kind, String, int, byte[])}, with the raw message being
     * {@code rawLength} bytes of {@code buffer} from {@code rawOffset} (copied); {@code offset} is
     * relative to {@code rawOffset}.
     */
    public ParseError(String format, Kind kind, String message, int offset, byte[] buffer, int rawOffset,
            int rawLength) {
        this.format = Objects.requireNonNull(format, "format");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.message = Objects.requireNonNull(message, "message");
        this.offset = offset;
        this.raw = Arrays.copyOfRange(buffer, rawOffset, rawOffset + rawLength);
    }

    public String format() {
        return format;
    }

    public Kind kind() {
        return kind;
    }

    public String message() {
        return message;
    }

    /** Byte offset of the failure in {@link #raw()}, or -1 when it concerns the whole message. */
    public int offset() {
        return offset;
    }

    /** A copy of the raw bytes. */
    public byte[] raw() {
        return raw.clone();
    }

    /** The raw bytes decoded as UTF-8 (malformed sequences replaced). */
    public String rawText() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return format + " " + kind.name().toLowerCase() + " error" + (offset >= 0 ? " at byte " + offset : "")
                + ": " + message;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParseError p && format.equals(p.format) && kind == p.kind && message.equals(p.message)
                && offset == p.offset && Arrays.equals(raw, p.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, kind, message, offset, Arrays.hashCode(raw));
    }
}
