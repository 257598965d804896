package io.sluice.codec.rfc5424;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.Event;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs all 148 cases of go-syslog's RFC 5424 machine test ({@code corpus/syslog/go-syslog/}). Every
 * case is asserted: valid cases against go-syslog's expected fields (or, where its table gives none,
 * against {@link #OWN_EXPECTATIONS}); invalid cases must fail at go-syslog's column. Where Sluice
 * deliberately differs, the case is listed below by index with the reason.
 */
class Rfc5424GoSyslogCorpusTest {
    private static final String CORPUS = "/corpus/syslog/go-syslog/rfc5424-machine-cases.jsonl";
    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");
    private static final Origin ORIGIN = new Origin(null, RECEIVED);
    private static final List<JsonNode> CASES = load();

    // ---- Deliberate differences from go-syslog, by case index ----

    /**
     * RFC 5424 §6.3.3: {@code \"}, {@code \\} and {@code \]} in a PARAM-VALUE are escapes and are
     * unescaped; go-syslog keeps the backslash. Our expectations are in {@link #OWN_EXPECTATIONS}.
     * (Cases 88-94 have the same difference but go-syslog's table gives no fields for them.)
     */
    static final Set<Integer> SD_ESCAPES_UNESCAPED = Set.of(103, 104, 105, 106);

    /**
     * RFC 5424 §6.4: the BOM marks the message as UTF-8 and is not part of the text, so Sluice strips
     * it; go-syslog keeps U+FEFF at the start of the message.
     */
    static final Set<Integer> BOM_STRIPPED = IntStream.rangeClosed(116, 137).boxed().collect(java.util.stream.Collectors.toSet());

    /**
     * A message without BOM that is not UTF-8 is decoded with U+FFFD replacing each malformed sequence
     * (Event messages are Java Strings); go-syslog keeps the raw bytes.
     */
    static final Set<Integer> MALFORMED_UTF8_REPLACED = IntStream.rangeClosed(138, 144).boxed().collect(java.util.stream.Collectors.toSet());

    /**
     * Valid here, invalid in go-syslog: {@code \n} in a PARAM-VALUE. RFC 5424 §6.3.3 says a backslash
     * followed by any other character is a plain backslash, so the value is the two characters
     * {@code \n}; go-syslog refuses any backslash that does not start one of the three escapes.
     */
    static final Set<Integer> ACCEPTED_HERE = Set.of(115);

    /**
     * Invalid in both, at a different offset: a day that does not exist in its month (31 September,
     * 29 February 2018) is reported at the day's second digit, where year and month are known;
     * go-syslog reports it at the end of the timestamp because it checks the date afterwards.
     */
    static final Map<Integer, Integer> OFFSET_DIFFERS = Map.of(49, 17, 50, 17, 51, 17);

    /**
     * Lenient partial results that differ from go-syslog's {@code partial}: go-syslog reports the
     * first three digits of an over-long version as the version; Sluice records a version only once
     * it is valid.
     */
    static final Set<Integer> PARTIAL_DIFFERS = Set.of(20);

    private static final String ABC = "abcdefghilmnopqrstuvz";

    /**
     * Expected fields for valid cases where go-syslog's table has none (it built them with Go
     * expressions the corpus could not keep) or where we differ (see the sets above).
     */
    static final Map<Integer, Expected> OWN_EXPECTATIONS = Map.ofEntries(
            entry(74, Expected.pri(29).ts("2016-02-21T04:32:57Z").host("web1").app("someservice")
                    .sd("origin", "x-service", "someservice").sd("meta", "sequenceId", "14125553")
                    .msg("127.0.0.1 - - 1456029177 \"GET /v1/ok HTTP/1.1\" 200 145 \"-\" \"hacheck 0.9.0\" 24306"
                            + " 127.0.0.1:40124 575")),
            entry(77, Expected.pri(1).version(102).host("host-name").app("app-name").procId("proc-id")),
            entry(78, Expected.pri(1).version(103).host("host-name").app("app-name").procId("proc-id")
                    .msgId("msg-id")),
            // -23:59 is beyond what ZoneOffset holds (±18:00): same instant, given at UTC.
            entry(79, Expected.pri(191).version(999).ts("2019-01-01T23:58:59.999999Z")
                    .host(ABC.repeat(12) + "abc").app(ABC.repeat(2) + "abcdef").procId(ABC.repeat(6) + "ab")
                    .msgId(ABC + "abcdefghilm")),
            entry(80, Expected.pri(191).version(999).ts("2019-01-01T23:58:59.999999Z")
                    .host(ABC.repeat(12) + "abc").app(ABC.repeat(2) + "abcdef").procId(ABC.repeat(6) + "ab")
                    .msgId(ABC + "abcdefghilm").sd("an@id", "key1", "val1").sd("an@id", "key2", "val2")
                    .sd("another@id", "key1", "val1").msg("Some message \"GET\"")),
            // "BOM" here is three ASCII letters, not the byte order mark.
            entry(81, Expected.pri(34).ts("2003-10-11T22:14:15.003Z").host("mymachine.example.com").app("su")
                    .msgId("ID47").msg("BOM'su root' failed for lonvick on /dev/pts/8")),
            entry(82, Expected.pri(187).version(222).host("mymachine.example.com").app("su").msgId("ID47")
                    .msg("'su root' failed for lonvick on /dev/pts/8")),
            entry(83, Expected.pri(165).ts("2003-08-24T05:14:15.000003-07:00").host("192.0.2.1").app("myproc")
                    .procId("8710").msg("%% Time to make the do-nuts.")),
            entry(84, Expected.pri(165).version(2).ts("2003-08-24T05:14:15.000003-07:00")),
            entry(85, Expected.pri(165).version(222).ts("2003-08-24T05:14:15.000002-01:00")),
            entry(86, Expected.pri(78).version(5).ts("2016-01-15T00:04:01Z").host("host1").app("CROND")
                    .procId("10391").sdElement("sdid").msg("some_message")),
            entry(87, Expected.pri(78).ts("2016-01-15T00:04:01Z").host("host1").app("CROND").procId("10391")
                    .sd("sdid", "x", "\u2318").msg("some_message")),
            // 88-94: "\\" is an escaped backslash (go-syslog would keep both backslashes).
            entry(88, Expected.pri(78).version(2).ts("2016-01-15T00:04:01Z").host("host1").app("CROND")
                    .procId("10391").sd("sdid", "x", "hey \\u2318 hey").msg("some_message")),
            entry(89, hnS(50).sd("meta", "es", "\\valid")),
            entry(90, hnS(52).sd("meta", "one", "\\one").sd("meta", "two", "\\two")),
            entry(91, hnS(53).sd("meta", "one", "\\one").sd("other", "two", "\\two").sd("other", "double", "\\a\\b")),
            entry(92, hnS(51).sd("meta", "es", "\\double\\slash")),
            entry(93, hnS(54).sd("meta", "es", "in \\middle of the string")),
            entry(94, hnS(55).sd("meta", "es", "at the \\end")),
            entry(95, hnS(50).sd("meta", "es", "\t5\u1f4ag\u03009!\u2103\u1fadGa b")),
            entry(96, Expected.pri(29).version(50).ts("2016-01-15T01:00:43Z").host("hn").app("S")
                    .sd("meta", "gr", "\u03ba\u1f79\u03c3\u03bc\u03b5").sd("meta", "es", "\u00f1")
                    .sd("beta", "pr", "\u20a1").msg("\ud800\udf3c \"GET\"")),
            entry(97, Expected.pri(165).version(3).ts("2003-10-11T22:14:15.003Z").host("example.com").app("evnts")
                    .msgId("ID27").sd("exampleSDID@32473", "iut", "3")
                    .sd("exampleSDID@32473", "eventSource", "Application").sd("exampleSDID@32473", "eventID", "1011")
                    .sd("examplePriority@32473", "class", "high")),
            entry(100, Expected.pri(165).version(4).ts("2003-10-11T22:14:15.003Z").host("mymachine.it").app("e")
                    .msgId("1").sd("ex@32473", "iut", "3").sd("ex@32473", "eventSource", "A")
                    .msg("An application event log entry...")),
            entry(101, Expected.pri(29).ts("2016-01-15T01:00:43Z").host("some-host-name").app("SEKRETPROGRAM")
                    .procId("prg").sd("origin", "x-service", "svcname").sd("meta", "sequenceId", "1")
                    .msg("127.0.0.1 - - 1452819643 \"GET\"")),
            entry(103, sekret(2, "2016-01-15T01:00:44Z").sd("meta", "escape", "]").msg("some \"mex\"")),
            entry(104, sekret(2, "2016-01-15T01:00:43Z").sd("meta", "escape", "\\")),
            entry(105, sekret(2, "2016-01-15T01:00:43Z").sd("meta", "escape", "\"")),
            entry(106, sekret(2, "2016-01-15T01:00:43Z").sd("meta", "escape", "]\"\\\\]\"")),
            entry(115, Expected.pri(29).version(8).ts("2016-01-15T01:00:43Z").host("hn").app("S")
                    .sd("meta", "escape", "\\n").msg("127.0.0.1 - - 1452819643 \"GET\"")));

    private static Expected hnS(int version) {
        return Expected.pri(29).version(version).ts("2016-01-15T01:00:43Z").host("hn").app("S")
                .msg("127.0.0.1 - - 1452819643 \"GET\"");
    }

    private static Expected sekret(int version, String ts) {
        return Expected.pri(29).version(version).ts(ts).host("some-host-name").app("SEKRETPROGRAM").procId("prg");
    }

    private final Rfc5424Parser strict = new Rfc5424Parser(ParserOptions.defaults());
    private final Rfc5424Parser lenient = new Rfc5424Parser(ParserOptions.defaults().withLenient(true));

    @Test
    void corpusHas148CasesAndEveryDeviationNamesACaseOfTheClaimedKind() {
        assertThat(CASES).hasSize(148);
        for (int i : SD_ESCAPES_UNESCAPED) {
            assertThat(goValid(i)).as("case %d", i).isTrue();
            assertThat(OWN_EXPECTATIONS).containsKey(i);
        }
        for (int i : BOM_STRIPPED) {
            assertThat(goValid(i)).as("case %d", i).isTrue();
            assertThat(CASES.get(i).get("expected").get("message").asText()).as("case %d", i).startsWith("\uFEFF");
        }
        for (int i : MALFORMED_UTF8_REPLACED) {
            assertThat(goValid(i)).as("case %d", i).isTrue();
            assertThat(CASES.get(i).has("input_b64")).as("case %d", i).isTrue();
        }
        for (int i : ACCEPTED_HERE) {
            assertThat(goValid(i)).as("case %d", i).isFalse();
            assertThat(OWN_EXPECTATIONS).containsKey(i);
        }
        for (int i : OFFSET_DIFFERS.keySet()) {
            assertThat(goValid(i)).as("case %d", i).isFalse();
        }
        for (int i : OWN_EXPECTATIONS.keySet()) {
            assertThat(goValid(i) || ACCEPTED_HERE.contains(i)).as("case %d", i).isTrue();
            assertThat(goExpected(i).size() == 0 || SD_ESCAPES_UNESCAPED.contains(i) || ACCEPTED_HERE.contains(i))
                    .as("case %d has go-syslog expectations; own expectations need a listed reason", i).isTrue();
        }
    }

    static Stream<Integer> validHere() {
        return IntStream.range(0, CASES.size()).filter(i -> goValid(i) || ACCEPTED_HERE.contains(i)).boxed();
    }

    static Stream<Integer> invalidHere() {
        return IntStream.range(0, CASES.size()).filter(i -> !goValid(i) && !ACCEPTED_HERE.contains(i)).boxed();
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("validHere")
    void goSyslogValidCase_yieldsExpectedFields(int i) {
        ParseResult r = strict.parse(input(i), ORIGIN);
        assertThat(r.isSuccess()).as("case %d %s: %s", i, CASES.get(i).get("input"), r.error()).isTrue();
        Event e = r.event();
        expectationFor(i).assertMatches(e);
        assertThat(e.timegenerated()).isEqualTo(RECEIVED);
        assertThat(e.tags()).isEmpty();
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("invalidHere")
    void goSyslogInvalidCase_failsWhereGoSyslogDoes(int i) {
        byte[] in = input(i);
        ParseResult r = strict.parse(in, ORIGIN);
        assertThat(r.isSuccess()).as("case %d %s parsed as %s", i, CASES.get(i).get("input"), r.event()).isFalse();
        ParseError err = r.error();
        assertThat(err.format()).isEqualTo("rfc5424");
        assertThat(err.raw()).isEqualTo(in);
        assertThat(err.message()).startsWith("expecting");
        int expectedOffset = OFFSET_DIFFERS.getOrDefault(i, goColumn(i));
        assertThat(err.offset()).as("case %d %s: %s", i, CASES.get(i).get("input"), err).isEqualTo(expectedOffset);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("invalidHere")
    void goSyslogInvalidCase_lenientKeepsTheHeaderParsedBeforeTheError(int i) {
        ParseResult r = lenient.parse(input(i), ORIGIN);
        assertThat(r.isSuccess()).isTrue();
        Event e = r.event();
        assertThat(e.tags()).containsExactly(ParseError.TAG);
        assertThat(e.field(ParseError.FIELD_RAW)).isEqualTo(new String(input(i), StandardCharsets.UTF_8));
        assertThat(e.message()).isEqualTo(e.field(ParseError.FIELD_RAW));
        JsonNode partial = CASES.get(i).get("partial");
        if (partial == null || PARTIAL_DIFFERS.contains(i)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = partial.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            switch (f.getKey()) {
                case "priority" -> assertThat(e.priority()).as("case %d priority", i).isEqualTo(v.asInt());
                case "version" -> assertThat(versionOf(e)).as("case %d version", i).isEqualTo(v.asLong());
                case "timestamp" -> assertThat(e.timereported()).as("case %d timestamp", i)
                        .isEqualTo(java.time.OffsetDateTime.parse(v.asText()));
                case "hostname" -> assertThat(e.host()).as("case %d host", i).isEqualTo(v.asText());
                case "appname" -> assertThat(e.appName()).as("case %d app", i).isEqualTo(v.asText());
                case "procid" -> assertThat(e.procId()).as("case %d procid", i).isEqualTo(v.asText());
                case "msgid" -> assertThat(e.msgId()).as("case %d msgid", i).isEqualTo(v.asText());
                // Sluice keeps structured data only when the whole section parsed.
                case "structured_data" -> assertThat(e.structuredData()).isEmpty();
                default -> throw new AssertionError("unknown partial key " + f.getKey());
            }
        }
    }

    private static long versionOf(Event e) {
        Object v = e.field(Rfc5424Parser.FIELD_VERSION);
        return v == null ? 1L : (Long) v;
    }

    private static Expected expectationFor(int i) {
        Expected own = OWN_EXPECTATIONS.get(i);
        if (own != null) {
            return own;
        }
        JsonNode exp = goExpected(i);
        assertThat(exp.size()).as("case %d: go-syslog gives no expected fields and no own expectation is listed", i)
                .isPositive();
        Expected e = Expected.pri(exp.get("priority").asInt()).version(exp.get("version").asInt());
        if (exp.has("timestamp")) {
            e.ts(exp.get("timestamp").asText());
        }
        e.host(text(exp, "hostname")).app(text(exp, "appname")).procId(text(exp, "procid")).msgId(text(exp, "msgid"));
        JsonNode sd = exp.get("structured_data");
        if (sd != null) {
            sd.fields().forEachRemaining(el -> {
                e.sdElement(el.getKey());
                el.getValue().fields().forEachRemaining(p -> e.sd(el.getKey(), p.getKey(), p.getValue().asText()));
            });
        }
        String msg = exp.has("message") ? exp.get("message").asText() : "";
        if (BOM_STRIPPED.contains(i)) {
            msg = msg.substring(1);
        } else if (MALFORMED_UTF8_REPLACED.contains(i)) {
            byte[] in = input(i);
            int at = indexOfMessage(in);
            msg = new String(in, at, in.length - at, StandardCharsets.UTF_8);
            assertThat(msg).contains("\uFFFD");
        }
        return e.msg(msg);
    }

    /** All malformed-UTF-8 cases are {@code <1>1 - - - - - - MSG}. */
    private static int indexOfMessage(byte[] in) {
        String prefix = "<1>1 - - - - - - ";
        assertThat(new String(in, 0, prefix.length(), StandardCharsets.ISO_8859_1)).isEqualTo(prefix);
        return prefix.length();
    }

    private static String text(JsonNode n, String key) {
        return n.has(key) ? n.get(key).asText() : null;
    }

    private static boolean goValid(int i) {
        return CASES.get(i).get("valid").asBoolean();
    }

    private static JsonNode goExpected(int i) {
        JsonNode e = CASES.get(i).get("expected");
        return e == null ? new ObjectMapper().createObjectNode() : e;
    }

    private static int goColumn(int i) {
        Matcher m = Pattern.compile("\\[col (\\d+)]").matcher(CASES.get(i).get("error").asText());
        assertThat(m.find()).as("case %d has a column", i).isTrue();
        return Integer.parseInt(m.group(1));
    }

    static byte[] input(int i) {
        JsonNode c = CASES.get(i);
        if (c.has("input_b64")) {
            return Base64.getDecoder().decode(c.get("input_b64").asText());
        }
        return c.get("input").asText().getBytes(StandardCharsets.UTF_8);
    }

    private static List<JsonNode> load() {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = Rfc5424GoSyslogCorpusTest.class.getResourceAsStream(CORPUS);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(mapper.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every case index is in exactly one of the two parameterized streams. */
    @Test
    void everyCaseIsAssertedAsValidOrInvalid() {
        Set<Integer> seen = new HashSet<>();
        validHere().forEach(seen::add);
        invalidHere().forEach(i -> assertThat(seen.add(i)).isTrue());
        assertThat(seen).hasSize(CASES.size());
    }
}
