package io.sluice.codec.rfc3164;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.api.Event;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParserOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * syslog-ng's message-parser cases for BSD syslog (rows whose flags lack LP_SYSLOG_PROTOCOL) and its
 * Cisco parser cases. Upstream ran with {@code TZ=MET-1METDST} and "now" = 1549615069
 * (2019-02-08T08:37:49Z); the tests use the zone {@code MET} (CET/CEST rules) and that instant.
 */
class Rfc3164SyslogNgCasesTest {
    static final String MSGPARSE = "syslog-ng/msgparse-cases.jsonl";
    static final ParserOptions OPTIONS = new ParserOptions(false, ZoneId.of("MET"),
            Clock.fixed(Instant.ofEpochSecond(1549615069L), ZoneId.of("MET")), ParserOptions.DEFAULT_MAX_MESSAGE_BYTES);
    static final Origin ORIGIN = new Origin(Corpus.LOCAL_HOSTNAME, Instant.ofEpochSecond(1549615070L));

    /** Rows (1-based line numbers) that test syslog-ng options Sluice does not have. */
    static final Map<Integer, String> NOT_APPLICABLE = new LinkedHashMap<>();
    /** Rows where Sluice deliberately differs: the reason, and what Sluice gives instead. */
    static final Map<Integer, Deviation> DEVIATIONS = new LinkedHashMap<>();

    record Deviation(String reason, Consumer<Event> ours) {
    }

    static {
        String noExpectHostname = "flags lack LP_EXPECT_HOSTNAME (syslog-ng's no-hostname option); Sluice always"
                + " looks for a hostname after a timestamp, as rsyslog does";
        NOT_APPLICABLE.put(6, noExpectHostname);
        NOT_APPLICABLE.put(23, noExpectHostname);
        String badHostname = "bad_hostname_re '^ctld' (syslog-ng's bad-hostname() option)";
        for (int row = 27; row <= 31; row++) {
            NOT_APPLICABLE.put(row, badHostname);
        }
        NOT_APPLICABLE.put(64, "LP_NO_HEADER option (no header parsing at all)");
        NOT_APPLICABLE.put(66, "LP_SANITIZE_UTF8 option (syslog-ng escapes invalid UTF-8 as \\xNN; Sluice replaces it"
                + " with U+FFFD, see Rfc3164ParserTest)");
        NOT_APPLICABLE.put(68, "LP_NOPARSE option");

        String cisco = "Cisco %FAC-SEV-MNEMONIC: stays in the message and becomes the cisco field, not the program";
        Consumer<Event> pix = e -> {
            assertThat(e.appName()).isNull();
            assertThat(e.message()).startsWith("%PIX-6-302014: Teardown TCP connection 1688438");
            assertThat(e.field("cisco")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("facility", "PIX").containsEntry("severity", 6L)
                    .containsEntry("mnemonic", "302014");
        };
        DEVIATIONS.put(33, new Deviation(cisco, pix));
        DEVIATIONS.put(35, new Deviation(cisco + "; the '.' marker goes to cisco.time_marker, not to a timeQuality"
                + " SD element", pix.andThen(e -> {
                    assertThat(e.structuredData()).isEmpty();
                    assertThat(e.field("cisco")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                            .containsEntry("time_marker", ".");
                })));
        DEVIATIONS.put(37, new Deviation("a year after the time ('21:28:13 2007') is not detected, as in rsyslog's"
                + " default (detect.yearAfterTimestamp off): it becomes the hostname", e -> {
                    assertThat(e.host()).isEqualTo("2007");
                    assertThat(e.appName()).isEqualTo("linksys");
                    assertThat(e.message()).isEqualTo("app: msg");
                    assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2019-04-15T21:28:13+02:00"));
                }));
        DEVIATIONS.put(38, new Deviation("the pid in 'sshd[679960]' is kept (syslog-ng drops it after the AIX"
                + " 'Message forwarded from' prefix)", e -> {
                    assertThat(e.host()).isEqualTo("cdaix66");
                    assertThat(e.appName()).isEqualTo("sshd");
                    assertThat(e.procId()).isEqualTo("679960");
                    assertThat(e.message()).isEqualTo("Accepted publickey for nagios from 1.9.1.1 port 42096 ssh2");
                }));
        DEVIATIONS.put(34, new Deviation("the year of a yearless timestamp is the one nearest to now: 2018-11-22 is"
                + " 78 days before 2019-02-08; syslog-ng picks 2019-11-22, 287 days ahead", e -> {
                    assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2018-11-22T00:00:33+01:00"));
                    assertThat(e.host()).isEqualTo("192.168.33.8-1");
                    assertThat(e.appName()).isEqualTo("CMDLOGGER");
                    assertThat(e.procId()).isEqualTo("165319912");
                    assertThat(e.message()).isEqualTo("cmd_logger_api.c(83) 13518 %% CLI:192.168.32.100:root:User  logged in");
                }));
    }

    static Stream<Arguments> bsdRows() {
        List<JsonNode> rows = Corpus.jsonl(MSGPARSE);
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            if (String.valueOf(r.get("parse_flags")).contains("LP_SYSLOG_PROTOCOL")) {
                continue;
            }
            out.add(Arguments.of(i + 1, Corpus.text(r, "msg"), r));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "row {0}: {1}")
    @MethodSource("bsdRows")
    void syslogNgExpectationsHoldExceptListedDeviations(int row, String msg, JsonNode r) {
        if (NOT_APPLICABLE.containsKey(row)) {
            // still: whatever an option changes, the message parses
            assertThat(new Rfc3164Parser(OPTIONS).parse(msg, ORIGIN).isSuccess()).isTrue();
            return;
        }
        if (row == 62) {
            // This row's columns are shifted in the corpus (the C initialiser used designated fields);
            // transcribed by hand: .msg, .expected_stamp_sec, .expected_stamp_ofs, .expected_program,
            // .expected_host, .expected_msg
            Event e = new Rfc3164Parser(OPTIONS).parse("<0>Jan 10 01:00:00 0002:: prg0: msgtxt", ORIGIN).orElseThrow();
            assertThat(e.priority()).isZero();
            assertThat(e.timereported().toEpochSecond()).isEqualTo(1547078400L);
            assertThat(e.timereported().getOffset().getTotalSeconds()).isEqualTo(3600);
            assertThat(e.host()).isEqualTo("0002::");
            assertThat(e.appName()).isEqualTo("prg0");
            assertThat(e.message()).isEqualTo("msgtxt");
            return;
        }
        Event e = new Rfc3164Parser(OPTIONS).parse(msg, ORIGIN).orElseThrow();
        Deviation dev = DEVIATIONS.get(row);
        if (dev != null) {
            dev.ours().accept(e);
            return;
        }
        assertThat(e.priority()).as("pri").isEqualTo(r.get("expected_pri").asInt());
        long sec = r.get("expected_stamp_sec").asLong();
        if (sec == 0) {
            assertThat(e.timereported()).as("no timestamp").isNull();
        } else {
            assertThat(e.timereported()).as("timestamp").isNotNull();
            if (sec == 1) {
                // upstream: "a yearless timestamp, year chosen relative to now" (not compared to a number);
                // the nearest year to 2019-02-08 for the August dates here is 2018
                assertThat(e.timereported().getYear()).isEqualTo(2018);
            } else {
                assertThat(e.timereported().toEpochSecond()).as("stamp").isEqualTo(sec);
            }
            assertThat(e.timereported().getNano() / 1000).as("usec").isEqualTo(r.get("expected_stamp_usec").asInt());
            assertThat(e.timereported().getOffset().getTotalSeconds()).as("ofs")
                    .isEqualTo(r.get("expected_stamp_ofs").asInt());
        }
        String host = Corpus.text(r, "expected_host");
        assertThat(e.host()).as("host").isEqualTo(host == null || host.isEmpty() ? Corpus.LOCAL_HOSTNAME : host);
        assertThat(e.appName()).as("program").isEqualTo(emptyToNull(Corpus.text(r, "expected_program")));
        assertThat(e.message()).as("msg").isEqualTo(Corpus.text(r, "expected_msg"));
        String pid = Corpus.text(r, "expected_pid");
        assertThat(e.procId()).as("pid").isEqualTo(pid == null || pid.equals("0") ? null : pid);
    }

    @Test
    void everyListedRowExistsAndIsBsdSyslog() {
        List<Integer> bsd = bsdRows().map(a -> (Integer) a.get()[0]).toList();
        assertThat(bsd).containsAll(NOT_APPLICABLE.keySet()).containsAll(DEVIATIONS.keySet());
    }

    // ---- Cisco ----

    static Stream<JsonNode> ciscoCases() {
        return Corpus.jsonl("syslog-ng/cisco-parser-cases.jsonl").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ciscoCases")
    void ciscoParserCasesGiveHostDateAndCiscoFields(JsonNode c) {
        String input = Corpus.text(c, "input");
        JsonNode x = c.get("expected");
        Event e = new Rfc3164Parser(OPTIONS).parse(input, ORIGIN).orElseThrow();
        assertThat(e.priority()).isEqualTo(x.get("PRI").asInt());
        String host = Corpus.text(x, "HOST");
        assertThat(e.host()).isEqualTo(host == null ? Corpus.LOCAL_HOSTNAME : host);
        String date = Corpus.text(x, "DATE");
        if (date == null && x.get("_cisco").has("cpu_module")) {
            // syslog-ng's cisco parser leaves DATE unset after a CPU module; Sluice reads the timestamp,
            // "EST" being a zone abbreviation it knows (-05:00)
            String ts = input.substring(input.indexOf("Dec 11"), input.indexOf(" EST:"));
            assertThat(e.timereported()).isNotNull();
            assertThat(e.timereported().format(DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS", Locale.ENGLISH)))
                    .isEqualTo(ts);
            assertThat(e.timereported().getOffset().getTotalSeconds()).isEqualTo(-5 * 3600);
        } else if (date == null) {
            assertThat(e.timereported()).isNull();
        } else {
            OffsetDateTime t = e.timereported();
            assertThat(t).isNotNull();
            assertThat(t.format(DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ENGLISH))).isEqualTo(date);
            assertThat(String.format("%03d", t.getNano() / 1_000_000)).isEqualTo(Corpus.text(x, "MSEC"));
        }
        assertThat(e.message()).isEqualTo(Corpus.text(x, "MSG"));
        Map<String, Object> want = new LinkedHashMap<>();
        x.get("_cisco").fields().forEachRemaining(f -> want.put(f.getKey(),
                f.getKey().equals("severity") ? (Object) Long.valueOf(f.getValue().asText()) : f.getValue().asText()));
        @SuppressWarnings("unchecked")
        Map<String, Object> cisco = (Map<String, Object>) e.field("cisco");
        assertThat(cisco).containsAllEntriesOf(want);
        // the sequence number, which syslog-ng's cisco parser does not extract, is there too
        String seq = input.substring(input.indexOf('>') + 1, input.indexOf(':'));
        if (seq.chars().allMatch(Character::isDigit) && !seq.isEmpty()) {
            assertThat(cisco).containsEntry("sequence", seq);
        } else {
            assertThat(cisco).doesNotContainKey("sequence");
        }
    }

    @Test
    void ciscoSampleLinesAllCarryTheirMnemonic() {
        Rfc3164Parser parser = new Rfc3164Parser(OPTIONS);
        List<String> lines = Corpus.lines("syslog-ng/cisco-samples.log");
        assertThat(lines).hasSize(10);
        for (String line : lines) {
            Event e = parser.parse(line, ORIGIN).orElseThrow();
            assertThat(e.field("cisco")).as(line).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsKeys("facility", "severity", "mnemonic");
            assertThat(e.message()).as(line).startsWith("%");
        }
    }

    @Test
    void ciscoAsaWithBlankColonAfterHostnameHasNoTag() {
        Event e = new Rfc3164Parser(OPTIONS).parse("<164>Aug 08 16:58:18 DEVICE123 : %FTD-4-106023: test cisco asa",
                ORIGIN).orElseThrow();
        assertThat(e.host()).isEqualTo("DEVICE123");
        assertThat(e.appName()).isNull();
        assertThat(e.message()).isEqualTo("%FTD-4-106023: test cisco asa");
        // 2019-08-08 is 181 days after "now" (2019-02-08), 2018-08-08 is 184 days before it
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2019-08-08T16:58:18+02:00"));
        assertThat(e.field("cisco")).isEqualTo(Map.of("facility", "FTD", "severity", 4L, "mnemonic", "106023"));
    }

    @Test
    void nxosEmptySequenceYearFirstTimestampAndGmtZone() {
        Event e = new Rfc3164Parser(OPTIONS).parse("<187>: 2025 Jun 25 11:27:28 GMT: %AUTHPRIV-3-SYSTEM_MSG:"
                + " pam_aaa:Authentication failed from 192.168.1.10 - dcos_sshd[23099]", ORIGIN).orElseThrow();
        assertThat(e.timereported()).isEqualTo(OffsetDateTime.parse("2025-06-25T11:27:28Z"));
        assertThat(e.host()).isEqualTo(Corpus.LOCAL_HOSTNAME);
        assertThat(e.appName()).isNull();
        assertThat(e.message()).startsWith("%AUTHPRIV-3-SYSTEM_MSG: pam_aaa:Authentication failed");
        assertThat(e.field("cisco")).isEqualTo(Map.of("facility", "AUTHPRIV", "severity", 3L,
                "mnemonic", "SYSTEM_MSG"));
    }

    @Test
    void gluedCiscoMessagesStayOneEventBecauseFramingIsTheReceiversJob() {
        String line = Corpus.lines("syslog-ng/cisco-samples.log").get(2);
        Event e = new Rfc3164Parser(OPTIONS).parse(line, ORIGIN).orElseThrow();
        assertThat(e.field("cisco")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("sequence", "31");
        assertThat(e.message()).contains("<189>32: 0.0.0.0:").endsWith("Configured from console by console");
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
