package io.sluice.codec.rfc3164;

import io.sluice.api.Event;
import io.sluice.api.ZoneOffsets;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parses BSD syslog (RFC 3164) as real devices send it, following the heuristics of rsyslog's
 * {@code pmrfc3164} and syslog-ng's legacy parser. A hand-written byte scanner: no regular
 * expressions, and only the strings and objects of the event itself are allocated.
 *
 * <pre>
 * [&lt;PRI&gt;] [SEQ: [HOST: | CPU:]] [*|.]TIMESTAMP[ ZONE:][:] [HOST] [TAG[[PID]][:]] MSG[ @[_PID=… _CMDLINE=…]]
 * </pre>
 *
 * <ul>
 * <li><b>PRI</b>: optional; missing gives user.notice (13, RFC 3164 §4.3.3). {@code <} followed by
 *     anything but 1..3 digits and {@code >}, or a value over 191, is an error (rsyslog marks such a
 *     message "invalid PRI" and parses nothing of it): strict mode fails, lenient mode makes an
 *     event of the whole text, as rsyslog does, tagged {@link ParseError#TAG}.</li>
 * <li><b>Headerless</b>: text starting (after blanks) with '&#123;' or '[' is message only
 *     (rsyslog's rule for JSON and similar).</li>
 * <li><b>Timestamp</b>: see {@link Rfc3164Timestamps}. A yearless timestamp gets the year that puts
 *     it nearest to {@link ParserOptions#clock()}; a timestamp without offset is in
 *     {@link ParserOptions#zone()}. An impossible date (Feb 30) is no timestamp: the text stays in
 *     the message, as for any other text that is not a timestamp. No timestamp: {@code timereported}
 *     is null.</li>
 * <li><b>Hostname</b>: only after a timestamp (as syslog-ng; without a timestamp the first word is
 *     the tag). The next word is the hostname if it has only letters, digits and {@code . _ - @ /},
 *     ends with a letter or digit and is followed by a space or the end (rsyslog's rule, with
 *     {@code permit.slashesInHostname} and {@code permit.AtSignsInHostname} on); an IPv6 address
 *     also counts. So a word ending with ':' or containing '[' is a tag, not a hostname. Missing:
 *     {@link Origin#peerHost()}. AIX's {@code Message forwarded from HOST:} is understood.</li>
 * <li><b>Tag</b>: the next word up to ':' or a space (at most 510 bytes, rsyslog's limit; the RFC's
 *     32 is an output limit in rsyslog too). {@code app[pid]} gives appName and procId. The colon
 *     is a delimiter and kept nowhere; so is the one space after the tag, which rsyslog keeps as the
 *     first character of {@code %msg%} ({@code remove.msgFirstSpace} gives what Sluice does).</li>
 * <li><b>Cisco</b>: a sequence number ({@code <189>29: }), a host or CPU module before the
 *     timestamp ({@code foo: }, {@code RP/0/RP0/CPU0:}), the {@code *} / {@code .} time-sync
 *     markers, a zone abbreviation before a colon, and {@code %FAC-SEV-MNEMONIC:} at the start of
 *     the message (in place of the tag, or after it) become the field {@code cisco}:
 *     {@code facility, severity (Long), mnemonic, sequence, cpu_module, time_marker}. The
 *     {@code %…:} text stays in the message (as syslog-ng), and is not taken as the tag.</li>
 * <li><b>Trusted properties</b> (rsyslog imuxsock annotation) at the end of the message are
 *     removed from it and become the field {@code trusted} (pid, uid, gid, comm, exe, cmdline).</li>
 * <li><b>Text</b> is UTF-8; malformed sequences become U+FFFD. Trailing NUL, CR and LF bytes are
 *     dropped (a NUL ends some UDP datagrams).</li>
 * <li><b>Errors</b>: only empty input ({@link ParseError.Kind#EMPTY}), input over
 *     {@link ParserOptions#maxMessageBytes()} ({@link ParseError.Kind#TOO_LONG}) and a malformed PRI
 *     fail. In lenient mode they become events (the too-long one from its first
 *     {@code maxMessageBytes} bytes, as rsyslog truncates).</li>
 * </ul>
 *
 * <p>Thread-safe and stateless apart from the options.
 */
public final class Rfc3164Parser implements EventParser {
    public static final String FORMAT = "rfc3164";
    /** rsyslog's CONF_HOSTNAME_MAXSIZE - 1. */
    static final int MAX_HOSTNAME = 511;
    /** rsyslog's CONF_TAG_MAXSIZE - 2. */
    static final int MAX_TAG = 510;
    /** The field holding Cisco header data. */
    public static final String FIELD_CISCO = "cisco";
    /** The field holding rsyslog's trusted properties. */
    public static final String FIELD_TRUSTED = "trusted";

    private static final byte[] FORWARDED = "Message forwarded from ".getBytes(StandardCharsets.US_ASCII);

    private final ParserOptions options;
    private final ZoneRules rules;
    private final ZoneOffset fixedOffset;
    private final Clock clock;

    public Rfc3164Parser(ParserOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.rules = options.zone().getRules();
        this.fixedOffset = rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH) : null;
        this.clock = options.clock();
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public ParseResult parse(byte[] data, int offset, int length, Origin origin) {
        return parseDetailed(data, offset, length, origin).result();
    }

    /** A result with what the scanner saw, for tests of this package. */
    record Parsed(ParseResult result, Header header) {
    }

    Parsed parseDetailed(byte[] data, int offset, int length, Origin origin) {
        Objects.checkFromIndexSize(offset, length, data.length);
        Objects.requireNonNull(origin, "origin");
        Header h = new Header();
        try {
            return new Parsed(doParse(data, offset, length, origin, h), h);
        } catch (RuntimeException e) {
            // A safety net: a bug here must not take a listener down.
            ParseError err = new ParseError(FORMAT, ParseError.Kind.SYNTAX, "parser failure: " + e, -1,
                    Arrays.copyOfRange(data, offset, offset + Math.min(length, options.maxMessageBytes())));
            return new Parsed(fail(err, base(origin)), h);
        }
    }

    private ParseResult doParse(byte[] d, int offset, int length, Origin origin, Header h) {
        int max = options.maxMessageBytes();
        if (length > max) {
            String what = "message of " + length + " bytes is longer than the maximum of " + max;
            if (!options.lenient()) {
                return ParseResult.failed(new ParseError(FORMAT, ParseError.Kind.TOO_LONG, what, max,
                        Arrays.copyOfRange(d, offset, offset + length)));
            }
            // as rsyslog: keep the first max bytes
            ParseError err = new ParseError(FORMAT, ParseError.Kind.TOO_LONG, what, max,
                    Arrays.copyOfRange(d, offset, offset + max));
            Event.Builder b = base(origin);
            ParseResult inner = doParse(d, offset, max, origin, h);
            if (inner.isSuccess()) {
                b = inner.event().toBuilder();
                if (b.message() == null) {
                    b.message("");
                }
                b.removeTag(ParseError.TAG).removeField(ParseError.FIELD_ERROR).removeField(ParseError.FIELD_RAW);
            }
            return ParseResult.lenient(b, err);
        }
        int end = offset + length;
        while (end > offset && (d[end - 1] == '\n' || d[end - 1] == '\r' || d[end - 1] == 0)) {
            end--;
        }
        int p = offset;
        while (p < end && (d[p] == ' ' || d[p] == '\t')) {
            p++;
        }
        if (p == end) {
            return fail(new ParseError(FORMAT, ParseError.Kind.EMPTY,
                    length == 0 ? "empty message" : "message has only blanks", -1,
                    Arrays.copyOfRange(d, offset, offset + length)), base(origin));
        }
        p = offset;
        Event.Builder b = base(origin);
        if (d[p] == '<') {
            int q = p + 1;
            int v = 0;
            while (q < end && q - p <= 3 && d[q] >= '0' && d[q] <= '9') {
                v = v * 10 + (d[q] - '0');
                q++;
            }
            if (q == p + 1 || q >= end || d[q] != '>') {
                return fail(new ParseError(FORMAT, ParseError.Kind.SYNTAX,
                        "expected PRI: '<', 1 to 3 digits and '>'", q - offset,
                        Arrays.copyOfRange(d, offset, offset + length)), b);
            }
            if (v > 191) {
                return fail(new ParseError(FORMAT, ParseError.Kind.INVALID_VALUE,
                        "PRI " + v + " is over 191", p + 1 - offset,
                        Arrays.copyOfRange(d, offset, offset + length)), b);
            }
            b.priority(v);
            p = q + 1;
        }
        OffsetDateTime ts = scanBody(d, p, end, h);
        b.timereported(ts);
        b.host(h.hostStart >= 0 ? latin1(d, h.hostStart, h.hostEnd) : origin.peerHost());
        if (h.tagStart >= 0 && h.tagEnd > h.tagStart) {
            setTag(d, h.tagStart, h.tagEnd, b);
        }
        b.message(h.msgEnd > h.msgStart ? new String(d, h.msgStart, h.msgEnd - h.msgStart, StandardCharsets.UTF_8)
                : "");
        if (h.seqStart >= 0 || h.cpuStart >= 0 || h.timeMarker != 0 || h.mnemStart >= 0) {
            b.field(FIELD_CISCO, cisco(d, h));
        }
        if (h.trustedStart >= 0) {
            b.field(FIELD_TRUSTED, TrustedProperties.decode(d, h));
        }
        return ParseResult.of(b.build());
    }

    private ParseResult fail(ParseError err, Event.Builder partial) {
        return options.lenient() ? ParseResult.lenient(partial, err) : ParseResult.failed(err);
    }

    private static Event.Builder base(Origin origin) {
        return Event.builder().timegenerated(origin.receivedAt()).host(origin.peerHost());
    }

    /** Scans everything after the PRI into {@code h}; returns the timestamp or null. */
    private OffsetDateTime scanBody(byte[] d, int p, int end, Header h) {
        h.msgEnd = end;
        int q = p;
        while (q < end && (d[q] == ' ' || d[q] == '\t')) {
            q++;
        }
        if (q < end && (d[q] == '{' || d[q] == '[')) { // headerless (rsyslog): all is message
            h.msgStart = p;
            return null;
        }
        p = q;
        OffsetDateTime ts = null;
        // Cisco sequence number "29: " (or an empty one, NX-OS "<187>: ")
        q = p;
        while (q < end && q - p < 20 && d[q] >= '0' && d[q] <= '9') {
            q++;
        }
        if (q < end && d[q] == ':' && (q + 1 == end || d[q + 1] == ' ')) {
            if (q > p) {
                h.seqStart = p;
                h.seqEnd = q;
            }
            p = Math.min(q + 2, end);
            int r = timestamp(d, p, end, h);
            if (r < 0) {
                p = ciscoOrigin(d, p, end, h);
                r = timestamp(d, p, end, h);
            }
            if (r >= 0) {
                ts = h.tsValue;
                p = r;
            }
        } else {
            int r = timestamp(d, p, end, h);
            if (r >= 0) {
                ts = h.tsValue;
                p = r;
            }
        }
        if (ts != null && h.hostStart < 0 && p < end) {
            p = hostname(d, p, end, h);
        }
        // a lone ':' after the host ("DEVICE123 : %FTD-4-106023: ...")
        if (h.hostStart >= 0 && p < end && d[p] == ':' && (p + 1 == end || d[p + 1] == ' ')) {
            p = Math.min(p + 2, end);
        }
        if (p < end && !mnemonic(d, p, end, h)) {
            int t = p;
            while (t < end && d[t] != ':' && d[t] != ' ' && t - p < MAX_TAG) {
                t++;
            }
            h.tagStart = p;
            h.tagEnd = t;
            if (t < end && d[t] == ':') {
                h.tagColon = true;
                t++;
            }
            p = t;
            if (p < end && d[p] == ' ') {
                h.msgSpaceDropped = true;
                p++;
            }
            mnemonic(d, p, end, h);
        }
        h.msgStart = p;
        if (TrustedProperties.find(d, p, end, h)) {
            h.msgEnd = h.trustedStart;
        }
        return ts;
    }

    /**
     * Scans a timestamp, with an optional Cisco marker, at {@code p}; on success sets
     * {@code h.tsValue} (and the marker) and returns the position after it, else returns -1.
     */
    private int timestamp(byte[] d, int p, int end, Header h) {
        if (p >= end) {
            return -1;
        }
        byte marker = 0;
        byte c = d[p];
        if ((c == '*' || c == '.') && p + 1 < end && Rfc3164Timestamps.mayStart(d[p + 1])) {
            marker = c;
            p++;
        } else if (!Rfc3164Timestamps.mayStart(c)) {
            return -1;
        }
        int r = Rfc3164Timestamps.scan(d, p, end, h);
        OffsetDateTime ts = r < 0 ? null : resolve(h);
        if (ts == null) {
            h.clearTimestamp();
            return -1;
        }
        h.tsValue = ts;
        h.timeMarker = marker;
        return r;
    }

    /** Cisco: "HOST: " or "CPU-MODULE:" between the sequence number and the timestamp. */
    private int ciscoOrigin(byte[] d, int p, int end, Header h) {
        if (p >= end || d[p] == '%') {
            return p;
        }
        int c = p;
        while (c < end && c - p < 64 && d[c] != ':') {
            c++;
        }
        if (c == p || c >= end || d[c] != ':') {
            return p;
        }
        if ((c + 1 == end || d[c + 1] == ' ') && isHostname(d, p, c)) {
            h.hostStart = p;
            h.hostEnd = c;
            return Math.min(c + 2, end);
        }
        int r = c + 1;
        if (r < end && d[r] == ' ') {
            r++;
        }
        if (timestamp(d, r, end, h) >= 0) { // a CPU module only when a timestamp follows
            h.cpuStart = p;
            h.cpuEnd = c;
            return r;
        }
        return p;
    }

    /** rsyslog's hostname rule (plus '/', '@' and IPv6); returns the position after it. */
    private static int hostname(byte[] d, int p, int end, Header h) {
        if (startsWith(d, p, end, FORWARDED)) { // AIX
            int s = p + FORWARDED.length;
            int e = s;
            while (e < end && e - s <= MAX_HOSTNAME && isHostChar(d[e])) {
                e++;
            }
            if (e > s && e + 1 < end && d[e] == ':' && d[e + 1] == ' ') {
                h.hostStart = s;
                h.hostEnd = e;
                return e + 2;
            }
        }
        int e = p;
        while (e < end && e - p <= MAX_HOSTNAME && isHostChar(d[e])) {
            e++;
        }
        if (e > p && e - p <= MAX_HOSTNAME && (e == end || (d[e] == ' ' && isAlnum(d[e - 1])))) {
            h.hostStart = p;
            h.hostEnd = e;
            return e == end ? e : e + 1;
        }
        // an IPv6 address ("0002::", "fe80::1"): hex digits, ':' and '.', two colons at least
        e = p;
        int colons = 0;
        while (e < end && e - p < 46 && (isHex(d[e]) || d[e] == ':' || d[e] == '.')) {
            if (d[e] == ':') {
                colons++;
            }
            e++;
        }
        if (colons >= 2 && (e == end || d[e] == ' ')) {
            h.hostStart = p;
            h.hostEnd = e;
            return e == end ? e : e + 1;
        }
        return p;
    }

    private static boolean isHostname(byte[] d, int s, int e) {
        if (e - s > MAX_HOSTNAME || !isAlnum(d[e - 1])) {
            return false;
        }
        for (int i = s; i < e; i++) {
            if (!isHostChar(d[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * A Cisco {@code %FACILITY-SEVERITY-MNEMONIC:} (also with a blank before the colon) at {@code p}:
     * records it in {@code h} and returns true.
     */
    static boolean mnemonic(byte[] d, int p, int end, Header h) {
        if (p >= end || d[p] != '%') {
            return false;
        }
        int q = p + 1;
        int lastDash = -1;
        int prevDash = -1;
        while (q < end && q - p <= 128) {
            byte c = d[q];
            if (c == '-') {
                prevDash = lastDash;
                lastDash = q;
            } else if (!isAlnum(c) && c != '_') {
                break;
            }
            q++;
        }
        if (prevDash <= p + 1 || lastDash != prevDash + 2 || lastDash == q - 1) {
            return false;
        }
        byte sev = d[prevDash + 1];
        if (sev < '0' || sev > '7') {
            return false;
        }
        int r = q;
        if (r < end && d[r] == ' ') {
            r++;
        }
        if (r >= end || d[r] != ':') {
            return false;
        }
        h.mnemStart = p;
        h.mnemEnd = q;
        return true;
    }

    private static Map<String, Object> cisco(byte[] d, Header h) {
        Map<String, Object> m = new LinkedHashMap<>(8);
        if (h.mnemStart >= 0) {
            int last = h.mnemEnd - 1;
            while (d[last] != '-') {
                last--;
            }
            int sev = last - 2;
            m.put("facility", latin1(d, h.mnemStart + 1, sev));
            m.put("severity", (long) (d[sev + 1] - '0'));
            m.put("mnemonic", latin1(d, last + 1, h.mnemEnd));
        }
        if (h.seqStart >= 0) {
            m.put("sequence", latin1(d, h.seqStart, h.seqEnd));
        }
        if (h.cpuStart >= 0) {
            m.put("cpu_module", new String(d, h.cpuStart, h.cpuEnd - h.cpuStart, StandardCharsets.UTF_8));
        }
        if (h.timeMarker != 0) {
            m.put("time_marker", h.timeMarker == '*' ? "*" : ".");
        }
        return m;
    }

    /** appName = the tag up to '[' (rsyslog's programname, but '/' is kept); procId = inside [...]. */
    private static void setTag(byte[] d, int s, int e, Event.Builder b) {
        int br = s;
        while (br < e && d[br] != '[') {
            br++;
        }
        if (br > s) {
            b.appName(new String(d, s, br - s, StandardCharsets.UTF_8));
        }
        if (br < e) {
            int close = br + 1;
            while (close < e && d[close] != ']') {
                close++;
            }
            if (close < e && close > br + 1) {
                b.procId(new String(d, br + 1, close - br - 1, StandardCharsets.UTF_8));
            }
        }
    }

    /** Year (when missing), calendar check and zone; null for an impossible date. */
    private OffsetDateTime resolve(Header h) {
        int year = h.tsYear;
        if (year == 0) {
            year = nearestYear(h);
            if (year == 0) {
                return null;
            }
        } else if (h.tsDay > Rfc3164Timestamps.monthLength(year, h.tsMonth)) {
            return null;
        }
        LocalDateTime ldt = LocalDateTime.of(year, h.tsMonth, h.tsDay, h.tsHour, h.tsMinute, h.tsSecond, h.tsNanos);
        ZoneOffset off;
        if (h.tsOffset != Rfc3164Timestamps.NO_OFFSET) {
            off = ZoneOffsets.of(h.tsOffset);
        } else if (fixedOffset != null) {
            off = fixedOffset;
        } else {
            off = rules.getOffset(ldt);
        }
        return OffsetDateTime.of(ldt, off);
    }

    /** Of last, this and next year (local to the zone), the one that puts the timestamp nearest now. */
    private int nearestYear(Header h) {
        long nowSec = Math.floorDiv(clock.millis(), 1000L);
        int nowOffset = fixedOffset != null ? fixedOffset.getTotalSeconds()
                : rules.getOffset(Instant.ofEpochSecond(nowSec)).getTotalSeconds();
        long nowLocal = nowSec + nowOffset;
        int nowYear = LocalDate.ofEpochDay(Math.floorDiv(nowLocal, 86400L)).getYear();
        long secOfDay = h.tsHour * 3600L + h.tsMinute * 60L + h.tsSecond;
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int y = nowYear - 1; y <= nowYear + 1; y++) {
            if (h.tsDay > Rfc3164Timestamps.monthLength(y, h.tsMonth)) {
                continue;
            }
            long t = Rfc3164Timestamps.epochDay(y, h.tsMonth, h.tsDay) * 86400L + secOfDay;
            long distance = Math.abs(t - nowLocal);
            if (distance < bestDistance) {
                best = y;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static boolean startsWith(byte[] d, int p, int end, byte[] prefix) {
        if (end - p < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (d[p + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isHex(byte c) {
        return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9');
    }

    private static boolean isHostChar(byte c) {
        return isAlnum(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '/';
    }

    /** For ASCII-only spans (checked by the scanner): the cheapest decoding. */
    @SuppressWarnings("deprecation")
    private static String latin1(byte[] d, int s, int e) {
        return new String(d, 0, s, e - s);
    }
}
