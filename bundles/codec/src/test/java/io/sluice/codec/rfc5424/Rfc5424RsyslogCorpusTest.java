package io.sluice.codec.rfc5424;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.Event;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rsyslog testbench inputs that go through the RFC 5424 parser ({@code corpus/syslog/rsyslog-testbench/}). */
class Rfc5424RsyslogCorpusTest {
    private static final String DIR = "/corpus/syslog/rsyslog-testbench/";
    private static final Origin ORIGIN = new Origin("127.0.0.1", Instant.parse("2024-05-01T12:00:00Z"));
    private final Rfc5424Parser parser = new Rfc5424Parser(ParserOptions.defaults());

    @Test
    void hostnameWithSlashIsKeptWhole() throws IOException {
        Event e = parseOnly("hostname-with-slash-pmrfc5424.input");
        assertThat(e.host()).isEqualTo(text("hostname-with-slash-pmrfc5424.expected").strip());
        assertThat(e.host()).isEqualTo("hostname1/hostname2");
        assertThat(e.appName()).isEqualTo("tcpflood");
        assertThat(e.msgId()).isEqualTo("tag");
        assertThat(e.structuredData()).isEqualTo(Map.of("tcpflood@32473", Map.of("MSGNUM", List.of("0"))));
        assertThat(e.message()).isEqualTo("data");
    }

    @Test
    void mmpstrucdataCaseKeepsSdNameCase() throws IOException {
        Event e = parseOnly("mmpstrucdata-case.input");
        assertThat(e.structuredData()).isEqualTo(Map.of("tcpflood@32473", Map.of("eventID", List.of("1011"))));
        assertThat(e.message()).isEqualTo("valid structured data");
    }

    /**
     * rsyslog's mmpstrucdata lower-cases SD-IDs and param names by default ({@code sd_name.lowercase});
     * Sluice keeps them as sent (RFC 5424 §6.3.2: SD-IDs are case-sensitive), so names are compared
     * lower-cased here. The values, unescaped, must match exactly.
     */
    @Test
    void mmpstrucdataEscapingUnescapesValuesAsRsyslogDoes() throws IOException {
        Event e = parseOnly("mmpstrucdata-escaping.input");
        assertThat(e.host()).isEqualTo("A/B-896747");
        assertThat(e.structuredData().get("ABC@32473").get("bracket")).containsExactly("1]2");
        JsonNode expected = new ObjectMapper().readTree(text("mmpstrucdata-escaping.expected"));
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> els = expected.fields(); els.hasNext(); ) {
            Map.Entry<String, JsonNode> el = els.next();
            Map<String, List<String>> ours = lowerCaseKey(e.structuredData(), el.getKey());
            assertThat(ours).as(el.getKey()).isNotNull();
            for (Iterator<Map.Entry<String, JsonNode>> ps = el.getValue().fields(); ps.hasNext(); ) {
                Map.Entry<String, JsonNode> p = ps.next();
                assertThat(lowerCaseKey(ours, p.getKey())).as(el.getKey() + "." + p.getKey())
                        .containsExactly(p.getValue().asText());
                checked++;
            }
        }
        assertThat(checked).isEqualTo(6);
        assertThat(e.message()).isEqualTo("TESTMESSAGE");
    }

    private static <V> V lowerCaseKey(Map<String, V> map, String lowerKey) {
        for (Map.Entry<String, V> en : map.entrySet()) {
            if (en.getKey().toLowerCase(Locale.ROOT).equals(lowerKey)) {
                return en.getValue();
            }
        }
        return null;
    }

    private Event parseOnly(String input) throws IOException {
        List<byte[]> lines = Rfc5424RfcExamplesTest.lines(DIR + input);
        assertThat(lines).hasSize(1);
        ParseResult r = parser.parse(lines.get(0), ORIGIN);
        assertThat(r.isSuccess()).as("%s", r.error()).isTrue();
        return r.event();
    }

    private static String text(String name) throws IOException {
        try (InputStream in = Rfc5424RsyslogCorpusTest.class.getResourceAsStream(DIR + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
