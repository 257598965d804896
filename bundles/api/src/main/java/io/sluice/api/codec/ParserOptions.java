package io.sluice.api.codec;

import java.time.Clock;
import java.time.ZoneId;
import java.util.Objects;

/**
 * How a parser treats what it receives.
 *
 * @param lenient when true, a message that breaks the format still becomes an event (see
 *     {@link ParseError}) instead of a failure
 * @param zone the time zone of timestamps that carry none (RFC 3164)
 * @param clock the clock that decides the year of timestamps that carry none (RFC 3164): the year
 *     that puts the timestamp nearest to now
 * @param maxMessageBytes messages longer than this are refused ({@link ParseError.Kind#TOO_LONG})
 */
public record ParserOptions(boolean lenient, ZoneId zone, Clock clock, int maxMessageBytes) {
    /** Default maximum message size: 64 KiB, as rsyslog's maxMessageSize. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

    public ParserOptions {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(clock, "clock");
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes (" + maxMessageBytes + ") must be positive");
        }
    }

    /** Strict, system time zone and clock, 64 KiB. */
    public static ParserOptions defaults() {
        return new ParserOptions(false, ZoneId.systemDefault(), Clock.systemDefaultZone(), DEFAULT_MAX_MESSAGE_BYTES);
    }

    public ParserOptions withLenient(boolean value) {
        return new ParserOptions(value, zone, clock, maxMessageBytes);
    }

    public ParserOptions withZone(ZoneId value) {
        return new ParserOptions(lenient, value, clock, maxMessageBytes);
    }

    public ParserOptions withClock(Clock value) {
        return new ParserOptions(lenient, zone, value, maxMessageBytes);
    }

    public ParserOptions withMaxMessageBytes(int value) {
        return new ParserOptions(lenient, zone, clock, value);
    }
}
