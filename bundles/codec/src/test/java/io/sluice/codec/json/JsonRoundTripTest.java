package io.sluice.codec.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.Signature;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonRoundTripTest {
    private final JsonEventFormatter formatter = new JsonEventFormatter();
    private final JsonEventParser parser = new JsonEventParser(ParserOptions.defaults());
    /** A different receive time, to prove the JSON's own timegenerated wins; no peer, so absent hosts stay absent. */
    private final Origin origin = new Origin(null, Instant.parse("2030-01-01T00:00:00Z"));

    static Stream<Event> events() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("list", Arrays.asList(1L, 2.5, "three", null, true, List.of(Map.of("deep", "x"))));
        nested.put("empty", Map.of());
        return Stream.of(
                Event.builder().build(),
                Event.builder().timegenerated(Instant.parse("2024-01-01T00:00:00.000000001Z")).message("").build(),
                Event.builder()
                        .timereported(OffsetDateTime.parse("2003-10-11T22:14:15.003-07:00"))
                        .timegenerated(Instant.parse("2003-10-12T05:14:16.5Z"))
                        .facility("local4").severity("debug")
                        .host("mymachine.example.com").appName("evntslog").procId("812").msgId("ID47")
                        .structuredData("exampleSDID@32473", "iut", "3")
                        .structuredData("exampleSDID@32473", "eventSource", "Application")
                        .structuredData("exampleSDID@32473", "iut", "4")
                        .structuredDataElement("examplePriority@32473")
                        .tag("a").tag("b")
                        .field("nested", nested).field("n", -7).field("d", 1e-300)
                        .field("big", new BigInteger("-98765432109876543210"))
                        .hmac(new Signature("k-2024", "q83vEjRWeJA="))
                        .message("An application event log entry...")
                        .build(),
                Event.builder()
                        .timereported(OffsetDateTime.parse("2024-06-01T12:00:00+05:45"))
                        .host("hôte-ünïcødé").appName("日本語").message("emoji 😀 and \u2028 and \"quotes\" \\ back")
                        .field("ünï", "😀").tag("tag with space")
                        .build(),
                Event.builder()
                        .message("ctl \u0000\u0001\u001f\u007f\r\n\t end")
                        .host("h\nx").procId("\t").msgId("\r")
                        .structuredData("id\n", "p\u0000", "v\r\n")
                        .field("k\n", "v\u0007").tag("\n")
                        .build());
    }

    @ParameterizedTest
    @MethodSource("events")
    void formatThenParseGivesAnEqualEvent(Event e) {
        String json = formatter.format(e);
        ParseResult r = parser.parse(json, origin);
        assertThat(r.isSuccess()).as("%s", r).isTrue();
        Event back = r.event();
        assertThat(back).isEqualTo(e);
        assertThat(back.id()).isEqualTo(e.id());
        assertThat(back.structuredData()).isEqualTo(e.structuredData());
        assertThat(new ArrayList<>(back.tags())).isEqualTo(new ArrayList<>(e.tags()));
        assertThat(back.fields()).isEqualTo(e.fields());
        assertThat(formatter.format(back)).isEqualTo(json);
    }

    @Test
    void randomEventsRoundTrip() {
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            Event.Builder b = Event.builder()
                    .timegenerated(Instant.ofEpochSecond(r.nextInt(2_000_000_000), r.nextInt(1_000_000_000)))
                    .priority(r.nextInt(192))
                    .message(randomText(r, 40));
            if (r.nextBoolean()) {
                b.timereported(OffsetDateTime.ofInstant(Instant.ofEpochSecond(r.nextInt(2_000_000_000), r.nextInt(1_000_000) * 1000L),
                        java.time.ZoneOffset.ofTotalSeconds((r.nextInt(49) - 24) * 1800)));
            }
            if (r.nextBoolean()) {
                b.host(randomText(r, 10));
            }
            if (r.nextBoolean()) {
                b.appName(randomText(r, 10)).procId(randomText(r, 4));
            }
            if (r.nextBoolean()) {
                b.structuredData(randomText(r, 5), randomText(r, 5), randomText(r, 8));
            }
            if (r.nextBoolean()) {
                b.tag(randomText(r, 6)).field(randomText(r, 6), r.nextBoolean() ? r.nextLong() : r.nextDouble());
            }
            Event e = b.build();
            assertThat(parser.parse(formatter.format(e), origin).orElseThrow()).isEqualTo(e);
        }
    }

    private static String randomText(Random r, int max) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(10);
            if (k == 0) {
                sb.append((char) r.nextInt(0x20));
            } else if (k == 1) {
                sb.appendCodePoint(0x80 + r.nextInt(0xD800 - 0x80));
            } else if (k == 2) {
                sb.appendCodePoint(0x1F600 + r.nextInt(50));
            } else {
                sb.append((char) (0x20 + r.nextInt(0x5F)));
            }
        }
        return sb.toString();
    }
}
