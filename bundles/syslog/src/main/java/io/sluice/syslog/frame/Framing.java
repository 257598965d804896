package io.sluice.syslog.frame;

import java.util.Locale;

/** How a syslog stream is split into messages (RFC 6587). */
public enum Framing {
    /**
     * Decided per frame, as rsyslog does: a frame starting with a digit is octet-counted, anything
     * else (normally {@code <}) ends at LF.
     */
    AUTO,
    /** Every frame is {@code MSG-LEN SP SYSLOG-MSG} (RFC 6587 section 3.4.1). */
    OCTET_COUNTED,
    /** Every frame ends at LF (a CR before it is dropped); RFC 6587 section 3.4.2. */
    LF;

    /** Parses {@code auto}, {@code octet-counted} or {@code lf}, naming the bad value otherwise. */
    public static Framing parse(String value) {
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "auto":
                return AUTO;
            case "octet-counted":
            case "octet-counting":
                return OCTET_COUNTED;
            case "lf":
            case "non-transparent":
                return LF;
            default:
                throw new IllegalArgumentException("framing '" + value + "' is not one of auto, octet-counted, lf");
        }
    }
}
