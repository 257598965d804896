package io.sluice.codec.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.Event;
import io.sluice.api.Signature;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonEventFormatterTest {
    private final JsonEventFormatter formatter = new JsonEventFormatter();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void writesEveryKeyInDocumentedOrder() {
        Event e = Event.builder()
                .timereported(OffsetDateTime.parse("2003-10-11T22:14:15.003-07:00"))
                .timegenerated(Instant.parse("2003-10-12T05:14:16.123456789Z"))
                .facility("local0").severity("warn")
                .host("web-1").appName("nginx").procId("812").msgId("ID47")
                .message("upstream timed out")
                .structuredData("origin@32473", "ip", "192.0.2.7").structuredData("origin@32473", "ip", "192.0.2.8")
                .tag("http")
                .field("status", 504).field("ratio", 0.5).field("ok", false).field("nested", Map.of("k", List.of("v")))
                .hmac(new Signature("key-1", "c2ln"))
                .build();
        assertThat(formatter.format(e)).isEqualTo("{\"id\":\"" + e.id() + "\""
                + ",\"timereported\":\"2003-10-11T22:14:15.003-07:00\""
                + ",\"timegenerated\":\"2003-10-12T05:14:16.123456789Z\""
                + ",\"facility\":\"local0\",\"severity\":\"warning\""
                + ",\"host\":\"web-1\",\"app_name\":\"nginx\",\"procid\":\"812\",\"msgid\":\"ID47\""
                + ",\"message\":\"upstream timed out\""
                + ",\"structured_data\":{\"origin@32473\":{\"ip\":[\"192.0.2.7\",\"192.0.2.8\"]}}"
                + ",\"tags\":[\"http\"]"
                + ",\"fields\":{\"status\":504,\"ratio\":0.5,\"ok\":false,\"nested\":{\"k\":[\"v\"]}}"
                + ",\"hmac\":{\"key_id\":\"key-1\",\"value\":\"c2ln\"}}");
    }

    @Test
    void absentValuesAreAbsentKeys() {
        Event e = Event.builder().timegenerated(Instant.parse("2024-01-01T00:00:00Z")).build();
        assertThat(formatter.format(e)).isEqualTo("{\"id\":\"" + e.id() + "\",\"timegenerated\":\"2024-01-01T00:00:00Z\""
                + ",\"facility\":\"user\",\"severity\":\"notice\",\"message\":\"\"}");
    }

    @Test
    void controlCharactersAreJsonEscapedSoTheEventStaysOneLine() throws Exception {
        Event e = Event.builder().message("a\r\nb\u0000\t\u2028").host("h\n").field("x\n", "y\r").build();
        String out = formatter.format(e);
        assertThat(out).doesNotContain("\n", "\r", "\u0000", "\t").contains("\"a\\r\\nb\\u0000\\t\u2028\"");
        JsonNode tree = mapper.readTree(out);
        assertThat(tree.get("message").asText()).isEqualTo("a\r\nb\u0000\t\u2028");
        assertThat(tree.get("fields").get("x\n").asText()).isEqualTo("y\r");
    }

    @Test
    void delIsEscapedTooSoNoControlCharacterIsWrittenRaw() {
        assertThat(formatter.format(Event.builder().message("a\u007fb").build())).contains("\"a\\u007Fb\"");
    }

    @Test
    void outputIsStandardJsonIncludingBigNumbersAndNonFiniteDoubles() throws Exception {
        Event e = Event.builder().field("big", new BigInteger("123456789012345678901234567890"))
                .field("nan", Double.NaN).field("none", null).build();
        JsonNode fields = mapper.readTree(formatter.format(e)).get("fields");
        assertThat(fields.get("big").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(fields.get("nan").asText()).isEqualTo("NaN");
        assertThat(fields.get("none").isNull()).isTrue();
    }

    @Test
    void appendsToTheGivenBuilder() {
        StringBuilder sb = new StringBuilder("prefix ");
        formatter.format(Event.builder().build(), sb);
        assertThat(sb.toString()).startsWith("prefix {\"id\":").endsWith("}");
        assertThat(formatter.format()).isEqualTo("json");
    }
}
