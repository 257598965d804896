package io.sluice.api.codec;

import io.sluice.api.Event;

/**
 * Writes an event as one line of text, without a line terminator.
 *
 * <p>Contract: the output MUST NOT contain CR, LF or other control characters taken from the event
 * (they are escaped), so that no message can forge a second log line. Implementations MUST be
 * thread-safe.
 */
public interface EventFormatter {

    /** The format name, e.g. {@code rfc5424}. */
    String format();

    /** Appends the event to {@code out}. */
    void format(Event event, StringBuilder out);

    default String format(Event event) {
        StringBuilder sb = new StringBuilder(256);
        format(event, sb);
        return sb.toString();
    }
}
