package io.sluice.codec.format;

/**
 * The one place where the text formatters make event values safe to write on a log line.
 *
 * <p>Rules (also in {@code docs/formats.md}):
 * <ul>
 * <li><b>Control characters</b> (U+0000..U+001F and U+007F) anywhere are written as rsyslog's
 *     {@code $EscapeControlCharactersOnReceive} writes them: {@code #} and three octal digits
 *     ({@code LF → #012}, {@code TAB → #011}, {@code DEL → #177}). So no value can start a new
 *     line. {@code #} itself is not escaped (as in rsyslog): the escaping is for safety, not
 *     reversible.</li>
 * <li><b>Header fields</b> (host, app name, procid, msgid) are first control-escaped, then every
 *     character that is not printable US-ASCII (space, non-ASCII) or that the format reserves is
 *     replaced by {@code _}, then the result is cut to the format's limit. An absent or empty value
 *     becomes {@code -}.</li>
 * <li><b>SD-NAMEs</b> (SD-IDs and param names) follow the header rule with {@code = ] "} also
 *     reserved, cut to 32 characters; an empty name becomes {@code _}.</li>
 * <li><b>SD param values</b> are control-escaped and then {@code " \ ]} get a backslash.</li>
 * </ul>
 */
public final class Escaping {
    /** RFC 5424 NILVALUE, written for absent header fields. */
    public static final String NIL = "-";

    private Escaping() {
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * False only if {@code s} has no control character; true means "maybe" (then look closely).
     * Works on the ISO-8859-1 bytes (a bulk copy for the usual Latin-1 strings; characters above
     * U+00FF become '?', which is not a control), eight bytes at a time: a byte below 0x20 or equal
     * to 0x7F sets a flag bit (borrows can only add flags above a byte that already set one).
     */
    static boolean mayHaveControl(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int n = b.length;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = (long) LONGS.get(b, i);
            long below20 = (x - 0x2020202020202020L) & ~x & 0x8080808080808080L;
            long y = x ^ 0x7F7F7F7F7F7F7F7FL;
            long del = (y - 0x0101010101010101L) & ~y & 0x8080808080808080L;
            if ((below20 | del) != 0) {
                return true;
            }
        }
        for (; i < n; i++) {
            if (b[i] >= 0 && (b[i] < 0x20 || b[i] == 0x7F)) {
                return true;
            }
        }
        return false;
    }

    /** True for the characters written as {@code #ooo}: C0 controls and DEL. */
    public static boolean isControl(char c) {
        return c < 0x20 || c == 0x7F;
    }

    /** Appends {@code s} with control characters written as {@code #} + 3 octal digits. */
    public static StringBuilder appendEscaped(StringBuilder out, CharSequence s) {
        return appendEscaped(out, s, 0, s.length());
    }

    /** Appends characters {@code from} (inclusive) to {@code to} (exclusive) of {@code s}, escaped as above. */
    public static StringBuilder appendEscaped(StringBuilder out, CharSequence s, int from, int to) {
        int n = to;
        int start = from;
        if (s instanceof String str && from == 0 && to == str.length() && !mayHaveControl(str)) {
            // The common case, nothing to escape: one bulk copy instead of a copy per character.
            return out.append(str);
        }
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (isControl(c)) {
                out.append(s, start, i);
                appendOctal(out, c);
                start = i + 1;
            }
        }
        return out.append(s, start, n);
    }

    /** {@link #appendEscaped} into a new string. */
    public static String escape(CharSequence s) {
        return appendEscaped(new StringBuilder(s.length() + 8), s).toString();
    }

    private static void appendOctal(StringBuilder out, char c) {
        out.append('#').append((char) ('0' + ((c >> 6) & 7))).append((char) ('0' + ((c >> 3) & 7)))
                .append((char) ('0' + (c & 7)));
    }

    /**
     * Appends a header field: {@code -} when null or empty; else control-escaped, every character
     * outside {@code !}..{@code ~} or in {@code reserved} replaced by {@code _}, at most
     * {@code maxLength} characters (all ASCII, so also bytes).
     */
    public static StringBuilder appendHeader(StringBuilder out, String value, int maxLength, String reserved) {
        if (value == null || value.isEmpty()) {
            return out.append(NIL);
        }
        int n = value.length();
        if (n <= maxLength && plainHeader(value, reserved)) {
            return out.append(value); // the common case: one bulk copy
        }
        int limit = out.length() + maxLength;
        for (int i = 0; i < n && out.length() < limit; i++) {
            char c = value.charAt(i);
            if (isControl(c)) {
                if (out.length() + 4 > limit) {
                    break; // never cut an escape in half
                }
                appendOctal(out, c);
            } else if (c <= ' ' || c > '~' || reserved.indexOf(c) >= 0) {
                out.append('_');
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++; // one replacement per code point
                }
            } else {
                out.append(c);
            }
        }
        return out;
    }

    /** Whether every character of {@code value} is printable ASCII ({@code !}..{@code ~}) and not reserved. */
    private static boolean plainHeader(String value, String reserved) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c > '~' || (!reserved.isEmpty() && reserved.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** Appends a header field with no reserved characters beyond blanks; see {@link #appendHeader(StringBuilder, String, int, String)}. */
    public static StringBuilder appendHeader(StringBuilder out, String value, int maxLength) {
        return appendHeader(out, value, maxLength, "");
    }

    /** Appends an RFC 5424 SD-NAME (SD-ID or param name): header rule, {@code = ] "} reserved, 32 max. */
    public static StringBuilder appendSdName(StringBuilder out, String name) {
        if (name == null || name.isEmpty()) {
            return out.append('_');
        }
        return appendHeader(out, name, 32, "=]\"");
    }

    /** Appends an RFC 5424 PARAM-VALUE (without the quotes): control-escaped, {@code " \ ]} backslashed. */
    public static StringBuilder appendSdValue(StringBuilder out, String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (isControl(c)) {
                appendOctal(out, c);
            } else {
                if (c == '"' || c == '\\' || c == ']') {
                    out.append('\\');
                }
                out.append(c);
            }
        }
        return out;
    }
}
