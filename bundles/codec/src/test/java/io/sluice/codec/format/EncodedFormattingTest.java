package io.sluice.codec.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.EventBinary;
import io.sluice.api.codec.ByteSink;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import io.sluice.codec.Codecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rsyslog file format written straight from stored events must be byte for byte what the
 * decoded path writes: checked on every line of the rsyslog test bench inputs in the corpus and on
 * events made to hit each rule (escapes, reserved characters, lengths, offsets, odd years).
 */
class EncodedFormattingTest {
    private final RsyslogFileFormatter formatter = new RsyslogFileFormatter();
    private final EventBinary.View view = new EventBinary.View();

    /** The decoded path's bytes, and the encoded path's (null when it declined). */
    private record Both(String decoded, String encoded) {
    }

    private Both both(Event e) {
        StringBuilder sb = new StringBuilder();
        formatter.format(e, sb);
        assertThat(view.read(EventBinary.encode(e))).isTrue();
        ByteSink sink = new ByteSink(16);
        sink.write('>'); // what is already in the sink stays
        boolean done = formatter.formatEncoded(view, sink);
        byte[] out = java.util.Arrays.copyOfRange(sink.buffer().array(), 0, sink.length());
        if (!done) {
            assertThat(sink.length()).as("nothing written when declined").isEqualTo(1);
            return new Both(sb.toString(), null);
        }
        return new Both(sb.toString(), new String(out, 1, out.length - 1, StandardCharsets.UTF_8));
    }

    @Test
    void everyCorpusLineComesOutTheSameFromItsStoredEncoding() throws Exception {
        EventParser parser = Codecs.parser("auto", ParserOptions.defaults().withZone(ZoneOffset.ofHours(2)));
        Origin origin = new Origin("192.0.2.1", Instant.parse("2026-12-04T10:00:00.123456789Z"));
        Path dir = Path.of(EncodedFormattingTest.class.getResource("/corpus/syslog/rsyslog-testbench").toURI());
        int lines = 0;
        int encoded = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".input")).sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    byte[] raw = line.getBytes(StandardCharsets.ISO_8859_1);
                    ParseResult r = parser.parse(raw, 0, raw.length, origin);
                    if (!r.isSuccess()) {
                        continue;
                    }
                    Both b = both(r.event());
                    lines++;
                    if (b.encoded() != null) {
                        encoded++;
                        assertThat(b.encoded()).as(f.getFileName() + ": " + line).isEqualTo(b.decoded());
                    }
                }
            }
        }
        assertThat(lines).isGreaterThan(100);
        assertThat(encoded).as("most lines take the encoded path").isGreaterThan(lines / 2);
    }

    @Test
    void eachRuleGivesTheSameBytesOrDeclines() {
        OffsetDateTime t = OffsetDateTime.parse("2026-12-04T11:22:33.123456789+05:30");
        Event base = Event.builder().timereported(t).timegenerated(Instant.parse("2026-12-04T05:52:34Z"))
                .host("web-1").appName("nginx").procId("42").message("GET / 200").build();
        List<Event> same = new ArrayList<>(List.of(base,
                base.toBuilder().message("").build(),
                base.toBuilder().message(" starts with a space").build(),
                base.toBuilder().message("ends with a line feed\n").build(),
                base.toBuilder().message("tab\tbell\u0007 del\u007f nul\u0000 end").build(),
                base.toBuilder().message("ünïcödé ✓ and 😀").build(),
                base.toBuilder().host(null).appName(null).procId(null).build(),
                base.toBuilder().host("").appName("").procId("").build(),
                base.toBuilder().timereported(null).build(),
                base.toBuilder().timereported(OffsetDateTime.parse("1999-02-28T23:59:59Z")).build(),
                base.toBuilder().timereported(OffsetDateTime.parse("2024-02-29T00:00:00.000001-08:00")).build(),
                base.toBuilder().timereported(OffsetDateTime.parse("0001-01-01T00:00:00Z")).build(),
                base.toBuilder().timereported(OffsetDateTime.parse("9999-12-31T23:59:59.999999999+14:00")).build(),
                // an offset with seconds is written at UTC, both ways
                base.toBuilder().timereported(OffsetDateTime.of(2026, 12, 4, 1, 2, 3, 0, ZoneOffset.ofTotalSeconds(3601)))
                        .build(),
                base.toBuilder().host("h".repeat(255)).appName("a".repeat(48)).procId("p".repeat(128)).build()));
        for (Event e : same) {
            Both b = both(e);
            assertThat(b.encoded()).as(b.decoded()).isEqualTo(b.decoded());
        }
        List<Event> declined = List.of(
                base.toBuilder().host("hôte").build(),
                base.toBuilder().host("with space").build(),
                base.toBuilder().host("h".repeat(256)).build(),
                base.toBuilder().appName("app:colon").build(),
                base.toBuilder().appName("a".repeat(49)).build(),
                base.toBuilder().procId("[1]").build(),
                base.toBuilder().timereported(OffsetDateTime.parse("+10000-01-01T00:00:00Z")).build());
        for (Event e : declined) {
            assertThat(both(e).encoded()).as(e.host() + " " + e.appName() + " " + e.timereported()).isNull();
        }
    }

    @Test
    void timestampsFromEpochSecondsMatchTheDecodedOnesOverTheWholeRange() {
        Random random = new Random(42);
        long min = OffsetDateTime.parse("0000-01-01T00:00:00Z").toEpochSecond() + 86_400;
        long max = OffsetDateTime.parse("9999-12-30T00:00:00Z").toEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long second = min + (long) (random.nextDouble() * (max - min));
            int nano = random.nextInt(1_000_000_000);
            int offset = (random.nextInt(18 * 4 * 2 + 1) - 18 * 4) * 15 * 60;
            OffsetDateTime t = OffsetDateTime.ofInstant(Instant.ofEpochSecond(second, nano), ZoneOffset.ofTotalSeconds(offset));
            String decoded = Timestamps.appendRfc3339(new StringBuilder(), t, 6, true).toString();
            ByteSink sink = new ByteSink(8);
            assertThat(EncodedTime.appendRfc3339Micros(sink, second, nano, offset)).isTrue();
            assertThat(new String(sink.buffer().array(), 0, sink.length(), StandardCharsets.US_ASCII))
                    .as(t.toString()).isEqualTo(decoded);
        }
    }
}
