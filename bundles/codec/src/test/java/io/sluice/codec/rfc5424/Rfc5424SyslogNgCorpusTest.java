package io.sluice.codec.rfc5424;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.Event;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 5424 rows ({@code parse_flags} containing {@code LP_SYSLOG_PROTOCOL}) of syslog-ng's
 * {@code test_msgparse.c} ({@code corpus/syslog/syslog-ng/msgparse-cases.jsonl}). A row with
 * {@code expected_pri} 43 and an "Error processing" message is one syslog-ng refuses. Every row is
 * asserted; where Sluice deliberately differs, the row is listed below by index with the reason.
 */
class Rfc5424SyslogNgCorpusTest {
    private static final String CORPUS = "/corpus/syslog/syslog-ng/msgparse-cases.jsonl";
    /** The "now" syslog-ng's test fakes: 1549615069.123 (2019-02-08). */
    private static final Instant NOW = Instant.ofEpochSecond(1549615069L, 123_000_000L);
    private static final List<JsonNode> ROWS = load();

    /**
     * syslog-ng accepts SD-IDs and param names longer than RFC 5424's 32 characters (§6.3.2, §6.3.3:
     * SD-NAME = 1*32PRINTUSASCII); Sluice refuses them as {@code TOO_LONG}.
     */
    static final Set<Integer> SD_NAME_OVER_32_REFUSED = Set.of(0, 47, 48, 49);

    /**
     * syslog-ng cuts an over-long APP-NAME (49 chars), PROCID (129) or MSGID (33) to the RFC limit and
     * accepts the message; Sluice refuses it as {@code TOO_LONG}, since the ABNF does not allow it.
     */
    static final Set<Integer> HEADER_FIELD_OVER_LIMIT_REFUSED = Set.of(53, 54, 55);

    /**
     * A timestamp without TIME-OFFSET: syslog-ng assumes its local zone; RFC 5424 §6.2.3 requires the
     * offset ({@code TIME-OFFSET = "Z" / TIME-NUMOFFSET}) so Sluice refuses the message.
     */
    static final Set<Integer> TIMESTAMP_WITHOUT_OFFSET_REFUSED = Set.of(58);

    /**
     * NILVALUE timestamp: syslog-ng stamps the message with the receive time in its local zone
     * (MET, +01:00); Sluice leaves {@code timereported} null and {@link Event#time()} falls back to
     * the receive time at UTC. Seconds and microseconds agree, the offset does not.
     */
    static final Set<Integer> NIL_TIMESTAMP_OFFSET_DIFFERS = Set.of(16);

    /**
     * Malformed UTF-8 in a message without BOM: syslog-ng (with LP_SANITIZE_UTF8) writes each bad
     * byte as the text {@code \xNN}; Sluice replaces each malformed sequence with U+FFFD.
     */
    static final Set<Integer> MALFORMED_UTF8_REPLACED = Set.of(66);

    /**
     * syslog-ng cuts a PARAM-VALUE to 255 characters (here 256 'a' become 255); RFC 5424 sets no limit
     * on PARAM-VALUE, so Sluice keeps the whole value (the message size limit still applies).
     */
    static final Set<Integer> SD_VALUE_NOT_TRUNCATED = Set.of(51);

    private final Rfc5424Parser parser = new Rfc5424Parser(ParserOptions.defaults());

    static Stream<Integer> rfc5424Rows() {
        return IntStream.range(0, ROWS.size())
                .filter(i -> ROWS.get(i).path("parse_flags").asText().contains("LP_SYSLOG_PROTOCOL")).boxed();
    }

    @Test
    void corpusHasTheRfc5424RowsTheDeviationListsName() {
        List<Integer> rows = rfc5424Rows().toList();
        assertThat(rows).hasSize(27);
        Stream.of(SD_NAME_OVER_32_REFUSED, HEADER_FIELD_OVER_LIMIT_REFUSED, TIMESTAMP_WITHOUT_OFFSET_REFUSED,
                        NIL_TIMESTAMP_OFFSET_DIFFERS, MALFORMED_UTF8_REPLACED, SD_VALUE_NOT_TRUNCATED)
                .flatMap(Set::stream)
                .forEach(i -> {
                    assertThat(rows).contains(i);
                    assertThat(syslogNgRefuses(row(i))).as("row %d", i).isFalse();
                });
    }

    @ParameterizedTest(name = "row {0}")
    @MethodSource("rfc5424Rows")
    void syslogNgRfc5424Row_parsesAsSyslogNgDoesOrAsListed(int i) {
        JsonNode row = row(i);
        byte[] msg = message(row);
        ParseResult r = parser.parse(msg, new Origin(null, NOW));
        String what = "row " + i + " " + row.get("test").asText() + ": " + new String(msg, StandardCharsets.UTF_8);

        if (syslogNgRefuses(row)) {
            assertThat(r.isSuccess()).as(what).isFalse();
            return;
        }
        if (SD_NAME_OVER_32_REFUSED.contains(i) || HEADER_FIELD_OVER_LIMIT_REFUSED.contains(i)) {
            assertThat(r.isSuccess()).as(what).isFalse();
            assertThat(r.error().kind()).as(what).isEqualTo(ParseError.Kind.TOO_LONG);
            return;
        }
        if (TIMESTAMP_WITHOUT_OFFSET_REFUSED.contains(i)) {
            assertThat(r.isSuccess()).as(what).isFalse();
            assertThat(r.error().message()).as(what).contains("'Z' or a time offset");
            return;
        }
        assertThat(r.isSuccess()).as("%s: %s", what, r.error()).isTrue();
        Event e = r.event();

        assertThat(e.priority()).as(what).isEqualTo(row.get("expected_pri").asInt());
        if (NIL_TIMESTAMP_OFFSET_DIFFERS.contains(i)) {
            assertThat(e.timereported()).as(what).isNull();
            assertThat(e.time().toEpochSecond()).isEqualTo(row.get("expected_stamp_sec").asLong());
            assertThat(e.time().getNano() / 1000).isEqualTo(row.get("expected_stamp_usec").asInt());
        } else if (row.has("expected_stamp_sec")) {
            OffsetDateTime t = e.timereported();
            assertThat(t.toEpochSecond()).as(what).isEqualTo(row.get("expected_stamp_sec").asLong());
            assertThat(t.getNano() / 1000).as(what).isEqualTo(row.get("expected_stamp_usec").asInt());
            assertThat(t.getOffset().getTotalSeconds()).as(what).isEqualTo(row.get("expected_stamp_ofs").asInt());
        }
        assertThat(e.host()).as(what).isEqualTo(nilToNull(row.get("expected_host")));
        assertThat(e.appName()).as(what).isEqualTo(nilToNull(row.get("expected_program")));
        checkIfGiven(row.get("expected_pid"), e.procId(), what);
        checkIfGiven(row.get("expected_msgid"), e.msgId(), what);

        String expectedMsg = row.get("expected_msg").asText();
        if (MALFORMED_UTF8_REPLACED.contains(i)) {
            assertThat(expectedMsg).contains("\\xf0");
            expectedMsg = "PTHREAD \uFFFD(\uFFFD( initialized";
        }
        assertThat(e.message()).as(what).isEqualTo(expectedMsg);

        // syslog-ng lists some of the SD pairs (".SDATA.<sd-id>.<param>"); each must be there.
        JsonNode pairs = row.get("expected_sd_pairs");
        if (pairs != null && pairs.isArray()) {
            for (JsonNode p : pairs) {
                String key = p.get(0).asText().substring(".SDATA.".length());
                int dot = key.lastIndexOf('.');
                Map<String, List<String>> element = e.structuredData().get(key.substring(0, dot));
                assertThat(element).as("%s: SD %s", what, key).isNotNull();
                List<String> values = element.get(key.substring(dot + 1));
                if (SD_VALUE_NOT_TRUNCATED.contains(i)) {
                    assertThat(values).hasSize(1);
                    assertThat(values.get(0)).hasSize(256).startsWith(p.get(1).asText());
                } else {
                    assertThat(values).as("%s: SD %s", what, key).contains(p.get(1).asText());
                }
            }
        }
    }

    /** syslog-ng's NILVALUE is "" in these rows; a missing/0 value means "not checked". */
    private static void checkIfGiven(JsonNode expected, String actual, String what) {
        if (expected == null || expected.isNull() || expected.isNumber()) {
            return;
        }
        assertThat(actual).as(what).isEqualTo(nilToNull(expected));
    }

    private static String nilToNull(JsonNode n) {
        return n == null || n.isNull() || n.asText().isEmpty() ? null : n.asText();
    }

    private static boolean syslogNgRefuses(JsonNode row) {
        return row.path("expected_pri").asInt() == 43
                && row.path("expected_msg").asText().startsWith("Error processing log message");
    }

    private static JsonNode row(int i) {
        return ROWS.get(i);
    }

    private static byte[] message(JsonNode row) {
        String msg = row.get("msg").asText();
        if (msg.startsWith(".msg = ")) {
            return cString(msg.substring(".msg = ".length()));
        }
        return msg.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes a C string literal ("...", with \xNN, \\, \", \n escapes) to bytes. */
    static byte[] cString(String literal) {
        String s = literal.strip();
        assertThat(s).startsWith("\"").endsWith("\"");
        s = s.substring(1, s.length() - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'x' -> {
                    int j = i + 1;
                    while (j < s.length() && j < i + 3 && Character.digit(s.charAt(j), 16) >= 0) {
                        j++;
                    }
                    out.write(Integer.parseInt(s.substring(i + 1, j), 16));
                    i = j - 1;
                }
                case 'n' -> out.write('\n');
                default -> out.write(n);
            }
        }
        return out.toByteArray();
    }

    /**
     * Two rows (64, 66) were converted from a macro form: their fields are shifted and hold
     * {@code .key = value} text. This puts them back under their keys.
     */
    private static JsonNode normalize(JsonNode row) {
        if (!row.path("msg").asText().startsWith(".msg = ")) {
            return row;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("test", row.get("test").asText());
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
            String v = it.next().getValue().asText();
            if (!v.startsWith(".")) {
                continue;
            }
            int eq = v.indexOf(" = ");
            String key = v.substring(1, eq);
            String value = v.substring(eq + 3);
            switch (key) {
                case "msg" -> out.put("msg", v);
                case "expected_pri" -> out.put(key, Integer.parseInt(value));
                default -> {
                    if (value.equals("NULL")) {
                        out.putNull(key);
                    } else if (value.startsWith("\"")) {
                        out.put(key, new String(cString(value), StandardCharsets.UTF_8));
                    } else {
                        out.put(key, value);
                    }
                }
            }
        }
        return out;
    }

    private static List<JsonNode> load() {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = Rfc5424SyslogNgCorpusTest.class.getResourceAsStream(CORPUS);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(normalize(mapper.readTree(line)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
