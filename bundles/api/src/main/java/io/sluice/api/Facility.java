package io.sluice.api;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Syslog facility (RFC 5424 §6.2.1, codes 0..23).
 *
 * <p>{@link #parse(String)} accepts the numeric code and the names rsyslog and syslog.conf use,
 * case-insensitively: {@code kern user mail daemon auth syslog lpr news uucp cron authpriv ftp ntp
 * audit alert clock local0 … local7}, plus the aliases {@code security} (= auth, as in rsyslog),
 * {@code kernel}, {@code console} (= alert) and {@code cron2}/{@code solaris-cron} (= clock).
 */
public enum Facility {
    KERN(0, "kern"),
    USER(1, "user"),
    MAIL(2, "mail"),
    DAEMON(3, "daemon"),
    AUTH(4, "auth"),
    SYSLOG(5, "syslog"),
    LPR(6, "lpr"),
    NEWS(7, "news"),
    UUCP(8, "uucp"),
    CRON(9, "cron"),
    AUTHPRIV(10, "authpriv"),
    FTP(11, "ftp"),
    NTP(12, "ntp"),
    AUDIT(13, "audit"),
    ALERT(14, "alert"),
    CLOCK(15, "clock"),
    LOCAL0(16, "local0"),
    LOCAL1(17, "local1"),
    LOCAL2(18, "local2"),
    LOCAL3(19, "local3"),
    LOCAL4(20, "local4"),
    LOCAL5(21, "local5"),
    LOCAL6(22, "local6"),
    LOCAL7(23, "local7");

    private static final Facility[] BY_CODE = values();
    private static final Map<String, Facility> BY_NAME = new HashMap<>();

    static {
        for (Facility f : BY_CODE) {
            BY_NAME.put(f.keyword, f);
            BY_NAME.put(Integer.toString(f.code), f);
        }
        BY_NAME.put("security", AUTH);
        BY_NAME.put("kernel", KERN);
        BY_NAME.put("console", ALERT);
        BY_NAME.put("cron2", CLOCK);
        BY_NAME.put("solaris-cron", CLOCK);
    }

    private final int code;
    private final String keyword;

    Facility(int code, String keyword) {
        this.code = code;
        this.keyword = keyword;
    }

    /** The numeric code, 0..23. */
    public int code() {
        return code;
    }

    /** The rsyslog / syslog.conf name. */
    public String keyword() {
        return keyword;
    }

    /**
     * @throws IllegalArgumentException if {@code code} is not 0..23
     */
    public static Facility of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("facility code (" + code + ") is not in 0..23");
        }
        return BY_CODE[code];
    }

    /**
     * Parses a code, name or alias, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    public static Facility parse(String value) {
        Facility f = value == null ? null : BY_NAME.get(value.strip().toLowerCase(Locale.ROOT));
        if (f == null) {
            throw new IllegalArgumentException("unknown facility '" + value
                    + "': expected 0..23 or one of kern, user, mail, daemon, auth, syslog, lpr, news,"
                    + " uucp, cron, authpriv, ftp, ntp, audit, alert, clock, local0..local7");
        }
        return f;
    }

    /** The RFC 5424 PRI value of this facility with {@code severity}: {@code facility * 8 + severity}. */
    public int priority(Severity severity) {
        return code * 8 + severity.code();
    }
}
