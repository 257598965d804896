package io.sluice.api;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Syslog severity (RFC 5424 §6.2.1), lowest code most severe.
 *
 * <p>{@link #parse(String)} accepts the numeric code, the keyword of RFC 5424 / syslog.conf and the
 * usual aliases, case-insensitively: {@code emerg panic alert crit critical err error warning warn
 * notice info informational debug}.
 */
public enum Severity {
    EMERGENCY(0, "emerg"),
    ALERT(1, "alert"),
    CRITICAL(2, "crit"),
    ERROR(3, "err"),
    WARNING(4, "warning"),
    NOTICE(5, "notice"),
    INFO(6, "info"),
    DEBUG(7, "debug");

    private static final Severity[] BY_CODE = values();
    private static final Map<String, Severity> BY_NAME = new HashMap<>();

    static {
        for (Severity s : BY_CODE) {
            BY_NAME.put(s.keyword, s);
            BY_NAME.put(s.name().toLowerCase(Locale.ROOT), s);
            BY_NAME.put(Integer.toString(s.code), s);
        }
        BY_NAME.put("panic", EMERGENCY);
        BY_NAME.put("error", ERROR);
        BY_NAME.put("warn", WARNING);
        BY_NAME.put("informational", INFO);
    }

    private final int code;
    private final String keyword;

    Severity(int code, String keyword) {
        this.code = code;
        this.keyword = keyword;
    }

    /** The numeric code, 0 (emergency) to 7 (debug). */
    public int code() {
        return code;
    }

    /** The syslog.conf keyword: {@code emerg alert crit err warning notice info debug}. */
    public String keyword() {
        return keyword;
    }

    /**
     * @throws IllegalArgumentException if {@code code} is not 0..7
     */
    public static Severity of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("severity code (" + code + ") is not in 0..7");
        }
        return BY_CODE[code];
    }

    /**
     * Parses a code, keyword or alias, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    public static Severity parse(String value) {
        Severity s = value == null ? null : BY_NAME.get(value.strip().toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown severity '" + value
                    + "': expected 0..7 or one of emerg, alert, crit, err, warning, notice, info, debug"
                    + " (aliases: panic, critical, error, warn, informational, emergency)");
        }
        return s;
    }
}
