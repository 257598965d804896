package io.sluice.codec.format;

import io.sluice.api.Event;

/** The BSD syslog TAG shared by the RFC 3164 and rsyslog file formats. */
final class SyslogTag {
    /** Characters that would end the tag early for a reader: {@code [ ] :}. */
    static final String RESERVED = "[]:";
    /** Longest app name / procid written, as RFC 5424 allows. */
    static final int MAX_APP_NAME = 48;
    static final int MAX_PROCID = 128;

    private SyslogTag() {
    }

    /**
     * Appends {@code app[procid]:} or {@code app:}; a missing app name is {@code -}. Both parts are
     * header-sanitized with {@code [ ] :} also replaced by {@code _}, so a reader finds the tag's end.
     */
    static StringBuilder append(StringBuilder out, Event e) {
        Escaping.appendHeader(out, e.appName(), MAX_APP_NAME, RESERVED);
        if (e.procId() != null && !e.procId().isEmpty()) {
            out.append('[');
            Escaping.appendHeader(out, e.procId(), MAX_PROCID, RESERVED);
            out.append(']');
        }
        return out.append(':');
    }
}
