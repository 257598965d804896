package io.sluice.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic event ids: the first 128 bits of SHA-256 over the event's canonical form, as 32
 * lower-case hex digits.
 *
 * <p>The same event received twice (a sender resending after a lost acknowledgement) gets the same
 * id, so a store can keep exactly one copy. The id covers timereported, facility, severity, host,
 * app name, procid, msgid, structured data and message; when the sender gave no timestamp, the
 * receive time stands in for it, so that two distinct timestamp-less messages with the same text
 * are not taken for duplicates. Tags and custom fields are not covered: filters change them.
 */
public final class EventIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Length of an id in characters. */
    public static final int LENGTH = 32;

    private EventIds() {
    }

    /** The id of {@code event}, ignoring any explicit id it carries. */
    public static String compute(Event event) {
        byte[] digest = sha256().digest(CanonicalForm.encode(event));
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH / 2; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        return new String(out);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
