package io.sluice.api;

import java.util.Objects;

/**
 * An HMAC-SHA256 signature carried by an {@link Event}: the id of the key that made it and the MAC
 * in Base64 (RFC 4648, with padding). Made and checked by {@link EventSigner}.
 *
 * @param keyId the key's id, 1..64 printable US-ASCII characters without blanks
 * @param value the MAC, Base64
 */
public record Signature(String keyId, String value) {
    public Signature {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(value, "value");
        if (keyId.isEmpty() || keyId.length() > 64 || !keyId.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new IllegalArgumentException(
                    "HMAC key id '" + keyId + "' must be 1..64 printable US-ASCII characters without blanks");
        }
    }
}
