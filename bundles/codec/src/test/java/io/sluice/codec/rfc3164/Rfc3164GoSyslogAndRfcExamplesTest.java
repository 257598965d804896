package io.sluice.codec.rfc3164;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.api.Event;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParserOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** go-syslog's RFC 3164 machine cases and the five examples of RFC 3164 §5.4. */
class Rfc3164GoSyslogAndRfcExamplesTest {
    static final ParserOptions OPTIONS = new ParserOptions(false, ZoneOffset.UTC,
            Clock.fixed(Instant.parse("2019-02-08T08:37:49Z"), ZoneOffset.UTC), ParserOptions.DEFAULT_MAX_MESSAGE_BYTES);
    static final Origin ORIGIN = new Origin("peer.example", Instant.parse("2019-02-08T08:37:50Z"));

    static Stream<JsonNode> goSyslogCases() {
        return Corpus.jsonl("go-syslog/rfc3164-machine-cases.jsonl").stream();
    }

    /**
     * go-syslog takes a word as the tag only when a colon (or [pid]:) ends it; rsyslog takes the first
     * word after the hostname as the tag in any case (testbench parsertest-parse1: "tag This msg"),
     * and Sluice follows rsyslog. Deviating inputs: their first word becomes appName.
     */
    static final java.util.Set<String> FIRST_WORD_IS_TAG = java.util.Set.of(
            "<166>Jul  6 20:33:28 ABC-1-234567 Some message here",
            "<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!");

    @ParameterizedTest(name = "{0}")
    @MethodSource("goSyslogCases")
    void goSyslogExpectationsHoldExceptTaglessMessages(JsonNode c) {
        JsonNode x = c.get("expected");
        if (FIRST_WORD_IS_TAG.contains(Corpus.text(c, "input"))) {
            Event e = new Rfc3164Parser(OPTIONS).parse(Corpus.text(c, "input"), ORIGIN).orElseThrow();
            String goMessage = Corpus.text(x, "message");
            assertThat(Corpus.text(x, "appname")).isNull();
            assertThat(e.host()).isEqualTo(Corpus.text(x, "hostname"));
            assertThat(e.appName()).isEqualTo(goMessage.substring(0, goMessage.indexOf(' ')));
            assertThat(e.message()).isEqualTo(goMessage.substring(goMessage.indexOf(' ') + 1));
            return;
        }
        assertThat(c.get("valid").asBoolean()).isTrue();
        Event e = new Rfc3164Parser(OPTIONS).parse(Corpus.text(c, "input"), ORIGIN).orElseThrow();
        assertThat(e.priority()).isEqualTo(x.get("priority").asInt());
        assertThat(e.facility().code()).isEqualTo(x.get("facility").asInt());
        assertThat(e.severity().code()).isEqualTo(x.get("severity").asInt());
        // "Jan 12 06:30:00  (layout time.Stamp)": Go's Stamp layout, day space-padded
        String stamp = Corpus.text(x, "timestamp").replace("  (layout time.Stamp)", "").replaceAll(" +", " ");
        assertThat(e.timereported().format(DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ENGLISH)))
                .isEqualTo(stamp);
        assertThat(e.host()).isEqualTo(Corpus.text(x, "hostname"));
        assertThat(e.appName()).isEqualTo(Corpus.text(x, "appname"));
        assertThat(e.procId()).isEqualTo(Corpus.text(x, "procid"));
        assertThat(e.message()).isEqualTo(Corpus.text(x, "message"));
    }

    /**
     * RFC 3164 gives no machine-readable expectations; these are Sluice's, following rsyslog's
     * heuristics, with the RFC's own reading noted where it differs.
     */
    @Test
    void rfc3164Section54Examples() {
        Rfc3164Parser parser = new Rfc3164Parser(OPTIONS);
        List<String> lines = Corpus.lines("rfc-examples/rfc3164-section5.4-examples.log");
        assertThat(lines).hasSize(5);

        Event e1 = parser.parse(lines.get(0), ORIGIN).orElseThrow();
        assertThat(e1.priority()).isEqualTo(34);
        assertThat(e1.timereported()).isEqualTo(OffsetDateTime.parse("2018-10-11T22:14:15Z"));
        assertThat(e1.host()).isEqualTo("mymachine");
        assertThat(e1.appName()).isEqualTo("su");
        assertThat(e1.message()).isEqualTo("'su root' failed for lonvick on /dev/pts/8");

        // No PRI, no timestamp: user.notice (§4.3.3), the first word is the tag, host is the peer.
        Event e2 = parser.parse(lines.get(1), ORIGIN).orElseThrow();
        assertThat(e2.priority()).isEqualTo(13);
        assertThat(e2.timereported()).isNull();
        assertThat(e2.host()).isEqualTo("peer.example");
        assertThat(e2.appName()).isEqualTo("Use");
        assertThat(e2.message()).isEqualTo("the BFG!");

        // The RFC: "Use the BFG!" is all CONTENT (no TAG). The heuristic takes "Use" as the tag.
        Event e3 = parser.parse(lines.get(2), ORIGIN).orElseThrow();
        assertThat(e3.priority()).isEqualTo(13);
        assertThat(e3.timereported()).isEqualTo(OffsetDateTime.parse("2019-02-05T17:32:18Z"));
        assertThat(e3.host()).isEqualTo("10.0.0.99");
        assertThat(e3.appName()).isEqualTo("Use");
        assertThat(e3.message()).isEqualTo("the BFG!");

        // "CST 1987" after the time is not part of the timestamp (the RFC calls this message invalid):
        // "CST" is the hostname, "1987" the tag.
        Event e4 = parser.parse(lines.get(3), ORIGIN).orElseThrow();
        assertThat(e4.priority()).isEqualTo(165);
        assertThat(e4.timereported()).isEqualTo(OffsetDateTime.parse("2018-08-24T05:34:00Z"));
        assertThat(e4.host()).isEqualTo("CST");
        assertThat(e4.appName()).isEqualTo("1987");
        assertThat(e4.message()).startsWith("mymachine myproc[10]: %% It's time to make the do-nuts.");

        // A year before the month is accepted (as rsyslog does for Brocade); "TZ-6" is then the hostname.
        Event e5 = parser.parse(lines.get(4), ORIGIN).orElseThrow();
        assertThat(e5.priority()).isZero();
        assertThat(e5.timereported()).isEqualTo(OffsetDateTime.parse("1990-10-22T10:52:01Z"));
        assertThat(e5.host()).isEqualTo("TZ-6");
        assertThat(e5.appName()).isEqualTo("scapegoat.dmz.example.org");
        assertThat(e5.message()).isEqualTo("10.1.2.3 sched[0]: That's All Folks!");
    }
}
