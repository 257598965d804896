package io.sluice.api.codec;

import io.sluice.api.Event;
import java.util.Objects;

/** The outcome of {@link EventParser#parse}: an event, or a {@link ParseError}. Never both. */
public final class ParseResult {
    private final Event event;
    private final ParseError error;

    private ParseResult(Event event, ParseError error) {
        this.event = event;
        this.error = error;
    }

    public static ParseResult of(Event event) {
        return new ParseResult(Objects.requireNonNull(event, "event"), null);
    }

    public static ParseResult failed(ParseError error) {
        return new ParseResult(null, Objects.requireNonNull(error, "error"));
    }

    /**
     * The lenient outcome: {@code partial} (whatever header fields were parsed) completed with the raw
     * text as message when it has none, tagged {@link ParseError#TAG} and carrying the error and raw
     * text as fields.
     */
    public static ParseResult lenient(Event.Builder partial, ParseError error) {
        String raw = error.rawText();
        if (partial.message() == null) {
            partial.message(raw);
        }
        return of(partial.tag(ParseError.TAG)
                .field(ParseError.FIELD_ERROR, error.toString())
                .field(ParseError.FIELD_RAW, raw)
                .build());
    }

    public boolean isSuccess() {
        return event != null;
    }

    /** The event, or null when parsing failed. */
    public Event event() {
        return event;
    }

    /** The error, or null when parsing succeeded. */
    public ParseError error() {
        return error;
    }

    /** The event; for tests and tools where a failure is a bug. */
    public Event orElseThrow() {
        if (event == null) {
            throw new IllegalStateException(error.toString());
        }
        return event;
    }

    @Override
    public String toString() {
        return event != null ? "ParseResult[" + event + "]" : "ParseResult[" + error + "]";
    }
}
