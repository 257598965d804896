package io.sluice.codec.rfc3164;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * rsyslog's "trusted properties" ({@code imuxsock SysSock.Annotate}): a suffix
 * {@code " @[_PID=1234 _UID=0 _GID=0 _COMM=sshd _EXE=/usr/sbin/sshd _CMDLINE=sshd: user [priv]]"}.
 * Values may hold spaces and ']' (the command line does), so a value ends where the next known key
 * begins ({@code " _UID="}...), and the last one at the final ']'.
 */
final class TrustedProperties {
    private static final byte[][] KEYS = {
        ascii("_PID="), ascii("_UID="), ascii("_GID="), ascii("_COMM="), ascii("_EXE="), ascii("_CMDLINE=")
    };
    private static final String[] NAMES = {"pid", "uid", "gid", "comm", "exe", "cmdline"};

    private TrustedProperties() {
    }

    /**
     * Finds the suffix in {@code d[from, end)}: sets {@code h.trustedStart/End} (start at "@[", or at
     * the space before it) and returns true, or returns false.
     */
    static boolean find(byte[] d, int from, int end, Header h) {
        if (end - from < 8 || d[end - 1] != ']') {
            return false;
        }
        // the last "@[_" whose key list parses up to the final ']'
        for (int at = end - 4; at >= from; at--) {
            if (d[at] == '@' && d[at + 1] == '[' && d[at + 2] == '_' && keyAt(d, at + 2, end) >= 0) {
                h.trustedStart = at > from && d[at - 1] == ' ' ? at - 1 : at;
                h.trustedEnd = end;
                return true;
            }
        }
        return false;
    }

    /** Decodes the suffix found by {@link #find}. */
    static Map<String, Object> decode(byte[] d, Header h) {
        int p = h.trustedStart;
        while (d[p] != '@') {
            p++;
        }
        p += 2; // "@["
        int last = h.trustedEnd - 1; // the final ']'
        Map<String, Object> out = new LinkedHashMap<>(8);
        int k = keyAt(d, p, last);
        while (k >= 0 && p < last) {
            int vs = p + KEYS[k].length;
            int ve = last;
            int nextKey = -1;
            for (int i = vs; i < last; i++) {
                if (d[i] == ' ' && i + 1 < last && d[i + 1] == '_') {
                    int nk = keyAt(d, i + 1, last);
                    if (nk > k) {
                        ve = i;
                        nextKey = nk;
                        break;
                    }
                }
            }
            out.put(NAMES[k], new String(d, vs, ve - vs, StandardCharsets.UTF_8));
            if (nextKey < 0) {
                break;
            }
            p = ve + 1;
            k = nextKey;
        }
        return out;
    }

    private static int keyAt(byte[] d, int p, int end) {
        outer:
        for (int k = 0; k < KEYS.length; k++) {
            byte[] key = KEYS[k];
            if (end - p < key.length) {
                continue;
            }
            for (int i = 0; i < key.length; i++) {
                if (d[p + i] != key[i]) {
                    continue outer;
                }
            }
            return k;
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
