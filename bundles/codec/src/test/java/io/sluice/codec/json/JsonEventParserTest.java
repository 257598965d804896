package io.sluice.codec.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.Facility;
import io.sluice.api.Severity;
import io.sluice.api.Signature;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonEventParserTest {
    private static final Instant RECEIVED = Instant.parse("2024-03-04T05:06:07.123Z");
    private static final Origin ORIGIN = new Origin("10.0.0.9", RECEIVED);

    private final JsonEventParser parser = new JsonEventParser(ParserOptions.defaults().withZone(ZoneId.of("UTC")));

    private Event ok(String json) {
        ParseResult r = parser.parse(json, ORIGIN);
        assertThat(r.isSuccess()).as("%s", r).isTrue();
        return r.event();
    }

    private ParseError error(String json) {
        return error(parser, json.getBytes(StandardCharsets.UTF_8));
    }

    private static ParseError error(JsonEventParser p, byte[] json) {
        ParseResult r = p.parse(json, ORIGIN);
        assertThat(r.isSuccess()).as("%s", r).isFalse();
        assertThat(r.error().format()).isEqualTo("json");
        assertThat(r.error().raw()).isEqualTo(json);
        return r.error();
    }

    @Test
    void readsTheCanonicalFormat() {
        Event e = ok("{\"id\":\"abc\",\"timereported\":\"2003-10-11T22:14:15.003-07:00\","
                + "\"timegenerated\":\"2003-10-12T05:14:16Z\",\"facility\":\"local0\",\"severity\":\"warning\","
                + "\"host\":\"web-1\",\"app_name\":\"nginx\",\"procid\":\"812\",\"msgid\":\"ID47\",\"message\":\"hi\","
                + "\"structured_data\":{\"o@1\":{\"ip\":[\"a\",\"b\"]},\"e@1\":{}},\"tags\":[\"t1\",\"t2\"],"
                + "\"fields\":{\"n\":1,\"d\":1.5,\"b\":true,\"s\":\"x\",\"z\":null,\"o\":{\"l\":[1,\"2\"]}},"
                + "\"hmac\":{\"key_id\":\"k\",\"value\":\"dg==\"}}");
        assertThat(e.id()).isEqualTo("abc");
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2003-10-11T22:14:15.003-07:00"));
        assertThat(e.timegenerated()).isEqualTo(Instant.parse("2003-10-12T05:14:16Z"));
        assertThat(e.facility()).isEqualTo(Facility.LOCAL0);
        assertThat(e.severity()).isEqualTo(Severity.WARNING);
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.appName()).isEqualTo("nginx");
        assertThat(e.procId()).isEqualTo("812");
        assertThat(e.msgId()).isEqualTo("ID47");
        assertThat(e.message()).isEqualTo("hi");
        assertThat(e.structuredData()).containsExactly(Map.entry("o@1", Map.of("ip", List.of("a", "b"))),
                Map.entry("e@1", Map.of()));
        assertThat(e.tags()).containsExactly("t1", "t2");
        assertThat(e.fields()).containsKeys("n", "d", "b", "s", "z", "o");
        assertThat(e.field("n")).isEqualTo(1L);
        assertThat(e.field("d")).isEqualTo(1.5);
        assertThat(e.field("b")).isEqualTo(true);
        assertThat(e.field("z")).isNull();
        assertThat(e.field("o")).isEqualTo(Map.of("l", List.of(1L, "2")));
        assertThat(e.hmac()).isEqualTo(new Signature("k", "dg=="));
    }

    @Test
    void receiveTimeAndPeerFillWhatTheJsonLacks() {
        Event e = ok("{\"message\":\"x\"}");
        assertThat(e.timegenerated()).isEqualTo(RECEIVED);
        assertThat(e.host()).isEqualTo("10.0.0.9");
        assertThat(e.timereported()).isNull();
        assertThat(e.facility()).isEqualTo(Facility.USER);
        assertThat(e.severity()).isEqualTo(Severity.NOTICE);
        assertThat(e.id()).hasSize(32);
    }

    @Test
    void readsLogstashStyleJson() {
        Event e = ok("{\"@timestamp\":\"2024-01-02T03:04:05.678Z\",\"@version\":\"1\",\"hostname\":\"app-3\","
                + "\"program\":\"api\",\"level\":\"WARN\",\"msg\":\"slow\",\"tags\":[\"beats\"],\"latency_ms\":812}");
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2024-01-02T03:04:05.678Z"));
        assertThat(e.host()).isEqualTo("app-3");
        assertThat(e.appName()).isEqualTo("api");
        assertThat(e.severity()).isEqualTo(Severity.WARNING);
        assertThat(e.message()).isEqualTo("slow");
        assertThat(e.tags()).containsExactly("beats");
        assertThat(e.fields()).containsExactly(Map.entry("@version", "1"), Map.entry("latency_ms", 812L));
    }

    @Test
    void readsGelf() {
        Event e = ok("{\"version\":\"1.1\",\"host\":\"example.org\",\"short_message\":\"A short message\","
                + "\"full_message\":\"Backtrace here\",\"timestamp\":1385053862.3072,\"level\":1,\"_user_id\":9001}");
        assertThat(e.host()).isEqualTo("example.org");
        assertThat(e.message()).isEqualTo("A short message");
        assertThat(e.timereported().toInstant()).isEqualTo(Instant.parse("2013-11-21T17:11:02.307200Z"));
        assertThat(e.severity()).isEqualTo(Severity.ALERT);
        assertThat(e.fields()).containsEntry("full_message", "Backtrace here").containsEntry("_user_id", 9001L)
                .containsEntry("version", "1.1");
    }

    @Test
    void readsEcsHostObjectAsHostNameAndKeepsTheObject() {
        Event e = ok("{\"host\":{\"name\":\"node-7\",\"ip\":[\"10.1.1.1\"]},\"message\":\"m\"}");
        assertThat(e.host()).isEqualTo("node-7");
        assertThat(e.field("host")).isEqualTo(Map.of("name", "node-7", "ip", List.of("10.1.1.1")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "{\"timestamp\":\"2024-01-02T03:04:05+01:00\"}|2024-01-02T03:04:05+01:00",
        "{\"time\":\"2024-01-02 03:04:05.5z\"}|2024-01-02T03:04:05.5Z",
        "{\"timereported\":\"2024-01-02t03:04:05+0130\"}|2024-01-02T03:04:05+01:30",
        "{\"time\":\"2024-01-02T03:04:05\"}|2024-01-02T03:04:05Z",
        "{\"time\":1704164645}|2024-01-02T03:04:05Z",
        "{\"time\":1704164645123}|2024-01-02T03:04:05.123Z",
        "{\"time\":1704164645123456}|2024-01-02T03:04:05.123456Z",
        "{\"time\":1704164645123456789}|2024-01-02T03:04:05.123456789Z",
        "{\"@timestamp\":\"2024-01-02T03:04:05.123456789-00:00\"}|2024-01-02T03:04:05.123456789Z",
    })
    void acceptsCommonTimestampShapes(String json, String expected) {
        assertThat(ok(json).timereported()).isEqualTo(OffsetDateTime.parse(expected));
    }

    @Test
    void canonicalKeyWinsOverAliasesAndTheLosersBecomeFields() {
        Event e = ok("{\"msg\":\"alias\",\"message\":\"canonical\",\"short_message\":\"other\",\"source\":\"s\","
                + "\"hostname\":\"h\"}");
        assertThat(e.message()).isEqualTo("canonical");
        assertThat(e.host()).isEqualTo("h");
        assertThat(e.fields()).containsEntry("msg", "alias").containsEntry("short_message", "other")
                .containsEntry("source", "s");
    }

    @Test
    void fieldsObjectWinsOverATopLevelKeyOfTheSameName() {
        Event e = ok("{\"x\":1,\"fields\":{\"x\":2,\"y\":3}}");
        assertThat(e.fields()).containsExactly(Map.entry("x", 2L), Map.entry("y", 3L));
    }

    @Test
    void aFieldsKeyThatIsNotAnObjectIsAPlainField() {
        assertThat(ok("{\"fields\":\"text\"}").field("fields")).isEqualTo("text");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "{\"severity\":3}|ERROR",
        "{\"severity\":\"3\"}|ERROR",
        "{\"severity\":\"err\"}|ERROR",
        "{\"severity\":\"Error\"}|ERROR",
        "{\"level\":\"panic\"}|EMERGENCY",
        "{\"level\":\"informational\"}|INFO",
        "{\"level\":\"TRACE\"}|DEBUG",
        "{\"level\":\"fatal\"}|CRITICAL",
        "{\"level\":7}|DEBUG",
        "{\"level\":\"debug\",\"severity\":\"crit\"}|CRITICAL",
    })
    void readsSeverityAsNumberNameOrAlias(String json, Severity expected) {
        assertThat(ok(json).severity()).isEqualTo(expected);
    }

    @Test
    void readsFacilityAsNumberOrNameAndPriorityAsPri() {
        assertThat(ok("{\"facility\":16}").facility()).isEqualTo(Facility.LOCAL0);
        assertThat(ok("{\"facility\":\"security\"}").facility()).isEqualTo(Facility.AUTH);
        Event e = ok("{\"priority\":165}");
        assertThat(e.facility()).isEqualTo(Facility.LOCAL4);
        assertThat(e.severity()).isEqualTo(Severity.NOTICE);
        assertThat(ok("{\"pri\":\"34\"}").priority()).isEqualTo(34);
    }

    @Test
    void explicitFacilityAndSeverityOverridePriority() {
        Event e = ok("{\"severity\":\"debug\",\"pri\":165}");
        assertThat(e.facility()).isEqualTo(Facility.LOCAL4);
        assertThat(e.severity()).isEqualTo(Severity.DEBUG);
    }

    @Test
    void numbersKeepTheirJsonType() {
        Event e = ok("{\"fields\":{\"l\":9223372036854775807,\"bi\":92233720368547758070,\"d\":-1.25e3,"
                + "\"huge\":1e400}}");
        assertThat(e.field("l")).isEqualTo(Long.MAX_VALUE);
        assertThat(e.field("bi")).isEqualTo(new BigInteger("92233720368547758070"));
        assertThat(e.field("d")).isEqualTo(-1250.0);
        assertThat(e.field("huge")).isEqualTo(new BigDecimal("1e400"));
    }

    @Test
    void headerValuesGivenAsNumbersBecomeText() {
        Event e = ok("{\"procid\":4242,\"app_name\":true}");
        assertThat(e.procId()).isEqualTo("4242");
        assertThat(e.appName()).isEqualTo("true");
    }

    @Test
    void nullEventValuesAreAbsent() {
        Event e = ok("{\"host\":null,\"message\":null,\"timereported\":null,\"tags\":null}");
        assertThat(e.host()).isEqualTo("10.0.0.9");
        assertThat(e.message()).isEmpty();
        assertThat(e.timereported()).isNull();
        assertThat(e.tags()).isEmpty();
    }

    @Test
    void explicitIdIsKeptEvenThoughItDiffersFromTheComputedOne() {
        Event e = ok("{\"id\":\"my-id\",\"message\":\"x\",\"host\":\"h\"}");
        assertThat(e.id()).isEqualTo("my-id");
    }

    @Test
    void singleStringTagAndScalarSdValueAreAccepted() {
        Event e = ok("{\"tags\":\"one\",\"structured_data\":{\"a@1\":{\"p\":\"v\",\"n\":5}}}");
        assertThat(e.tags()).containsExactly("one");
        assertThat(e.structuredData().get("a@1")).containsEntry("p", List.of("v")).containsEntry("n", List.of("5"));
    }

    @Test
    void blanksAndAUtf8BomAroundTheObjectAreAllowed() {
        byte[] body = " \t{\"message\":\"x\"}\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertThat(parser.parse(withBom, ORIGIN).orElseThrow().message()).isEqualTo("x");
    }

    @Test
    void parsesOnlyTheGivenRangeOfTheBuffer() {
        byte[] buf = "garbage{\"message\":\"mid\"}garbage".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse(buf, 7, 17, ORIGIN).orElseThrow().message()).isEqualTo("mid");
    }

    // ---- errors

    @Test
    void emptyOrBlankInputIsEmpty() {
        assertThat(error("").kind()).isEqualTo(ParseError.Kind.EMPTY);
        assertThat(error(" \r\n\t").kind()).isEqualTo(ParseError.Kind.EMPTY);
    }

    @Test
    void somethingOtherThanAnObjectIsASyntaxErrorAtItsOffset() {
        ParseError e = error("  [1,2]");
        assertThat(e.kind()).isEqualTo(ParseError.Kind.SYNTAX);
        assertThat(e.offset()).isEqualTo(2);
        assertThat(e.message()).contains("expected a JSON object");
        assertThat(error("\"str\"").kind()).isEqualTo(ParseError.Kind.SYNTAX);
        assertThat(error("hello world").offset()).isEqualTo(0);
    }

    @Test
    void trailingGarbageIsASyntaxErrorWhereItStarts() {
        ParseError e = error("{\"a\":1} x");
        assertThat(e.kind()).isEqualTo(ParseError.Kind.SYNTAX);
        assertThat(e.message()).contains("trailing");
        assertThat(e.offset()).isEqualTo(8);
        assertThat(error("{}{}").offset()).isEqualTo(2);
        assertThat(error("{}}").message()).contains("trailing");
    }

    @Test
    void brokenJsonIsASyntaxErrorWithJacksonsByteOffset() {
        ParseError e = error("{\"a\":1,\"b\":tru}");
        assertThat(e.kind()).isEqualTo(ParseError.Kind.SYNTAX);
        assertThat(e.offset()).isBetween(11, 15);
        assertThat(error("{\"a\":").kind()).isEqualTo(ParseError.Kind.SYNTAX);
        assertThat(error("{\"a\" 1}").offset()).isEqualTo(5);
    }

    @Test
    void offsetsAreRelativeToTheGivenRange() {
        byte[] buf = "xxxx{\"a\" 1}".getBytes(StandardCharsets.UTF_8);
        ParseResult r = parser.parse(buf, 4, buf.length - 4, ORIGIN);
        assertThat(r.error().offset()).isEqualTo(5);
        assertThat(r.error().rawText()).isEqualTo("{\"a\" 1}");
    }

    @Test
    void duplicateKeysAreRefusedAtAnyLevel() {
        ParseError top = error("{\"message\":\"a\",\"message\":\"b\"}");
        assertThat(top.kind()).isEqualTo(ParseError.Kind.SYNTAX);
        assertThat(top.message()).containsIgnoringCase("duplicate").contains("message");
        assertThat(top.offset()).isGreaterThanOrEqualTo(15);
        assertThat(error("{\"fields\":{\"x\":1,\"x\":2}}").message()).containsIgnoringCase("duplicate");
    }

    @Test
    void badTimestampIsAnInvalidValueAtTheValue() {
        ParseError e = error("{\"message\":\"m\",\"timestamp\":\"yesterday\"}");
        assertThat(e.kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(e.offset()).isEqualTo(27);
        assertThat(e.message()).contains("timestamp").contains("yesterday");
        assertThat(error("{\"time\":\"2024-02-30T00:00:00Z\"}").kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(error("{\"time\":[1]}").kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
    }

    @Test
    void unknownSeverityOrFacilityIsAnInvalidValueNamingIt() {
        ParseError e = error("{\"severity\":\"loud\"}");
        assertThat(e.kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(e.message()).contains("'severity'").contains("loud");
        assertThat(e.offset()).isEqualTo(12);
        assertThat(error("{\"level\":9}").message()).contains("0..7");
        assertThat(error("{\"facility\":\"GELF\"}").kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(error("{\"pri\":192}").message()).contains("0..191");
    }

    @Test
    void wrongShapesOfKnownKeysAreInvalidValues() {
        assertThat(error("{\"message\":{\"a\":1}}").kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(error("{\"structured_data\":[1]}").kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(error("{\"structured_data\":{\"a\":1}}").kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(error("{\"tags\":[{\"a\":1}]}").kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(error("{\"hmac\":{\"key_id\":\"has space\",\"value\":\"x\"}}").kind())
                .isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(error("{\"hmac\":\"x\"}").kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
        assertThat(error("{\"id\":\"\"}").kind()).isEqualTo(ParseError.Kind.INVALID_VALUE);
    }

    @Test
    void nestingUpToTheLimitIsAcceptedAndDeeperIsRefused() {
        int max = JsonEventParser.MAX_DEPTH;
        String ok = "{\"f\":" + "[".repeat(max - 1) + "]".repeat(max - 1) + "}";
        assertThat(parser.parse(ok, ORIGIN).isSuccess()).isTrue();
        String deep = "{\"f\":" + "[".repeat(max) + "]".repeat(max) + "}";
        ParseError e = error(deep);
        assertThat(e.kind()).isEqualTo(ParseError.Kind.SYNTAX);
        assertThat(e.message()).contains("deeper than " + max);
        assertThat(e.offset()).isBetween(5 + max - 1, 5 + max + 1);
    }

    @Test
    void messagesOverTheSizeLimitAreTooLong() {
        JsonEventParser small = new JsonEventParser(ParserOptions.defaults().withMaxMessageBytes(20));
        byte[] json = "{\"message\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8);
        ParseError e = error(small, json);
        assertThat(e.kind()).isEqualTo(ParseError.Kind.TOO_LONG);
        assertThat(e.message()).contains("20");
        assertThat(small.parse("{\"message\":\"01\"}", ORIGIN).isSuccess()).isTrue();
    }

    @Test
    void invalidUtf8IsAnEncodingError() {
        byte[] json = {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        ParseError e = error(parser, json);
        assertThat(e.kind()).isEqualTo(ParseError.Kind.ENCODING);
        assertThat(e.offset()).isBetween(6, 8);
    }

    @Test
    void utf16IsRefusedAsAnEncodingError() {
        byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_16LE);
        assertThat(error(parser, json).kind()).isEqualTo(ParseError.Kind.ENCODING);
        assertThat(error(parser, "{\"a\":1}".getBytes(StandardCharsets.UTF_16BE)).kind()).isEqualTo(ParseError.Kind.ENCODING);
        assertThat(error(parser, "{\"a\":1}".getBytes(StandardCharsets.UTF_16)).kind()).isEqualTo(ParseError.Kind.ENCODING);
    }

    // ---- lenient

    @Test
    void lenientModeTurnsAFailureIntoATaggedEventWithTheRawText() {
        JsonEventParser lenient = new JsonEventParser(ParserOptions.defaults().withLenient(true));
        String json = "{\"host\":\"h1\",\"app_name\":\"a\",\"message\":\"m\",\"severity\":\"loud\"}";
        Event e = lenient.parse(json, ORIGIN).orElseThrow();
        assertThat(e.tags()).containsExactly(ParseError.TAG);
        assertThat(e.host()).isEqualTo("h1");
        assertThat(e.appName()).isEqualTo("a");
        assertThat(e.message()).isEqualTo("m");
        assertThat(e.severity()).isEqualTo(Severity.NOTICE);
        assertThat(e.field(ParseError.FIELD_RAW)).isEqualTo(json);
        assertThat((String) e.field(ParseError.FIELD_ERROR)).contains("invalid_value").contains("loud");
        assertThat(e.timegenerated()).isEqualTo(RECEIVED);
    }

    @Test
    void lenientModeKeepsTheRawTextAsMessageForBrokenJson() {
        JsonEventParser lenient = new JsonEventParser(ParserOptions.defaults().withLenient(true));
        Event e = lenient.parse("not json at all", ORIGIN).orElseThrow();
        assertThat(e.message()).isEqualTo("not json at all");
        assertThat(e.host()).isEqualTo("10.0.0.9");
        assertThat(e.tags()).containsExactly(ParseError.TAG);
        assertThat((String) e.field(ParseError.FIELD_ERROR)).startsWith("json syntax error at byte 0");
    }

    @Test
    void formatNameIsJson() {
        assertThat(parser.format()).isEqualTo("json");
    }
}
