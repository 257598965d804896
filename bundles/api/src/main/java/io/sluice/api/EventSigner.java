package io.sluice.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs events with HMAC-SHA256 and verifies their signatures.
 *
 * <p>A signer holds a key ring: the key it signs with, and every key it accepts when verifying
 * (for rotation, keep the old key in the ring until no event signed with it is left in flight).
 * The MAC covers the key id and the same fields as {@link EventIds} (see there); tags and custom
 * fields are not covered, so filters may add them without breaking the signature.
 *
 * <pre>{@code
 * EventSigner signer = EventSigner.builder()
 *         .key("2026-11", secretBytes)   // the first key added signs
 *         .build();
 * Event signed = signer.sign(event);
 * if (signer.verify(received) != EventSigner.Verification.VALID) { ... }
 * }</pre>
 *
 * <p>Keys MUST be at least 16 bytes (32 random bytes recommended). Comparison is constant-time.
 * Instances are thread-safe.
 */
public final class EventSigner {
    /** Smallest key length accepted, in bytes. */
    public static final int MIN_KEY_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] DOMAIN = "sluice-hmac-v1".getBytes(StandardCharsets.US_ASCII);

    /** Outcome of {@link #verify(Event)}. */
    public enum Verification {
        /** Signed with a known key and the MAC matches. */
        VALID,
        /** Signed with a known key and the MAC does not match: the event was changed. */
        INVALID,
        /** Signed with a key id this signer does not know. */
        UNKNOWN_KEY,
        /** Carries no signature. */
        UNSIGNED
    }

    private final String signingKeyId;
    private final Map<String, SecretKeySpec> keys;

    private EventSigner(String signingKeyId, Map<String, SecretKeySpec> keys) {
        this.signingKeyId = signingKeyId;
        this.keys = keys;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The id of the key {@link #sign(Event)} uses. */
    public String signingKeyId() {
        return signingKeyId;
    }

    /** A copy of {@code event} carrying a signature by the signing key (replacing any earlier one). */
    public Event sign(Event event) {
        byte[] mac = mac(signingKeyId, keys.get(signingKeyId), event);
        return event.toBuilder().hmac(new Signature(signingKeyId, Base64.getEncoder().encodeToString(mac))).build();
    }

    /** Checks the signature {@code event} carries. Never throws for a malformed signature: it is INVALID. */
    public Verification verify(Event event) {
        Signature sig = event.hmac();
        if (sig == null) {
            return Verification.UNSIGNED;
        }
        SecretKeySpec key = keys.get(sig.keyId());
        if (key == null) {
            return Verification.UNKNOWN_KEY;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(sig.value());
        } catch (IllegalArgumentException notBase64) {
            return Verification.INVALID;
        }
        byte[] expected = mac(sig.keyId(), key, event);
        return MessageDigest.isEqual(expected, given) ? Verification.VALID : Verification.INVALID;
    }

    private static byte[] mac(String keyId, SecretKeySpec key, Event event) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(DOMAIN);
            byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
            mac.update((byte) id.length);
            mac.update(id);
            return mac.doFinal(CanonicalForm.encode(event));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    /**
     * A signer with the keys of a file: one {@code keyid = base64 secret} per line (at least
     * {@link #MIN_KEY_BYTES} bytes each), {@code #} comments and blank lines skipped; the first key signs.
     *
     * @throws IllegalArgumentException naming the file and line when it cannot be read or a line is wrong
     */
    public static EventSigner fromKeysFile(java.nio.file.Path file) {
        String text;
        try {
            text = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the keys file " + file + ": " + e.getMessage());
        }
        Builder b = builder();
        int n = 0;
        int keys = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(file + ":" + n + ": expected 'keyid = base64 secret'");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(l.substring(eq + 1).strip());
            } catch (IllegalArgumentException notBase64) {
                throw new IllegalArgumentException(file + ":" + n + ": the secret is not base64");
            }
            try {
                b.key(l.substring(0, eq).strip(), secret);
            } catch (IllegalArgumentException tooShort) {
                throw new IllegalArgumentException(file + ":" + n + ": " + tooShort.getMessage());
            }
            keys++;
        }
        if (keys == 0) {
            throw new IllegalArgumentException("the keys file " + file + " holds no key");
        }
        return b.build();
    }

    /** Collects keys; the first added signs unless {@link #signWith(String)} names another. */
    public static final class Builder {
        private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        private String signWith;

        private Builder() {
        }

        /**
         * @throws IllegalArgumentException if the key is shorter than {@link #MIN_KEY_BYTES} or the id is
         *     not a valid {@link Signature#keyId()}
         */
        public Builder key(String keyId, byte[] secret) {
            new Signature(keyId, ""); // validates the id
            Objects.requireNonNull(secret, "secret");
            if (secret.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("HMAC key '" + keyId + "' has " + secret.length
                        + " bytes; at least " + MIN_KEY_BYTES + " are required");
            }
            keys.put(keyId, new SecretKeySpec(secret.clone(), ALGORITHM));
            return this;
        }

        public Builder signWith(String keyId) {
            this.signWith = keyId;
            return this;
        }

        public EventSigner build() {
            if (keys.isEmpty()) {
                throw new IllegalStateException("an EventSigner needs at least one key");
            }
            String signing = signWith != null ? signWith : keys.keySet().iterator().next();
            if (!keys.containsKey(signing)) {
                throw new IllegalStateException("signing key '" + signing + "' is not in the key ring " + keys.keySet());
            }
            return new EventSigner(signing, Map.copyOf(keys));
        }
    }
}
