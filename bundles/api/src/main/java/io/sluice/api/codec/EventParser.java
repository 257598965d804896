package io.sluice.api.codec;

import java.nio.charset.StandardCharsets;

/**
 * Turns one message's bytes (one frame, one datagram, one line without its terminator) into an
 * {@link io.sluice.api.Event}.
 *
 * <p>Contract for implementations:
 * <ul>
 * <li>MUST NOT throw for any message content: every failure is a {@link ParseResult#failed(ParseError)}
 *     carrying the raw bytes (or, in lenient mode, a tagged event, see {@link ParseError}). Only a
 *     caller's programming error may throw: a null buffer or origin ({@code NullPointerException}),
 *     or {@code offset}/{@code length} outside the buffer ({@code IndexOutOfBoundsException}).</li>
 * <li>MUST NOT keep a reference to {@code data} after returning: receivers reuse their buffers.</li>
 * <li>MUST be thread-safe: one parser serves all connections of a listener.</li>
 * </ul>
 */
public interface EventParser {

    /** The format name, e.g. {@code rfc5424}. */
    String format();

    /** Parses {@code length} bytes of {@code data} from {@code offset}. */
    ParseResult parse(byte[] data, int offset, int length, Origin origin);

    default ParseResult parse(byte[] data, Origin origin) {
        return parse(data, 0, data.length, origin);
    }

    /** Parses the UTF-8 encoding of {@code message}. */
    default ParseResult parse(String message, Origin origin) {
        return parse(message.getBytes(StandardCharsets.UTF_8), origin);
    }
}
