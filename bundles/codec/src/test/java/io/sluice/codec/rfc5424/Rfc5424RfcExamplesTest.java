package io.sluice.codec.rfc5424;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.Facility;
import io.sluice.api.Severity;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples of RFC 5424 §6.5 and the SD elements of §6.3 / §7, from {@code corpus/syslog/rfc-examples/}. */
class Rfc5424RfcExamplesTest {
    private static final Origin ORIGIN = new Origin("peer.example.net", Instant.parse("2024-05-01T12:00:00Z"));
    private final Rfc5424Parser parser = new Rfc5424Parser(ParserOptions.defaults());

    @Test
    void rfc5424_section6_5_examples_parse() throws IOException {
        List<byte[]> lines = lines("/corpus/syslog/rfc-examples/rfc5424-section6.5-examples.log");
        assertThat(lines).hasSize(4);
        // The file holds the real BOM bytes.
        assertThat(indexOf(lines.get(0), new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})).isPositive();

        List<Expected> expected = List.of(
                // Example 1: BOM then a UTF-8 message; no structured data.
                Expected.pri(34).ts("2003-10-11T22:14:15.003Z").host("mymachine.example.com").app("su")
                        .msgId("ID47").msg("'su root' failed for lonvick on /dev/pts/8"),
                // Example 2: microseconds and a -07:00 offset; MSG-ANY.
                Expected.pri(165).ts("2003-08-24T05:14:15.000003-07:00").host("192.0.2.1").app("myproc")
                        .procId("8710").msg("%% It's time to make the do-nuts."),
                // Example 3: structured data and a BOM message.
                Expected.pri(165).ts("2003-10-11T22:14:15.003Z").host("mymachine.example.com").app("evntslog")
                        .msgId("ID47").sd("exampleSDID@32473", "iut", "3")
                        .sd("exampleSDID@32473", "eventSource", "Application")
                        .sd("exampleSDID@32473", "eventID", "1011").msg("An application event log entry..."),
                // Example 4: two SD elements and no MSG.
                Expected.pri(165).ts("2003-10-11T22:14:15.003Z").host("mymachine.example.com").app("evntslog")
                        .msgId("ID47").sd("exampleSDID@32473", "iut", "3")
                        .sd("exampleSDID@32473", "eventSource", "Application")
                        .sd("exampleSDID@32473", "eventID", "1011").sd("examplePriority@32473", "class", "high"));
        for (int i = 0; i < lines.size(); i++) {
            ParseResult r = parser.parse(lines.get(i), ORIGIN);
            assertThat(r.isSuccess()).as("example %d: %s", i + 1, r.error()).isTrue();
            expected.get(i).assertMatches(r.event());
        }
        Event first = parser.parse(lines.get(0), ORIGIN).event();
        assertThat(first.facility()).isEqualTo(Facility.AUTH);
        assertThat(first.severity()).isEqualTo(Severity.CRITICAL);
        Event second = parser.parse(lines.get(1), ORIGIN).event();
        assertThat(second.facility()).isEqualTo(Facility.LOCAL4);
        assertThat(second.severity()).isEqualTo(Severity.NOTICE);
        assertThat(second.timereported().toInstant()).isEqualTo(Instant.parse("2003-08-24T12:14:15.000003Z"));
    }

    @Test
    void rfc5424_structured_data_elements_parse() throws IOException {
        List<byte[]> lines = lines("/corpus/syslog/rfc-examples/rfc5424-structured-data-elements.txt");
        assertThat(lines).hasSize(4);
        List<Expected> expected = List.of(
                Expected.pri(165).sd("exampleSDID@32473", "iut", "3")
                        .sd("exampleSDID@32473", "eventSource", "Application")
                        .sd("exampleSDID@32473", "eventID", "1011").sd("examplePriority@32473", "class", "high"),
                Expected.pri(165).sd("timeQuality", "tzKnown", "1").sd("timeQuality", "isSynced", "1")
                        .sd("timeQuality", "syncAccuracy", "60000"),
                // Two values of "ip", kept in order.
                Expected.pri(165).sd("origin", "ip", "192.0.2.1").sd("origin", "ip", "192.0.2.129")
                        .sd("origin", "enterpriseId", "32473").sd("origin", "software", "syslog-ng")
                        .sd("origin", "swVersion", "3.0"),
                Expected.pri(165).sd("meta", "sequenceId", "1").sd("meta", "sysUpTime", "4711")
                        .sd("meta", "language", "en-US"));
        for (int i = 0; i < lines.size(); i++) {
            String sd = new String(lines.get(i), StandardCharsets.UTF_8);
            ParseResult r = parser.parse("<165>1 - - - - - " + sd + " msg", new Origin(null, ORIGIN.receivedAt()));
            assertThat(r.isSuccess()).as("line %d: %s", i + 1, r.error()).isTrue();
            expected.get(i).msg("msg").assertMatches(r.event());
        }
    }

    static List<byte[]> lines(String resource) throws IOException {
        byte[] all;
        try (InputStream in = Rfc5424RfcExamplesTest.class.getResourceAsStream(resource)) {
            all = in.readAllBytes();
        }
        List<byte[]> out = new ArrayList<>();
        int s = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                if (i > s) {
                    byte[] line = new byte[i - s];
                    System.arraycopy(all, s, line, 0, line.length);
                    out.add(line);
                }
                s = i + 1;
            }
        }
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
