package io.sluice.codec.auto;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import io.sluice.codec.Codecs;
import io.sluice.codec.auto.AutoDetectingParser.Detected;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AutoDetectingParserTest {
    private static final Origin ORIGIN = new Origin("192.0.2.9", Instant.parse("2026-11-23T10:00:00Z"));
    private static final ParserOptions OPTIONS = ParserOptions.defaults().withZone(ZoneOffset.UTC)
            .withClock(Clock.fixed(ORIGIN.receivedAt(), ZoneOffset.UTC));
    private final EventParser auto = Codecs.parser("auto", OPTIONS);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - msg | RFC5424",
        "<165>1 - - - - - - | RFC5424",
        "<34>1 - | RFC5424",
        "<34>Oct 11 22:14:15 mymachine su: 'su root' failed | RFC3164",
        "<189>29: foo: *Apr 29 13:58:40.411: %SYS-5-CONFIG_I: Configured | RFC3164",
        "<13>1 is not a version here | RFC3164",
        "<13>10 2003 something | RFC3164",
        "Use the BFG! | RFC3164",
        "'  {\"message\":\"x\"}' | JSON",
        "'   ' | EMPTY"})
    void formatIsChosenFromTheFirstBytes(String message, Detected expected) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        assertThat(AutoDetectingParser.detect(b, 0, b.length)).isEqualTo(expected);
    }

    @Test
    void detectionRespectsOffsetAndLength() {
        byte[] b = "xx{\"message\":\"a\"}<34>1 - - - - - -".getBytes(StandardCharsets.UTF_8);
        assertThat(AutoDetectingParser.detect(b, 2, 15)).isEqualTo(Detected.JSON);
        assertThat(AutoDetectingParser.detect(b, 17, b.length - 17)).isEqualTo(Detected.RFC5424);
    }

    @Test
    void eachFormatParsesThroughTheChosenParser() {
        Event e5424 = auto.parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + "[exampleSDID@32473 iut=\"3\"] An application event log entry", ORIGIN).orElseThrow();
        assertThat(e5424.msgId()).isEqualTo("ID47");
        assertThat(e5424.structuredData()).containsKey("exampleSDID@32473");

        Event e3164 = auto.parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed", ORIGIN).orElseThrow();
        assertThat(e3164.host()).isEqualTo("mymachine");
        assertThat(e3164.appName()).isEqualTo("su");

        Event json = auto.parse("{\"host\":\"h1\",\"message\":\"hello\",\"severity\":\"warn\"}", ORIGIN).orElseThrow();
        assertThat(json.host()).isEqualTo("h1");
        assertThat(json.severity().keyword()).isEqualTo("warning");
    }

    @Test
    void tlsClientHelloOnAPlainPortIsAnUnknownFormatCarryingTheRawBytes() {
        byte[] hello = {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03};
        ParseResult r = auto.parse(hello, ORIGIN);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.error().kind()).isEqualTo(ParseError.Kind.UNKNOWN_FORMAT);
        assertThat(r.error().format()).isEqualTo("auto");
        assertThat(r.error().raw()).isEqualTo(hello);
        assertThat(r.error().message()).contains("0x16");
    }

    @Test
    void emptyInputIsAnEmptyError() {
        ParseResult r = auto.parse(new byte[0], ORIGIN);
        assertThat(r.error().kind()).isEqualTo(ParseError.Kind.EMPTY);
    }

    @Test
    void lenientModeKeepsUnknownBytesAsATaggedEvent() {
        EventParser lenient = Codecs.parser("auto", OPTIONS.withLenient(true));
        Event e = lenient.parse(new byte[] {0x16, 0x03, 0x01, 'x'}, ORIGIN).orElseThrow();
        assertThat(e.tags()).contains(ParseError.TAG);
        assertThat(e.host()).isEqualTo("192.0.2.9");
        assertThat((String) e.field(ParseError.FIELD_ERROR)).contains("unknown_format");
    }

    @Test
    void realUdpPayloadsFromPcapsAreDetected() throws IOException {
        for (String name : new String[] {"syslog-single-udp.udp-127.0.0.1_57067-127.0.0.1_514.bin",
                "syslog-missing-pri.udp-192.168.2.118_60786-192.168.2.21_514.bin"}) {
            byte[] payload = resource("corpus/syslog/wire-from-zeek-pcaps/" + name);
            ParseResult r = auto.parse(payload, ORIGIN);
            assertThat(r.isSuccess()).as(name + ": " + r).isTrue();
        }
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(300)];
            random.nextBytes(b);
            if (b.length > 0 && random.nextBoolean()) {
                b[0] = (byte) "<{ a"
                        .charAt(random.nextInt(4));
            }
            ParseResult r = auto.parse(b, ORIGIN);
            assertThat(r.isSuccess() ^ r.error() != null).isTrue();
        }
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = AutoDetectingParserTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }
}
