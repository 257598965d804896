package io.sluice.codec.rfc3164;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The parser never throws and never hits its internal safety net, whatever the bytes. */
class Rfc3164RobustnessTest {
    static final ParserOptions STRICT = new ParserOptions(false, ZoneId.of("Europe/Berlin"),
            Clock.fixed(Instant.parse("2019-02-08T08:37:49Z"), ZoneId.of("Europe/Berlin")), 4096);
    static final Rfc3164Parser STRICT_PARSER = new Rfc3164Parser(STRICT);
    static final Rfc3164Parser LENIENT_PARSER = new Rfc3164Parser(STRICT.withLenient(true));
    static final Origin ORIGIN = new Origin("peer", Instant.parse("2019-02-08T08:37:50Z"));
    static final EnumSet<ParseError.Kind> STRICT_FAILURES = EnumSet.of(ParseError.Kind.EMPTY,
            ParseError.Kind.TOO_LONG, ParseError.Kind.SYNTAX, ParseError.Kind.INVALID_VALUE);

    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (String f : List.of("rsyslog-testbench/parsertest-parse1.input", "rfc-examples/rfc3164-section5.4-examples.log",
                "syslog-ng/cisco-samples.log", "rsyslog-testbench/timestamp-3164.input",
                "rsyslog-testbench/pmrfc3164-json.input")) {
            seeds.addAll(Corpus.byteLines(f));
        }
        seeds.add(("<38>Feb  7 10:00:01 web-1 sshd[1234]: session opened"
                + " @[_PID=1234 _UID=0 _GID=0 _COMM=sshd _EXE=/usr/sbin/sshd _CMDLINE=sshd: user [priv]]")
                .getBytes(StandardCharsets.UTF_8));
        seeds.add("<7>2006-10-29T02:00:00.156+01:00 bzorp openvpn[2499]: x".getBytes(StandardCharsets.UTF_8));
        return seeds;
    }

    static void check(byte[] in) {
        ParseResult strict = STRICT_PARSER.parse(in, ORIGIN);
        if (!strict.isSuccess()) {
            assertThat(strict.error().kind()).isIn(STRICT_FAILURES);
            assertThat(strict.error().message()).doesNotStartWith("parser failure");
        }
        ParseResult lenient = LENIENT_PARSER.parse(in, ORIGIN);
        assertThat(lenient.isSuccess()).isTrue();
        assertThat(lenient.event().timegenerated()).isEqualTo(ORIGIN.receivedAt());
        if (lenient.event().field(ParseError.FIELD_ERROR) instanceof String err) {
            assertThat(err).doesNotContain("parser failure");
        }
    }

    @Test
    void everyPrefixOfEveryCorpusLineParsesWithoutThrowing() {
        for (byte[] seed : seeds()) {
            for (int n = 0; n <= seed.length; n++) {
                check(java.util.Arrays.copyOf(seed, n));
            }
        }
    }

    @Test
    void everySuffixOfEveryCorpusLineParsesWithoutThrowing() {
        for (byte[] seed : seeds()) {
            for (int n = 0; n <= seed.length; n++) {
                check(java.util.Arrays.copyOfRange(seed, n, seed.length));
            }
        }
    }

    @Test
    void randomBytesParseWithoutThrowing() {
        Random rnd = new Random(3164);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(300)];
            rnd.nextBytes(b);
            check(b);
        }
    }

    @Test
    void randomSyslogAlphabetParsesWithoutThrowing() {
        byte[] alphabet = "<>0123456789 :.-+*%@[]_/TZJanFebDecMarAugESTGMT\t\0\n\u00e4".getBytes(StandardCharsets.ISO_8859_1);
        Random rnd = new Random(5424);
        for (int i = 0; i < 50_000; i++) {
            byte[] b = new byte[rnd.nextInt(80)];
            for (int j = 0; j < b.length; j++) {
                b[j] = alphabet[rnd.nextInt(alphabet.length)];
            }
            check(b);
        }
    }

    @Test
    void mutatedCorpusLinesParseWithoutThrowing() {
        Random rnd = new Random(42);
        List<byte[]> seeds = seeds();
        for (int i = 0; i < 30_000; i++) {
            byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
            for (int k = rnd.nextInt(4); k >= 0 && b.length > 0; k--) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            check(b);
        }
    }

    @Test
    void oversizedInputFailsOrTruncatesWithoutThrowing() {
        byte[] big = new byte[10_000];
        java.util.Arrays.fill(big, (byte) 'a');
        assertThat(STRICT_PARSER.parse(big, ORIGIN).error().kind()).isEqualTo(ParseError.Kind.TOO_LONG);
        io.sluice.api.Event e = LENIENT_PARSER.parse(big, ORIGIN).event();
        // the first 4096 bytes: a 510-byte tag (rsyslog's limit) and the rest as message
        assertThat(e.appName()).hasSize(510);
        assertThat(e.message()).hasSize(4096 - 510);
        assertThat(e.tags()).containsExactly(ParseError.TAG);
    }
}
