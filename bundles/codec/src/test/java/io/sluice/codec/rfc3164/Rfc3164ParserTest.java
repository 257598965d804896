package io.sluice.codec.rfc3164;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import io.sluice.api.Event;
import io.sluice.api.Facility;
import io.sluice.api.Severity;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3164ParserTest {
    static final Instant NOW = Instant.parse("2019-02-08T08:37:49Z");
    static final Origin ORIGIN = new Origin("192.0.2.9", Instant.parse("2019-02-08T08:37:50Z"));

    static ParserOptions options(String now, ZoneId zone) {
        return new ParserOptions(false, zone, Clock.fixed(Instant.parse(now), zone), 1024);
    }

    static final ParserOptions STRICT = options("2019-02-08T08:37:49Z", ZoneOffset.UTC);
    static final ParserOptions LENIENT = STRICT.withLenient(true);

    static Event parse(String msg) {
        return new Rfc3164Parser(STRICT).parse(msg, ORIGIN).orElseThrow();
    }

    @Test
    void formatNameIsRfc3164() {
        assertThat(new Rfc3164Parser(STRICT).format()).isEqualTo("rfc3164");
    }

    @Test
    void fullHeaderGivesAllFields() {
        Event e = parse("<38>Feb  7 10:00:01 web-1 sshd[812]: Accepted publickey for root");
        assertThat(e.facility()).isEqualTo(Facility.AUTH);
        assertThat(e.severity()).isEqualTo(Severity.INFO);
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2019-02-07T10:00:01Z"));
        assertThat(e.timegenerated()).isEqualTo(ORIGIN.receivedAt());
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.appName()).isEqualTo("sshd");
        assertThat(e.procId()).isEqualTo("812");
        assertThat(e.msgId()).isNull();
        assertThat(e.message()).isEqualTo("Accepted publickey for root");
        assertThat(e.fields()).isEmpty();
        assertThat(e.tags()).isEmpty();
    }

    @Test
    void missingPriIsUserNotice() {
        Event e = parse("Feb  7 10:00:01 web-1 cron: job done");
        assertThat(e.priority()).isEqualTo(13);
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.appName()).isEqualTo("cron");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<192>Feb  7 10:00:01 h a: m", "<999>x"})
    void priOver191IsAnInvalidValueInStrictMode(String msg) {
        ParseResult r = new Rfc3164Parser(STRICT).parse(msg, ORIGIN);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.error().kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(r.error().offset()).isEqualTo(1);
        assertThat(r.error().rawText()).isEqualTo(msg);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<>x", "<abc>x", "<1234>x", "<12", "<", "<13 Feb  7 10:00:01 h a: m"})
    void malformedPriIsASyntaxErrorInStrictMode(String msg) {
        ParseResult r = new Rfc3164Parser(STRICT).parse(msg, ORIGIN);
        assertThat(r.error().kind()).isEqualTo(ParseError.Kind.SYNTAX);
        assertThat(r.error().format()).isEqualTo("rfc3164");
    }

    @Test
    void badPriInLenientModeKeepsTheWholeTextAsMessageLikeRsyslog() {
        String msg = "<999>Feb  7 10:00:01 web-1 sshd[1]: hi";
        Event e = new Rfc3164Parser(LENIENT).parse(msg, ORIGIN).orElseThrow();
        assertThat(e.message()).isEqualTo(msg);
        assertThat(e.priority()).isEqualTo(13);
        assertThat(e.host()).isEqualTo("192.0.2.9");
        assertThat(e.timereported()).isNull();
        assertThat(e.tags()).containsExactly(ParseError.TAG);
        assertThat(e.field(ParseError.FIELD_RAW)).isEqualTo(msg);
        assertThat((String) e.field(ParseError.FIELD_ERROR)).contains("invalid_value", "PRI 999");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", " \t ", "\n", "\r\n", "\0"})
    void emptyOrBlankIsEmpty(String msg) {
        ParseResult r = new Rfc3164Parser(STRICT).parse(msg, ORIGIN);
        assertThat(r.error().kind()).isEqualTo(ParseError.Kind.EMPTY);
        Event e = new Rfc3164Parser(LENIENT).parse(msg, ORIGIN).orElseThrow();
        assertThat(e.tags()).containsExactly(ParseError.TAG);
        assertThat(e.host()).isEqualTo("192.0.2.9");
    }

    @Test
    void tooLongFailsInStrictModeAndIsTruncatedInLenientMode() {
        String msg = "<13>Feb  7 10:00:01 web-1 app: " + "x".repeat(2000);
        ParseResult r = new Rfc3164Parser(STRICT).parse(msg, ORIGIN);
        assertThat(r.error().kind()).isEqualTo(ParseError.Kind.TOO_LONG);
        assertThat(r.error().raw()).hasSize(msg.length());

        Event e = new Rfc3164Parser(LENIENT).parse(msg, ORIGIN).orElseThrow();
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.appName()).isEqualTo("app");
        assertThat(e.message()).hasSize(1024 - "<13>Feb  7 10:00:01 web-1 app: ".length());
        assertThat(e.tags()).containsExactly(ParseError.TAG);
        assertThat((String) e.field(ParseError.FIELD_RAW)).hasSize(1024);
        assertThat((String) e.field(ParseError.FIELD_ERROR)).contains("too_long");
    }

    @Test
    void exactlyMaxBytesIsAccepted() {
        String head = "<13>Feb  7 10:00:01 web-1 app: ";
        String msg = head + "x".repeat(1024 - head.length());
        assertThat(new Rfc3164Parser(STRICT).parse(msg, ORIGIN).isSuccess()).isTrue();
    }

    @ParameterizedTest(name = "{0} received {1} -> {2}")
    @CsvSource({
        "Dec 31 23:59:59, 2019-01-02T00:00:00Z, 2018-12-31T23:59:59Z",
        "Jan  1 00:00:01, 2018-12-31T23:00:00Z, 2019-01-01T00:00:01Z",
        "Jul  1 12:00:00, 2019-02-08T00:00:00Z, 2019-07-01T12:00:00Z",
        "Sep  1 12:00:00, 2019-02-08T00:00:00Z, 2018-09-01T12:00:00Z",
        "Feb 29 12:00:00, 2020-03-01T00:00:00Z, 2020-02-29T12:00:00Z",
    })
    void yearlessTimestampTakesTheYearNearestToNow(String stamp, String now, String expected) {
        Event e = new Rfc3164Parser(options(now, ZoneOffset.UTC)).parse("<13>" + stamp + " h app: m", ORIGIN)
                .orElseThrow();
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse(expected));
    }

    @Test
    void yearlessDecemberMessageReceivedInJanuaryUsesTheZoneForNow() {
        // now is 2019-01-01T00:30 in Berlin but still 2018 in UTC: the zone's local time decides
        Event e = new Rfc3164Parser(options("2018-12-31T23:30:00Z", ZoneId.of("Europe/Berlin")))
                .parse("<13>Dec 31 23:59:00 h app: m", ORIGIN).orElseThrow();
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2018-12-31T23:59:00+01:00"));
    }

    @Test
    void zonelessTimestampIsInTheOptionsZoneWithItsSummerTime() {
        Event e = new Rfc3164Parser(options("2019-02-08T08:37:49Z", ZoneId.of("Europe/Berlin")))
                .parse("<13>Jul  1 12:00:00 h app: m", ORIGIN).orElseThrow();
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2019-07-01T12:00:00+02:00"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "<13>Feb  7 10:00:01 h app: m|2019-02-07T10:00:01Z",
        "<13>Feb 7 10:00:01 h app: m|2019-02-07T10:00:01Z",
        "<13>Feb 07 10:00:01 h app: m|2019-02-07T10:00:01Z",
        "<13>FEB  7 10:00:01 h app: m|2019-02-07T10:00:01Z",
        "<13>feb  7 10:00:01 h app: m|2019-02-07T10:00:01Z",
        "<13>Feb  7 10:00:01: h app: m|2019-02-07T10:00:01Z",
        "<13> Feb  7 10:00:01 h app: m|2019-02-07T10:00:01Z",
        "<13>Feb  7 2017 10:00:01 h app: m|2017-02-07T10:00:01Z",
        "<13>2017 Feb  7 10:00:01 h app: m|2017-02-07T10:00:01Z",
        "<13>Feb  7 10:00:01.123 h app: m|2019-02-07T10:00:01.123Z",
        "<13>Feb  7 10:00:01.123456789123 h app: m|2019-02-07T10:00:01.123456789Z",
        "<13>Feb  7 10:00:01 UTC: h app: m|2019-02-07T10:00:01Z",
        "<13>Feb  7 10:00:01.5 EST: h app: m|2019-02-07T10:00:01.5-05:00",
        "<13>*Feb  7 10:00:01.411: h app: m|2019-02-07T10:00:01.411Z",
        "<13>2019-02-08T10:00:00.123+01:00 h app: m|2019-02-08T10:00:00.123+01:00",
        "<13>2019-02-08T10:00:00Z h app: m|2019-02-08T10:00:00Z",
        "<13>2019-02-08t10:00:00-0330 h app: m|2019-02-08T10:00:00-03:30",
        "<13>2019-02-08 10:00:00 h app: m|2019-02-08T10:00:00Z",
    })
    void timestampVariantsAreRecognised(String msg, String expected) {
        Event e = parse(msg);
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse(expected));
        assertThat(e.host()).isEqualTo("h");
        assertThat(e.appName()).isEqualTo("app");
        assertThat(e.message()).isEqualTo("m");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<13>Feb 30 10:00:00 h app: m|Feb|30 10:00:00 h app: m",
        "<13>Feb 29 2019 10:00:00 h app: m|Feb|29 2019 10:00:00 h app: m",
        "<13>Feb 32 10:00:00 h app: m|Feb|32 10:00:00 h app: m",
        "<13>Feb  7 24:00:00 h app: m|Feb|' 7 24:00:00 h app: m'",
        "<13>Feb  7 10:00:00x h app: m|Feb|' 7 10:00:00x h app: m'",
        "<13>2019-02-30T10:00:00Z h app: m|2019-02-30T10|00:00Z h app: m",
    })
    void impossibleDateIsNoTimestampAndStaysInTheMessage(String msg, String app, String message) {
        Event e = parse(msg);
        assertThat(e.timereported()).isNull();
        assertThat(e.host()).isEqualTo("192.0.2.9");
        assertThat(e.appName()).isEqualTo(app);
        assertThat(e.message()).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "<13>Feb  7 10:00:01 sshd[42]: hello|sshd|42",
        "<13>Feb  7 10:00:01 kernel: hello|kernel|",
        "<13>Feb  7 10:00:01 /usr/sbin/cron[7]: hello|/usr/sbin/cron|7",
    })
    void tokenThatLooksLikeATagMeansNoHostname(String msg, String app, String pid) {
        Event e = parse(msg);
        assertThat(e.host()).isEqualTo("192.0.2.9");
        assertThat(e.appName()).isEqualTo(app);
        assertThat(e.procId()).isEqualTo(pid);
        assertThat(e.message()).isEqualTo("hello");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "<13>Feb  7 10:00:01 web-1.example.com app: m|web-1.example.com",
        "<13>Feb  7 10:00:01 192.0.2.1 app: m|192.0.2.1",
        "<13>Feb  7 10:00:01 fe80::1 app: m|fe80::1",
        "<13>Feb  7 10:00:01 user@box app: m|user@box",
        "<13>Feb  7 10:00:01 rack1/sw2 app: m|rack1/sw2",
        "<13>Feb  7 10:00:01 under_score app: m|under_score",
    })
    void hostnameCharacters(String msg, String host) {
        Event e = parse(msg);
        assertThat(e.host()).isEqualTo(host);
        assertThat(e.appName()).isEqualTo("app");
    }

    @Test
    void missingHostnameWithUnknownPeerIsNull() {
        Event e = new Rfc3164Parser(STRICT).parse("<13>app: m", new Origin(null, NOW)).orElseThrow();
        assertThat(e.host()).isNull();
    }

    @Test
    void withoutTimestampTheFirstWordIsTheTagNotAHostname() {
        Event e = parse("<27>xapi: [error|xen3] Connection to master died");
        assertThat(e.timereported()).isNull();
        assertThat(e.host()).isEqualTo("192.0.2.9");
        assertThat(e.appName()).isEqualTo("xapi");
        assertThat(e.message()).isEqualTo("[error|xen3] Connection to master died");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
        "<13>Feb  7 10:00:01 h app: m|m",
        "<13>Feb  7 10:00:01 h app:  m|' m'",
        "<13>Feb  7 10:00:01 h app:m|m",
        "<13>Feb  7 10:00:01 h app m|m",
        "<13>Feb  7 10:00:01 h app:|''",
        "<13>Feb  7 10:00:01 h app: |''",
        "<13>Feb  7 10:00:01 h  two spaces|two spaces",
    })
    void onlyTheOneSpaceAfterTheTagIsDropped(String msg, String message) {
        assertThat(parse(msg).message()).isEqualTo(message);
    }

    @Test
    void tagIsCutAt510BytesLikeRsyslog() {
        String tag = "t".repeat(600);
        Event e = parse("<13>Feb  7 10:00:01 h " + tag + ": m");
        assertThat(e.appName()).hasSize(510);
        assertThat(e.message()).isEqualTo("t".repeat(90) + ": m");
    }

    @Test
    void tagWithoutPidCloseBracketHasNoProcId() {
        Event e = parse("<13>Feb  7 10:00:01 h app[12: m");
        assertThat(e.appName()).isEqualTo("app");
        assertThat(e.procId()).isNull();
    }

    @Test
    void headerlessJsonIsAllMessage() {
        Event e = parse("<13>  {\"a\":1}");
        assertThat(e.message()).isEqualTo("  {\"a\":1}");
        assertThat(e.appName()).isNull();
        assertThat(e.timereported()).isNull();
    }

    @Test
    void trustedPropertiesBecomeAFieldAndLeaveTheMessage() {
        Event e = parse("<38>Feb  7 10:00:01 web-1 sshd[1234]: session opened"
                + " @[_PID=1234 _UID=0 _GID=0 _COMM=sshd _EXE=/usr/sbin/sshd _CMDLINE=sshd: user [priv]]");
        assertThat(e.message()).isEqualTo("session opened");
        assertThat(e.field("trusted")).isEqualTo(Map.of("pid", "1234", "uid", "0", "gid", "0", "comm", "sshd",
                "exe", "/usr/sbin/sshd", "cmdline", "sshd: user [priv]"));
    }

    @Test
    void partialTrustedPropertiesAreDecodedToo() {
        Event e = parse("<13>Feb  7 10:00:01 h app: m @[_PID=7 _COMM=my app]");
        assertThat(e.message()).isEqualTo("m");
        assertThat(e.field("trusted")).isEqualTo(Map.of("pid", "7", "comm", "my app"));
    }

    @Test
    void textThatOnlyResemblesTrustedPropertiesStays() {
        Event e = parse("<13>Feb  7 10:00:01 h app: mail me @[home]");
        assertThat(e.message()).isEqualTo("mail me @[home]");
        assertThat(e.fields()).isEmpty();
    }

    @Test
    void ciscoSequenceHostMarkerAndMnemonic() {
        Event e = parse("<189>29: foo: *Apr 29 13:58:40.411: %SYS-5-CONFIG_I: Configured from console by console");
        assertThat(e.host()).isEqualTo("foo");
        assertThat(e.appName()).isNull();
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2019-04-29T13:58:40.411Z"));
        assertThat(e.message()).isEqualTo("%SYS-5-CONFIG_I: Configured from console by console");
        assertThat(e.field("cisco")).isEqualTo(Map.of("facility", "SYS", "severity", 5L, "mnemonic", "CONFIG_I",
                "sequence", "29", "time_marker", "*"));
    }

    @Test
    void ciscoMnemonicAfterATagKeepsTheTag() {
        Event e = parse("<187>Dec 11 12:43:29 rtr snmpd[1002]: %SNMP-SNMP-3-AUTH_FAIL : Received snmp request");
        assertThat(e.appName()).isEqualTo("snmpd");
        assertThat(e.message()).isEqualTo("%SNMP-SNMP-3-AUTH_FAIL : Received snmp request");
        assertThat(e.field("cisco")).asInstanceOf(MAP).containsEntry("facility", "SNMP-SNMP")
                .containsEntry("severity", 3L).containsEntry("mnemonic", "AUTH_FAIL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<13>Feb  7 10:00:01 h %ASA: m", "<13>Feb  7 10:00:01 h %A-9-X: m",
        "<13>Feb  7 10:00:01 h %-5-X: m", "<13>Feb  7 10:00:01 h %A-5-: m", "<13>Feb  7 10:00:01 h %A-5-X m"})
    void percentWordsThatAreNoCiscoMnemonicAreTags(String msg) {
        Event e = parse(msg);
        assertThat(e.appName()).startsWith("%");
        assertThat(e.fields()).isEmpty();
    }

    @Test
    void malformedUtf8IsReplacedAndValidUtf8Kept() {
        byte[] head = "<13>Feb  7 10:00:01 h app: ".getBytes(StandardCharsets.US_ASCII);
        byte[] body = {'a', (byte) 0xC3, (byte) 0xA4, ' ', (byte) 0xE4, ' ', (byte) 0xF0, '(', 'z'};
        byte[] msg = new byte[head.length + body.length];
        System.arraycopy(head, 0, msg, 0, head.length);
        System.arraycopy(body, 0, msg, head.length, body.length);
        Event e = new Rfc3164Parser(STRICT).parse(msg, ORIGIN).orElseThrow();
        assertThat(e.message()).isEqualTo("aä \uFFFD \uFFFD(z");
    }

    @Test
    void trailingNulAndLineEndAreDropped() {
        assertThat(parse("<13>Feb  7 10:00:01 h app: m\r\n").message()).isEqualTo("m");
        assertThat(parse("<13>Feb  7 10:00:01 h app: m\0").message()).isEqualTo("m");
    }

    @Test
    void controlCharactersInsideTheMessageAreKeptForTheFormatterToEscape() {
        assertThat(parse("<13>Feb  7 10:00:01 h app: a\tb\u0001c").message()).isEqualTo("a\tb\u0001c");
    }

    @Test
    void parsesOnlyTheGivenSliceAndKeepsNoReferenceToTheBuffer() {
        byte[] buf = "XXXX<13>Feb  7 10:00:01 h app: sliceYYYY".getBytes(StandardCharsets.US_ASCII);
        Rfc3164Parser parser = new Rfc3164Parser(STRICT);
        Event e = parser.parse(buf, 4, buf.length - 8, ORIGIN).orElseThrow();
        java.util.Arrays.fill(buf, (byte) 'Z');
        assertThat(e.message()).isEqualTo("slice");
        assertThat(e.appName()).isEqualTo("app");
        assertThat(e.host()).isEqualTo("h");
    }

    @Test
    void aixForwardedPrefixNamesTheHost() {
        Event e = parse("<38>Sep 22 10:11:56 Message forwarded from cdaix66: sshd[679960]: Accepted");
        assertThat(e.host()).isEqualTo("cdaix66");
        assertThat(e.appName()).isEqualTo("sshd");
        assertThat(e.message()).isEqualTo("Accepted");
    }
}
