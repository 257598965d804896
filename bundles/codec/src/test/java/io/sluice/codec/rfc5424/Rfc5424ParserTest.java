package io.sluice.codec.rfc5424;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseError.Kind;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc5424ParserTest {
    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");
    private static final Origin NO_PEER = new Origin(null, RECEIVED);
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Rfc5424Parser parser = new Rfc5424Parser(ParserOptions.defaults());
    private final Rfc5424Parser lenient = new Rfc5424Parser(ParserOptions.defaults().withLenient(true));

    private Event ok(String msg) {
        return ok(msg.getBytes(StandardCharsets.UTF_8));
    }

    private Event ok(byte[] msg) {
        ParseResult r = parser.parse(msg, NO_PEER);
        assertThat(r.isSuccess()).as("%s", r.error()).isTrue();
        return r.event();
    }

    private ParseError err(String msg) {
        return err(msg.getBytes(StandardCharsets.UTF_8));
    }

    private ParseError err(byte[] msg) {
        ParseResult r = parser.parse(msg, NO_PEER);
        assertThat(r.isSuccess()).as("parsed: %s", r.event()).isFalse();
        assertThat(r.event()).isNull();
        return r.error();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void formatIsRfc5424() {
        assertThat(parser.format()).isEqualTo("rfc5424");
    }

    // ---- structured data ----

    @Test
    void sdParamValueUnescapesQuoteBackslashBracket() {
        Event e = ok("<13>1 - - - - - [x@1 q=\"a\\\"b\" bs=\"c\\\\d\" br=\"e\\]f\" all=\"\\\"\\\\\\]\"] m");
        assertThat(e.structuredData().get("x@1")).isEqualTo(Map.of(
                "q", List.of("a\"b"), "bs", List.of("c\\d"), "br", List.of("e]f"), "all", List.of("\"\\]")));
    }

    @Test
    void sdParamValueKeepsBackslashBeforeAnyOtherCharacter() {
        // RFC 5424 section 6.3.3: an invalid escape is kept as it is.
        Event e = ok("<13>1 - - - - - [x@1 a=\"\\n\" b=\"C:\\temp\" c=\"\\\u00e9\" d=\"x\\\\\\y\"]");
        assertThat(e.structuredData().get("x@1")).isEqualTo(Map.of(
                "a", List.of("\\n"), "b", List.of("C:\\temp"), "c", List.of("\\\u00e9"), "d", List.of("x\\\\y")));
    }

    @Test
    void sdParamValueWithUnescapedClosingBracketFails() {
        ParseError e = err("<13>1 - - - - - [x@1 a=\"1]2\"] m");
        assertThat(e.kind()).isEqualTo(Kind.SYNTAX);
        assertThat(e.offset()).isEqualTo(25);
        assertThat(e.message()).contains("']' to be escaped");
    }

    @Test
    void sdParamValueMayHoldUtf8AndControlCharactersButNotMalformedUtf8() {
        Event e = ok("<13>1 - - - - - [x@1 a=\"\u00fc\u20ac\t\uD83D\uDE00\"]");
        assertThat(e.structuredData().get("x@1").get("a")).containsExactly("\u00fc\u20ac\t\uD83D\uDE00");

        ParseError bad = err(concat(ascii("<13>1 - - - - - [x@1 a=\"ok"), new byte[] {(byte) 0xFC}, ascii("\"]")));
        assertThat(bad.kind()).isEqualTo(Kind.ENCODING);
        assertThat(bad.offset()).isEqualTo(26);
    }

    @Test
    void repeatedSdIdFails() {
        ParseError e = err("<13>1 - - - - - [a@1 x=\"1\"][b@1][a@1 y=\"2\"] m");
        assertThat(e.kind()).isEqualTo(Kind.SYNTAX);
        assertThat(e.offset()).isEqualTo(36); // just after the repeated SD-ID
        assertThat(e.message()).contains("'a@1' again");
    }

    @Test
    void repeatedParamNameKeepsAllValuesInOrder() {
        Event e = ok("<13>1 - - - - - [origin ip=\"192.0.2.1\" software=\"x\" ip=\"192.0.2.129\" ip=\"192.0.2.1\"]");
        assertThat(e.structuredData().get("origin").get("ip")).containsExactly("192.0.2.1", "192.0.2.129", "192.0.2.1");
        assertThat(List.copyOf(e.structuredData().get("origin").keySet())).containsExactly("ip", "software");
    }

    @Test
    void sdElementWithoutParamsIsKeptInOrder() {
        Event e = ok("<13>1 - - - - - [b@1][a@1 k=\"v\"][c@1] m");
        assertThat(List.copyOf(e.structuredData().keySet())).containsExactly("b@1", "a@1", "c@1");
        assertThat(e.structuredData().get("b@1")).isEmpty();
        assertThat(e.structuredData().get("c@1")).isEmpty();
        assertThat(e.message()).isEqualTo("m");
    }

    @Test
    void emptyParamValueIsAnEmptyString() {
        assertThat(ok("<13>1 - - - - - [a@1 k=\"\"]").structuredData().get("a@1").get("k")).containsExactly("");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "<13>1 - - - - - [a@1 ]|21|SYNTAX",            // space with no param after it
            "<13>1 - - - - - [a@1 k]|22|SYNTAX",           // no '='
            "<13>1 - - - - - [a@1 k=v]|23|SYNTAX",         // value not quoted
            "<13>1 - - - - - [a@1 k=\"v\"|26|SYNTAX",      // element not closed
            "<13>1 - - - - - [a@1 k=\"v|25|SYNTAX",        // value not closed
            "<13>1 - - - - - [a@1 k=\"v\"x]|26|SYNTAX",    // junk after value
            "<13>1 - - - - - [a@1 k=\"v\"]x|27|SYNTAX",    // junk after element
            "<13>1 - - - - - [a@1=\"v\"]|20|SYNTAX",       // '=' in SD-ID
            "<13>1 - - - - - -x|17|SYNTAX",                // junk after NILVALUE
            "<13>1 - - - - - [a@1] [b@1]|21|SUCCESS",      // second element is message text
    })
    void malformedStructuredDataFailsAtTheOffendingByte(String msg, int offset, String kind) {
        ParseResult r = parser.parse(msg, NO_PEER);
        if (kind.equals("SUCCESS")) {
            assertThat(r.isSuccess()).isTrue();
            assertThat(r.event().message()).isEqualTo("[b@1]");
            return;
        }
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.error().offset()).as("%s", r.error()).isEqualTo(offset);
        assertThat(r.error().kind()).isEqualTo(Kind.valueOf(kind));
    }

    @Test
    void sdNamesOfExactly32AreAcceptedAnd33AreTooLong() {
        String n32 = "a".repeat(32);
        Event e = ok("<13>1 - - - - - [" + n32 + " " + n32 + "=\"v\"]");
        assertThat(e.structuredData().get(n32).get(n32)).containsExactly("v");

        ParseError id = err("<13>1 - - - - - [" + n32 + "b k=\"v\"]");
        assertThat(id.kind()).isEqualTo(Kind.TOO_LONG);
        assertThat(id.offset()).isEqualTo(17 + 32);
        ParseError name = err("<13>1 - - - - - [a " + n32 + "b=\"v\"]");
        assertThat(name.kind()).isEqualTo(Kind.TOO_LONG);
        assertThat(name.offset()).isEqualTo(19 + 32);
    }

    // ---- header ----

    @Test
    void nilValuesBecomeNullAndMissingMessageIsEmpty() {
        Event e = ok("<13>1 - - - - - -");
        assertThat(e.timereported()).isNull();
        assertThat(e.host()).isNull();
        assertThat(e.appName()).isNull();
        assertThat(e.procId()).isNull();
        assertThat(e.msgId()).isNull();
        assertThat(e.structuredData()).isEmpty();
        assertThat(e.message()).isEmpty();
        assertThat(e.time()).isEqualTo(RECEIVED.atOffset(ZoneOffset.UTC));
        assertThat(e.fields()).isEmpty();
    }

    @Test
    void fieldsThatOnlyStartWithDashAreValues() {
        Event e = ok("<13>1 - -h -a -p -m - x");
        assertThat(List.of(e.host(), e.appName(), e.procId(), e.msgId())).containsExactly("-h", "-a", "-p", "-m");
    }

    @Test
    void missingHostFallsBackToPeerHost() {
        Origin origin = new Origin("192.0.2.7", RECEIVED);
        assertThat(parser.parse("<13>1 - - app - - - hi", origin).event().host()).isEqualTo("192.0.2.7");
        assertThat(parser.parse("<13>1 - web-1 app - - - hi", origin).event().host()).isEqualTo("web-1");
        assertThat(lenient.parse("<13>1 2024-13-01T00:00:00Z web-1 app - - - hi", origin).event().host())
                .isEqualTo("192.0.2.7");
    }

    @Test
    void timegeneratedIsTheReceiveTime() {
        Instant at = Instant.parse("2021-03-04T05:06:07.123456789Z");
        assertThat(parser.parse("<13>1 - - - - - -", new Origin(null, at)).event().timegenerated()).isEqualTo(at);
    }

    @ParameterizedTest
    @CsvSource({"0,kern,emerg", "13,user,notice", "34,auth,crit", "165,local4,notice", "191,local7,debug"})
    void priorityGivesFacilityAndSeverity(int pri, String facility, String severity) {
        Event e = ok("<" + pri + ">1 - - - - - -");
        assertThat(e.priority()).isEqualTo(pri);
        assertThat(e.facility().keyword()).isEqualTo(facility);
        assertThat(e.severity().keyword()).isEqualTo(severity);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "<192>1 - - - - - -|3|INVALID_VALUE",
            "<999>1 - - - - - -|3|INVALID_VALUE",
            "<1910>1 - - - - - -|4|INVALID_VALUE",
            "<00>1 - - - - - -|2|SYNTAX",
            "<01>1 - - - - - -|2|SYNTAX",
            "<-1>1 - - - - - -|1|SYNTAX",
            "<>1 - - - - - -|1|SYNTAX",
            "<13 1 - - - - -|3|SYNTAX",
            "13>1 - - - - - -|0|SYNTAX",
            "' <13>1 - - - - - -'|0|SYNTAX",
            "<13>0 - - - - - -|4|INVALID_VALUE",
            "<13>1000 - - - - - -|7|INVALID_VALUE",
            "<13>01 - - - - - -|4|INVALID_VALUE",
            "<13>  - - - - -|4|SYNTAX",
            "<13>1  - - - - -|6|SYNTAX",
    })
    void badPriorityOrVersionFailsAtTheOffendingByte(String msg, int offset, Kind kind) {
        ParseError e = err(msg);
        assertThat(e.offset()).as("%s", e).isEqualTo(offset);
        assertThat(e.kind()).isEqualTo(kind);
    }

    @Test
    void versionOtherThanOneIsKeptInAField() {
        assertThat(ok("<13>1 - - - - - -").field(Rfc5424Parser.FIELD_VERSION)).isNull();
        assertThat(ok("<13>2 - - - - - -").field(Rfc5424Parser.FIELD_VERSION)).isEqualTo(2L);
        assertThat(ok("<13>999 - - - - - -").field(Rfc5424Parser.FIELD_VERSION)).isEqualTo(999L);
    }

    @Test
    void headerFieldsOfExactlyTheMaximumLengthAreAcceptedAndOneMoreIsTooLong() {
        String host = "h".repeat(255);
        String app = "a".repeat(48);
        String proc = "p".repeat(128);
        String msgId = "m".repeat(32);
        Event e = ok("<13>1 - " + host + " " + app + " " + proc + " " + msgId + " -");
        assertThat(List.of(e.host(), e.appName(), e.procId(), e.msgId())).containsExactly(host, app, proc, msgId);

        assertTooLongAt("<13>1 - " + host + "X - - - -", 8 + 255);
        assertTooLongAt("<13>1 - - " + app + "X - - -", 10 + 48);
        assertTooLongAt("<13>1 - - - " + proc + "X - -", 12 + 128);
        assertTooLongAt("<13>1 - - - - " + msgId + "X -", 14 + 32);
    }

    private void assertTooLongAt(String msg, int offset) {
        ParseError e = err(msg);
        assertThat(e.kind()).isEqualTo(Kind.TOO_LONG);
        assertThat(e.offset()).isEqualTo(offset);
    }

    @Test
    void headerFieldsMustBePrintableUsAscii() {
        ParseError e = err("<13>1 - h\u00f6st - - - -");
        assertThat(e.offset()).isEqualTo(9);
        assertThat(e.message()).isEqualTo(
                "expecting a space after the hostname (printable US-ASCII characters only), found byte 0xC3");
        ParseError tab = err("<13>1 - host\tx - - - -");
        assertThat(tab.offset()).isEqualTo(12);
    }

    @Test
    void errorMessagesSayWhatWasExpectedAndWhatWasFound() {
        assertThat(err("<13>1 - host  - - -").message()).isEqualTo(
                "expecting an app-name (1 to 48 printable US-ASCII characters) or '-', found a space");
        assertThat(err("<13>1 - host app").message()).isEqualTo(
                "expecting a space after the app-name (printable US-ASCII characters only), found end of message");
        assertThat(err("<13>1 2024-02-30T00:00:00Z - - - - -").message()).isEqualTo(
                "expecting a day of month of 01 to 29 in 2024-02, found 30");
        assertThat(err("<13>1 - - - - - X").message()).isEqualTo(
                "expecting structured data ('[' to start an SD element) or '-', found 'X'");
        assertThat(err("x").toString()).isEqualTo("rfc5424 syntax error at byte 0: expecting '<' to start the PRI, found 'x'");
    }

    // ---- timestamp ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2003-10-11T22:14:15.003Z|2003-10-11T22:14:15.003Z",
            "2003-10-11T22:14:15Z|2003-10-11T22:14:15Z",
            "2003-10-11T22:14:15.5Z|2003-10-11T22:14:15.500Z",
            "2003-10-11T22:14:15.000003-07:00|2003-10-11T22:14:15.000003-07:00",
            "2003-10-11T22:14:15.123456+05:45|2003-10-11T22:14:15.123456+05:45",
            "2020-02-29T00:00:00Z|2020-02-29T00:00:00Z",
            "2000-02-29T23:59:59-00:00|2000-02-29T23:59:59Z",
            "0000-01-01T00:00:00Z|0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999+18:00|9999-12-31T23:59:59.999999+18:00",
            "2003-10-11T22:14:15-18:00|2003-10-11T22:14:15-18:00",
            // Beyond ZoneOffset's +-18:00: the same instant, at UTC.
            "2003-10-11T22:14:15+18:01|2003-10-11T04:13:15Z",
            "2003-10-11T22:14:15-23:59|2003-10-12T22:13:15Z",
    })
    void timestampIsParsedToAnOffsetDateTime(String ts, String expected) {
        OffsetDateTime t = ok("<13>1 " + ts + " - - - - -").timereported();
        assertThat(t).isEqualTo(OffsetDateTime.parse(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2003-10-11T22:14:60Z|23|INVALID_VALUE",       // leap second: RFC 5424 6.2.3 forbids it
            "2003-10-11T24:00:00Z|18|INVALID_VALUE",
            "2003-10-11T22:60:00Z|20|INVALID_VALUE",
            "2003-13-11T22:14:15Z|12|INVALID_VALUE",
            "2003-00-11T22:14:15Z|12|INVALID_VALUE",
            "2003-10-00T22:14:15Z|15|INVALID_VALUE",
            "2003-04-31T22:14:15Z|15|INVALID_VALUE",
            "2100-02-29T22:14:15Z|15|INVALID_VALUE",       // not a leap year
            "2003-10-11t22:14:15Z|16|SYNTAX",
            "2003-10-11 22:14:15Z|16|SYNTAX",
            "2003-10-11T22:14:15z|25|SYNTAX",
            "2003-10-11T22:14:15|25|SYNTAX",               // no offset
            "2003-10-11T22:14:15 |25|SYNTAX",
            "2003-10-11T22:14:15.1234567Z|32|SYNTAX",      // 7 fraction digits
            "2003-10-11T22:14:15.Z|26|SYNTAX",
            "2003-10-11T22:14:15,003Z|25|SYNTAX",
            "2003-10-11T22:14:15+0100|28|SYNTAX",
            "2003-10-11T22:14:15+01|28|SYNTAX",
            "2003-10-11T22:14:15+24:00|27|INVALID_VALUE",
            "2003-10-11T2:14:15Z|18|SYNTAX",
            "03-10-11T22:14:15Z|8|SYNTAX",
    })
    void invalidTimestampFailsAtTheOffendingByte(String ts, int offset, Kind kind) {
        ParseError e = err("<13>1 " + ts + " - - - - -");
        assertThat(e.offset()).as("%s", e).isEqualTo(offset);
        assertThat(e.kind()).isEqualTo(kind);
    }

    // ---- message ----

    @Test
    void bomIsStrippedFromTheMessage() {
        Event e = ok(concat(ascii("<13>1 - - - - - - "), BOM, "h\u00e9llo".getBytes(StandardCharsets.UTF_8)));
        assertThat(e.message()).isEqualTo("h\u00e9llo");
        assertThat(ok(concat(ascii("<13>1 - - - - - - "), BOM)).message()).isEmpty();
        // Only a BOM right after the separating space counts; elsewhere it is text (U+FEFF).
        assertThat(ok(concat(ascii("<13>1 - - - - - - x"), BOM)).message()).isEqualTo("x\uFEFF");
        assertThat(ok(concat(ascii("<13>1 - - - - - -  "), BOM)).message()).isEqualTo(" \uFEFF");
    }

    @Test
    void malformedUtf8AfterBomIsAnEncodingError() {
        byte[] msg = concat(ascii("<13>1 - - - - - - "), BOM, ascii("ok "), new byte[] {(byte) 0xC3, 0x28});
        ParseError e = err(msg);
        assertThat(e.kind()).isEqualTo(Kind.ENCODING);
        assertThat(e.offset()).isEqualTo(24);
        assertThat(e.message()).contains("0xC3");
        assertThat(e.raw()).isEqualTo(msg);
    }

    @ParameterizedTest
    @ValueSource(strings = {"C0AF", "E080AF", "EDA080", "F4908080", "F8888080", "80", "E282", "F09F98"})
    void overlongSurrogateAndTruncatedSequencesAfterBomAreEncodingErrors(String hex) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        ParseError e = err(concat(ascii("<13>1 - - - - - - "), BOM, bad, ascii("z")));
        assertThat(e.kind()).isEqualTo(Kind.ENCODING);
        assertThat(e.offset()).isEqualTo(21);
    }

    @Test
    void messageWithoutBomReplacesMalformedUtf8() {
        Event e = ok(concat(ascii("<13>1 - - - - - - fond"), new byte[] {(byte) 0xFC}, ascii(" ok")));
        assertThat(e.message()).isEqualTo("fond\uFFFD ok");
    }

    @Test
    void messageIsNotTrimmed() {
        assertThat(ok("<13>1 - - - - - -   two leading, two trailing  ").message())
                .isEqualTo("  two leading, two trailing  ");
        assertThat(ok("<13>1 - - - - - - a\nb\r\nc\u0000d").message()).isEqualTo("a\nb\r\nc\u0000d");
        assertThat(ok("<13>1 - - - - - - ").message()).isEmpty();
    }

    @Test
    void trailingLineFeedsAndNulsAreDropped() {
        assertThat(ok("<13>1 - - - - - - hello\n").message()).isEqualTo("hello");
        assertThat(ok("<13>1 - - - - - - hello\r\n").message()).isEqualTo("hello");
        assertThat(ok("<13>1 - - - - - - hello\u0000").message()).isEqualTo("hello");
        assertThat(ok("<13>1 - - - - - - hello\n\u0000").message()).isEqualTo("hello");
        assertThat(ok("<13>1 - - - - - - hello\r").message()).isEqualTo("hello\r");
        assertThat(ok("<13>1 - - - - - -\n").message()).isEmpty();
        assertThat(ok("<13>1 - - - - - [a@1]\n").structuredData()).containsKey("a@1");
        // Not at the end: an error, where the space should be.
        assertThat(err("<13>1 - - - - - -\nx").offset()).isEqualTo(17);
    }

    // ---- size, emptiness, slices ----

    @Test
    void messageLongerThanMaxMessageBytesIsTooLong() {
        Rfc5424Parser small = new Rfc5424Parser(ParserOptions.defaults().withMaxMessageBytes(40));
        String exactly40 = "<13>1 - - - - - - " + "x".repeat(22);
        assertThat(exactly40).hasSize(40);
        assertThat(small.parse(exactly40, NO_PEER).isSuccess()).isTrue();
        assertThat(small.parse(exactly40 + "\n", NO_PEER).isSuccess()).isTrue();

        ParseResult r = small.parse(exactly40 + "y", NO_PEER);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.error().kind()).isEqualTo(Kind.TOO_LONG);
        assertThat(r.error().offset()).isEqualTo(40);
        assertThat(r.error().message()).isEqualTo("expecting a message of at most 40 bytes, found 41 bytes");
    }

    @Test
    void defaultLimitIs64KiB() {
        String header = "<13>1 - - - - - - ";
        String fits = header + "x".repeat(ParserOptions.DEFAULT_MAX_MESSAGE_BYTES - header.length());
        assertThat(parser.parse(fits, NO_PEER).isSuccess()).isTrue();
        assertThat(err(fits + "x").kind()).isEqualTo(Kind.TOO_LONG);
    }

    @Test
    void emptyOrBlankInputIsEmpty() {
        ParseError zero = err(new byte[0]);
        assertThat(zero.kind()).isEqualTo(Kind.EMPTY);
        assertThat(zero.offset()).isZero();
        assertThat(err(" \t \r\n").kind()).isEqualTo(Kind.EMPTY);
        assertThat(err(new byte[] {0, 0}).kind()).isEqualTo(Kind.EMPTY);
    }

    @Test
    void parsesASliceOfALargerBufferWithOffsetsRelativeToTheSlice() {
        byte[] buf = ascii("GARBAGE<13>1 - host app - - - hello<13>1 - host a\u00ffp - - - x TRAILING");
        ParseResult good = parser.parse(buf, 7, 28, NO_PEER);
        assertThat(good.isSuccess()).as("%s", good.error()).isTrue();
        assertThat(good.event().message()).isEqualTo("hello");

        int start = 35;
        ParseResult bad = parser.parse(buf, start, 24, NO_PEER);
        assertThat(bad.isSuccess()).isFalse();
        assertThat(bad.error().offset()).isEqualTo(14);
        assertThat(bad.error().raw()).isEqualTo(java.util.Arrays.copyOfRange(buf, start, start + 24));
    }

    @Test
    void parserDoesNotKeepTheCallersBuffer() {
        byte[] buf = ascii("<13>1 - host app - - [a@1 k=\"v\"] hello");
        Event e = ok(buf);
        java.util.Arrays.fill(buf, (byte) 'Z');
        assertThat(e.host()).isEqualTo("host");
        assertThat(e.message()).isEqualTo("hello");
        assertThat(e.structuredData().get("a@1").get("k")).containsExactly("v");
    }

    // ---- lenient ----

    @Test
    void lenientModeKeepsTheHeaderParsedBeforeTheError() {
        String raw = "<165>1 2003-10-11T22:14:15.003Z web-1 app 42 ID7 [a@1 k=\"1]\"] msg";
        ParseResult r = lenient.parse(raw, new Origin("peer", RECEIVED));
        assertThat(r.isSuccess()).isTrue();
        assertThat(r.error()).isNull();
        Event e = r.event();
        assertThat(e.priority()).isEqualTo(165);
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2003-10-11T22:14:15.003Z"));
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.appName()).isEqualTo("app");
        assertThat(e.procId()).isEqualTo("42");
        assertThat(e.msgId()).isEqualTo("ID7");
        assertThat(e.structuredData()).isEmpty();
        assertThat(e.message()).isEqualTo(raw);
        assertThat(e.tags()).containsExactly(ParseError.TAG);
        assertThat(e.field(ParseError.FIELD_RAW)).isEqualTo(raw);
        assertThat((String) e.field(ParseError.FIELD_ERROR)).startsWith("rfc5424 syntax error at byte 58: ");
        assertThat(e.timegenerated()).isEqualTo(RECEIVED);
    }

    @Test
    void lenientModeWithAnErrorInTheMessageKeepsStructuredData() {
        byte[] raw = concat(ascii("<13>1 - h a - - [a@1 k=\"v\"] "), BOM, new byte[] {(byte) 0xFF});
        Event e = lenient.parse(raw, NO_PEER).event();
        assertThat(e.structuredData()).isEqualTo(Map.of("a@1", Map.of("k", List.of("v"))));
        assertThat(e.tags()).containsExactly(ParseError.TAG);
        assertThat((String) e.field(ParseError.FIELD_ERROR)).startsWith("rfc5424 encoding error at byte 31: ");
    }

    @Test
    void lenientModeNeverFailsEvenForNothingOrTooMuch() {
        assertThat(lenient.parse(new byte[0], NO_PEER).isSuccess()).isTrue();
        assertThat(lenient.parse("not syslog at all", new Origin("peer", RECEIVED)).event().host()).isEqualTo("peer");
        Rfc5424Parser small = new Rfc5424Parser(ParserOptions.defaults().withLenient(true).withMaxMessageBytes(10));
        Event e = small.parse("<13>1 - - - - - - 0123456789", NO_PEER).event();
        assertThat(e.tags()).containsExactly(ParseError.TAG);
        assertThat((String) e.field(ParseError.FIELD_ERROR)).startsWith("rfc5424 too_long error");
    }

    @Test
    void lenientModeOfAValidMessageIsTheStrictResult() {
        String raw = "<13>1 2003-10-11T22:14:15.003Z h a p m [a@1 k=\"v\"] msg";
        assertThat(lenient.parse(raw, NO_PEER).event()).isEqualTo(parser.parse(raw, NO_PEER).event());
    }
}
