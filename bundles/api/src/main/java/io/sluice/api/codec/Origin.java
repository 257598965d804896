package io.sluice.api.codec;

import java.time.Instant;
import java.util.Objects;

/**
 * Where and when a message was received: what a parser needs beyond the bytes.
 *
 * @param peerHost the sender's address or name; parsers use it as {@code host} when the message
 *     names none (as rsyslog does). May be null when unknown.
 * @param receivedAt the receive time, which becomes the event's {@code timegenerated}
 */
public record Origin(String peerHost, Instant receivedAt) {
    public Origin {
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** Received now from {@code peerHost}. */
    public static Origin now(String peerHost) {
        return new Origin(peerHost, Instant.now());
    }
}
