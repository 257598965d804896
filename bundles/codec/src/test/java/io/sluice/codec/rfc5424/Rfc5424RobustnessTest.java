package io.sluice.codec.rfc5424;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** No input makes the parser throw; errors always point inside the message. Seeded, so repeatable. */
class Rfc5424RobustnessTest {
    private static final Origin ORIGIN = new Origin("peer", Instant.parse("2024-05-01T12:00:00Z"));
    private static final byte[] ALPHABET =
            "<>0123456789 -T:Z.+[]=\"\\@abcXYZ\n\r\t\u0000".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] SPECIAL = {0, '\n', ' ', '"', '\\', ']', '[', '=', '-', '<', '>', (byte) 0xEF,
            (byte) 0xBB, (byte) 0xBF, (byte) 0xC3, (byte) 0xFF, (byte) 0x80, '0', '9'};

    private final Rfc5424Parser strict = new Rfc5424Parser(ParserOptions.defaults().withMaxMessageBytes(512));
    private final Rfc5424Parser lenient =
            new Rfc5424Parser(ParserOptions.defaults().withLenient(true).withMaxMessageBytes(512));

    private static List<byte[]> validMessages() {
        List<byte[]> out = new ArrayList<>();
        for (String s : List.of(
                "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u00ef\u00bb\u00bf'su root' failed",
                "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
                "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\""
                        + " eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]",
                "<13>1 - - - - - [a@1 k=\"\\\"\\\\\\]x\" k=\"2\"][b@1] m\u00e9ssage\n",
                "<191>999 9999-12-31T23:59:59.999999-23:59 h a p m - x")) {
            out.add(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @Test
    void randomBytesNeverThrowAndErrorsPointInsideTheMessage() {
        Random rnd = new Random(5424);
        for (int n = 0; n < 20_000; n++) {
            byte[] msg = new byte[rnd.nextInt(120)];
            boolean syslogish = rnd.nextBoolean();
            for (int i = 0; i < msg.length; i++) {
                msg[i] = syslogish ? ALPHABET[rnd.nextInt(ALPHABET.length)] : (byte) rnd.nextInt(256);
            }
            if (syslogish && msg.length > 4) {
                System.arraycopy("<1>1".getBytes(StandardCharsets.ISO_8859_1), 0, msg, 0, 4);
            }
            check(msg);
        }
    }

    @Test
    void truncationsAndMutationsOfValidMessagesNeverThrow() {
        Random rnd = new Random(6587);
        for (byte[] valid : validMessages()) {
            assertThat(strict.parse(valid, ORIGIN).isSuccess()).as(new String(valid, StandardCharsets.ISO_8859_1))
                    .isTrue();
            for (int len = 0; len <= valid.length; len++) {
                byte[] prefix = java.util.Arrays.copyOf(valid, len);
                check(prefix);
                // The same bytes as a slice of a larger buffer.
                ParseResult r = strict.parse(valid, 0, len, ORIGIN);
                assertThat(r.isSuccess()).isEqualTo(strict.parse(prefix, ORIGIN).isSuccess());
            }
            for (int i = 0; i < valid.length; i++) {
                for (byte b : SPECIAL) {
                    byte[] m = valid.clone();
                    m[i] = b;
                    check(m);
                }
                byte[] m = valid.clone();
                m[i] = (byte) rnd.nextInt(256);
                check(m);
            }
        }
    }

    private void check(byte[] msg) {
        ParseResult r = strict.parse(msg, ORIGIN);
        assertThat(r).isNotNull();
        if (!r.isSuccess()) {
            ParseError e = r.error();
            assertThat(e.offset()).as("%s", e).isBetween(0, msg.length);
            assertThat(e.message()).as("%s", e).startsWith("expecting").doesNotContain("internal");
            assertThat(e.raw()).isEqualTo(msg);
        } else {
            assertThat(r.event().message()).isNotNull();
        }
        ParseResult l = lenient.parse(msg, ORIGIN);
        assertThat(l.isSuccess()).isTrue();
        assertThat(l.event().tags().contains(ParseError.TAG)).isEqualTo(!r.isSuccess());
    }
}
