package io.sluice.codec.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.Signature;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The EventParser contract: never throw, whatever the bytes; failures carry the raw bytes. */
class JsonEventParserRobustnessTest {
    private static final Origin ORIGIN = Origin.now("peer");
    private final JsonEventParser strict = new JsonEventParser(ParserOptions.defaults().withMaxMessageBytes(4096));
    private final JsonEventParser lenient = new JsonEventParser(ParserOptions.defaults().withLenient(true));

    private static final byte[] SAMPLE = new JsonEventFormatter().format(Event.builder()
            .timereported(OffsetDateTime.parse("2003-10-11T22:14:15.003-07:00"))
            .host("h").appName("a").procId("1").msgId("m").message("ünï 😀 \n msg")
            .structuredData("x@1", "p", "v").tag("t").field("f", Map.of("l", List.of(1, 2.5, "s", true)))
            .hmac(new Signature("k", "dg=="))
            .build()).getBytes(StandardCharsets.UTF_8);

    private void check(byte[] data, int offset, int length) {
        ParseResult r = strict.parse(data, offset, length, ORIGIN);
        assertThat(r).isNotNull();
        if (!r.isSuccess()) {
            assertThat(r.error().raw()).isEqualTo(Arrays.copyOfRange(data, offset, offset + length));
            assertThat(r.error().offset()).isBetween(-1, length);
        }
        ParseResult l = lenient.parse(data, offset, length, ORIGIN);
        assertThat(l.isSuccess()).as("%s", l).isTrue();
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(64)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = '{';
            }
            check(b, 0, b.length);
        }
    }

    @Test
    void everyTruncationOfAValidEventFailsCleanly() {
        for (int len = 0; len < SAMPLE.length; len++) {
            check(SAMPLE, 0, len);
            assertThat(strict.parse(SAMPLE, 0, len, ORIGIN).isSuccess()).as("prefix of %d bytes", len).isFalse();
        }
        assertThat(strict.parse(SAMPLE, ORIGIN).isSuccess()).isTrue();
    }

    @Test
    void everySuffixOfAValidEventFailsOrParsesWithoutThrowing() {
        for (int from = 0; from <= SAMPLE.length; from++) {
            check(SAMPLE, from, SAMPLE.length - from);
        }
    }

    @Test
    void mutatedValidEventsNeverThrow() {
        Random r = new Random(2);
        byte[] specials = "{}[]\":,\\ 0-eE.tfn\u0000".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = SAMPLE.clone();
            int edits = 1 + r.nextInt(3);
            for (int k = 0; k < edits; k++) {
                int at = r.nextInt(b.length);
                b[at] = r.nextBoolean() ? specials[r.nextInt(specials.length)] : (byte) r.nextInt(256);
            }
            check(b, 0, b.length);
        }
    }

    @Test
    void badArgumentsAreAFailureNotAnException() {
        byte[] b = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(strict.parse(b, 5, 1, ORIGIN).isSuccess()).isFalse();
        assertThat(strict.parse(b, 1, Integer.MAX_VALUE, ORIGIN).isSuccess()).isFalse();
        assertThat(strict.parse(b, -1, 2, ORIGIN).isSuccess()).isFalse();
        assertThat(strict.parse(null, 0, 0, ORIGIN).isSuccess()).isFalse();
        assertThat(strict.parse(b, 0, 2, null).isSuccess()).isFalse();
        assertThat(lenient.parse(b, 0, 2, null).isSuccess()).isFalse();
    }

    @Test
    void hostileShapesNeverThrow() {
        String[] inputs = {
            "{", "}", "{\"", "{\"a\"", "{\"a\":", "{\"a\":}", "{,}", "{\"a\":1,}", "[", "null", "0", "-",
            "{\"a\":" + "[".repeat(10_000), "{\"a\":" + "{\"b\":".repeat(5_000),
            "{\"a\":1" + "9".repeat(5_000) + "}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\uD800\"}", "{'a':1}",
            "{\"time\":1e300}", "{\"time\":-1e30}", "{\"time\":\"+999999999-01-01T00:00:00Z\"}",
            "{\"severity\":99999999999999999999}", "{\"pri\":-1}", "{\"facility\":1.5}",
            "{\"host\":{\"name\":5}}", "{\"structured_data\":{\"a\":{\"p\":[[1]]}}}",
            "\u0000\u0000\u0000{", "\uFEFF{}", "{}\u0000", "{/*c*/}", "{\"a\":NaN}", "{\"a\":01}",
        };
        for (String s : inputs) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            check(b, 0, b.length);
        }
    }
}
