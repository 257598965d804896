package io.sluice.codec.rfc3164;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParserOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the rsyslog testbench cases that are about the RFC 3164 parser with rsyslog's default
 * options: each input is parsed, rendered with (a Java transcription of) the test's output
 * template and filter, and compared with rsyslog's expected output. Inputs where Sluice
 * deliberately differs are listed per test with the reason and with Sluice's own output, which is
 * asserted too. Tests that exercise other rsyslog modules or options are listed in
 * {@link #NOT_APPLICABLE}; {@link #everyTestbenchTestIsReplayedOrListedAsNotApplicable()} makes sure
 * nothing is skipped silently.
 *
 * <p>Rendering notes: rsyslog's {@code %msg%} keeps the space after the tag, Sluice's message does
 * not, so {@code %msg%} is rendered as that space (when the parser dropped it) plus the message;
 * {@code %syslogtag%} is rendered as {@code appName[procId]} plus the colon when the tag had one.
 * Both facts come from the scanner's {@link Header}; that the message itself is right is asserted
 * directly in {@link Rfc3164ParserTest}.
 */
class Rfc3164RsyslogTestbenchTest {
    static final String DIR = "rsyslog-testbench/";
    static final ParserOptions OPTIONS = new ParserOptions(false, ZoneOffset.UTC,
            Clock.fixed(Instant.parse("2019-02-08T08:37:49Z"), ZoneOffset.UTC), ParserOptions.DEFAULT_MAX_MESSAGE_BYTES);
    static final Origin ORIGIN = new Origin(Corpus.LOCAL_HOSTNAME, Instant.parse("2019-02-08T08:37:50Z"));

    /** Testbench tests not replayed here, and why. */
    static final Map<String, String> NOT_APPLICABLE = new LinkedHashMap<>();

    static {
        String rfc5424 = "RFC 5424 input: the rfc5424 parser's test (format detection routes such messages there)";
        NOT_APPLICABLE.put("hostname-with-slash-dflt-slash-valid", rfc5424);
        NOT_APPLICABLE.put("hostname-with-slash-pmrfc5424", rfc5424);
        NOT_APPLICABLE.put("timestamp-3339", rfc5424 + "; tests the date-rfc3339 output format");
        NOT_APPLICABLE.put("timestamp-subseconds", rfc5424 + "; tests the date-subseconds output format");
        NOT_APPLICABLE.put("timestamp-isoweek", rfc5424 + "; tests an output date format");
        NOT_APPLICABLE.put("timestamp-mysql", rfc5424 + "; tests an output date format");
        NOT_APPLICABLE.put("timestamp-pgsql", rfc5424 + "; tests an output date format");
        NOT_APPLICABLE.put("mmpstrucdata-case", "mmpstrucdata module (RFC 5424 structured data to JSON)");
        NOT_APPLICABLE.put("mmpstrucdata-escaping", "mmpstrucdata module (RFC 5424 structured data to JSON)");
        NOT_APPLICABLE.put("mmpstrucdata-rfc3164-skip", "mmpstrucdata module; no expected output");
        NOT_APPLICABLE.put("mmutf8fix_tag", "mmutf8fix module; no expected output");
        NOT_APPLICABLE.put("pmlastmsg", "pmlastmsg parser module ('last message repeated n times')");
        NOT_APPLICABLE.put("pmnull-basic", "pmnull parser module (no parsing at all)");
        NOT_APPLICABLE.put("pmsnare-ccbackslash", "pmsnare parser module (Snare tab-delimited Windows events)");
        NOT_APPLICABLE.put("pmsnare-cccstyle", "pmsnare parser module");
        NOT_APPLICABLE.put("pmsnare-ccdefault", "pmsnare parser module");
        NOT_APPLICABLE.put("pmsnare-ccoff", "pmsnare parser module");
        NOT_APPLICABLE.put("pmsnare-default", "pmsnare parser module");
        NOT_APPLICABLE.put("parsertest-snare_ccoff_udp", "pmsnare-style input with control-character options");
        NOT_APPLICABLE.put("parsertest-snare_ccoff_udp2", "pmsnare-style input with control-character options");
        NOT_APPLICABLE.put("pmrfc3164-defaultTag", "pmrfc3164 option force.tagEndingByColon, which Sluice lacks");
        NOT_APPLICABLE.put("pmrfc3164-tagEndingByColon", "pmrfc3164 option force.tagEndingByColon, which Sluice lacks");
        NOT_APPLICABLE.put("pmrfc3164-drop", "pmrfc3164 options detect.headerless/headerless.drop; no expected output");
        NOT_APPLICABLE.put("pmrfc3164-headerless", "pmrfc3164 options detect.headerless/headerless.ruleset; no expected output");
    }

    /** What Sluice knows of a parsed message, in rsyslog's terms. */
    record View(Event e, Header h, String raw) {
        String pri() {
            return Integer.toString(e.priority());
        }

        String facility() {
            return e.facility().keyword();
        }

        String severity() {
            return e.severity().keyword();
        }

        String timestamp() {
            return rfc3164(false);
        }

        String rfc3164(boolean zeroPadDay) {
            OffsetDateTime t = e.time();
            String mon = t.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ENGLISH);
            String day = zeroPadDay ? String.format("%02d", t.getDayOfMonth()) : String.format("%2d", t.getDayOfMonth());
            return mon + " " + day + " " + t.format(DateTimeFormatter.ofPattern("HH:mm:ss"));
        }

        String hostname() {
            return e.host() == null ? "" : e.host();
        }

        String programname() {
            return e.appName() == null ? "" : e.appName();
        }

        String syslogtag() {
            String t = programname() + (e.procId() == null ? "" : "[" + e.procId() + "]");
            return h.tagColon ? t + ":" : t;
        }

        /** rsyslog's %msg%: with the space after the tag that Sluice drops. */
        String msg() {
            return (h.msgSpaceDropped ? " " : "") + e.message();
        }
    }

    /** A deliberate difference: rsyslog's expected file has a line for this input or not, ours is asserted. */
    record Deviation(boolean rsyslogPrints, String ours, String reason) {
        static Deviation differs(String ours, String reason) {
            return new Deviation(true, ours, reason);
        }

        static Deviation extra(String ours, String reason) {
            return new Deviation(false, ours, reason);
        }

        /** The input is not for this parser; our output is not checked (only that parsing succeeds). */
        static Deviation notApplicable(String reason) {
            return new Deviation(true, null, reason);
        }
    }

    record Case(String test, Function<View, String> template, Predicate<View> filter, Map<Integer, Deviation> deviations) {
        @Override
        public String toString() {
            return test;
        }
    }

    static final Function<View, String> PARSE1 = v -> String.join(",", v.pri(), v.facility(), v.severity(),
            v.timestamp(), v.hostname(), v.programname(), v.syslogtag(), v.msg());

    static final Function<View, String> PARSE3 = v -> {
        Matcher m = Pattern.compile("[0-9]+").matcher(v.syslogtag());
        return String.join(", ", csv(v.e().time().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"))), csv(v.hostname()),
                csv(v.programname()), csv(m.find() ? m.group() : ""), csv(Integer.toString(v.e().severity().code())),
                csv(dropLastLf(v.msg())));
    };

    static Stream<Case> cases() {
        String rfc5424Line = "RFC 5424 message: not for this parser (format detection sends it to rfc5424)";
        return Stream.of(
                new Case("parsertest-parse1", PARSE1, v -> true, Map.of(
                        1, Deviation.differs("167,local4,debug,Mar  6 16:57:54,172.20.245.8,,,%PIX-7-710005: UDP request"
                                + " discarded from SERVER1/2741 to test_app:255.255.255.255/61601",
                                "Cisco %FAC-SEV-MNEMONIC: is kept in the message and becomes the cisco field, not the tag"),
                        17, Deviation.notApplicable(rfc5424Line),
                        18, Deviation.notApplicable(rfc5424Line),
                        19, Deviation.notApplicable(rfc5424Line),
                        20, Deviation.notApplicable(rfc5424Line))),
                new Case("parsertest-parse2", v -> String.join(",", v.pri(), v.facility(), v.severity(), v.timestamp(),
                        v.programname(), v.syslogtag(), v.msg()), v -> true, Map.of()),
                new Case("parsertest-parse-nodate", v -> String.join(",", v.pri(), v.facility(), v.severity(),
                        v.hostname(), v.programname(), v.syslogtag(), v.msg()), v -> true, Map.of(
                        2, Deviation.differs("13,user,notice,{{LOCAL_HOSTNAME}},This,This, is a message!",
                                "without a timestamp there is no hostname: the first word is the tag (syslog-ng;"
                                        + " RFC 3164 4.3.2)"))),
                new Case("parsertest-parse-3164-buggyday", v -> String.join(",", v.pri(), v.facility(), v.severity(),
                        v.rfc3164(true), v.hostname(), v.programname(), v.syslogtag(), v.msg()), v -> true, Map.of()),
                new Case("parsertest-parse3", PARSE3, v -> true, Map.of()),
                new Case("parsertest-parse_invld_regex", v -> {
                    String s = PARSE3.apply(v);
                    // the template's regex is invalid on purpose: rsyslog prints an error marker in its place
                    String[] parts = s.split(", ", -1);
                    parts[3] = "**NO MATCH** **BAD REGULAR EXPRESSION**";
                    return String.join(", ", parts);
                }, v -> true, Map.of()),
                new Case("parsertest-parse_8bit_escape", PARSE1, v -> true, Map.of(
                        1, Deviation.differs("6,kern,info,Aug 10 22:18:24,host,tag,tag, This msg contains 8-bit European"
                                + " chars: äöü", "$Escape8BitCharactersOnReceive is an rsyslog option; Sluice decodes UTF-8"
                                + " and keeps the characters"))),
                new Case("hostname-with-slash-dflt-invld", v -> v.hostname(), v -> v.e().priority() == 167, Map.of(
                        1, Deviation.extra("hostname1/hostname2", "'/' is accepted in hostnames (rsyslog's"
                                + " permit.slashesInHostname); rsyslog's default takes the receiver's hostname, which"
                                + " the test compares outside the expected file"))),
                new Case("hostname-with-slash-pmrfc3164", v -> v.hostname(), v -> v.e().priority() == 167, Map.of()),
                new Case("pmrfc3164-AtSignsInHostname", v -> "-" + v.hostname() + "-", v -> true, Map.of()),
                new Case("pmrfc3164-AtSignsInHostname_off", v -> "-" + v.hostname() + "-" + v.syslogtag() + "-" + v.msg()
                        + "-", v -> v.syslogtag().contains("tag"), Map.of(
                        2, Deviation.extra("-Hostn@me2-tag:-  msgnum:2-", "'@' is accepted in hostnames (rsyslog's"
                                + " permit.AtSignsInHostname); with it off rsyslog makes 'Hostn@me2' the tag and the"
                                + " test's filter drops the line"),
                        4, Deviation.extra("-Hos@name4-tag4:--", "as line 2"))),
                new Case("pmrfc3164-msgFirstSpace", v -> "-" + v.e().message() + "-", v -> v.syslogtag().contains("tag"),
                        Map.of()),
                new Case("pmrfc3164-json", v -> v.e().message() + "---" + v.raw(), v -> true, Map.of()),
                new Case("proprepltest-nolimittag", v -> "+" + v.syslogtag() + "+", v -> v.e().priority() == 167, Map.of()),
                new Case("proprepltest-rfctag", v -> "+" + left(v.syslogtag(), 32) + "+", v -> v.e().priority() == 167,
                        Map.of()),
                new Case("timestamp-3164", v -> v.rfc3164(false), v -> v.syslogtag().contains("TAG"), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rsyslogExpectationsHoldExceptListedDeviations(Case c) {
        Rfc3164Parser parser = new Rfc3164Parser(OPTIONS);
        List<byte[]> inputs = Corpus.byteLines(DIR + c.test() + ".input");
        List<String> expected = Corpus.exists(DIR + c.test() + ".expected")
                ? Corpus.lines(DIR + c.test() + ".expected") : List.of();
        int next = 0;
        for (int i = 0; i < inputs.size(); i++) {
            int line = i + 1;
            byte[] in = inputs.get(i);
            String raw = new String(in, StandardCharsets.UTF_8);
            Rfc3164Parser.Parsed p = parser.parseDetailed(in, 0, in.length, ORIGIN);
            assertThat(p.result().isSuccess()).as("%s line %d parses: %s", c.test(), line, p.result()).isTrue();
            View v = new View(p.result().event(), p.header(), raw);
            String ours = c.filter().test(v) ? c.template().apply(v) : null;
            Deviation dev = c.deviations().get(line);
            if (dev == null) {
                if (ours != null) {
                    assertThat(next).as("%s line %d: rsyslog printed fewer lines", c.test(), line)
                            .isLessThan(expected.size());
                    assertThat(ours).as("%s line %d: %s", c.test(), line, raw).isEqualTo(expected.get(next++));
                }
                continue;
            }
            String theirs = null;
            if (dev.rsyslogPrints()) {
                assertThat(next).as("%s line %d: rsyslog printed fewer lines", c.test(), line).isLessThan(expected.size());
                theirs = expected.get(next++);
            }
            if (dev.ours() != null || !dev.rsyslogPrints()) {
                assertThat(ours).as("%s line %d (deviation: %s): %s", c.test(), line, dev.reason(), raw)
                        .isEqualTo(dev.ours());
                assertThat(ours).as("%s line %d is listed as a deviation but matches rsyslog", c.test(), line)
                        .isNotEqualTo(theirs);
            }
        }
        assertThat(next).as("%s: all of rsyslog's expected lines were produced", c.test()).isEqualTo(expected.size());
        assertThat(c.deviations().keySet()).as("deviations name existing input lines")
                .allMatch(l -> l >= 1 && l <= inputs.size());
    }

    @Test
    void everyTestbenchTestIsReplayedOrListedAsNotApplicableAndAllInputsParse() {
        Set<String> replayed = new HashSet<>();
        cases().forEach(c -> replayed.add(c.test()));
        List<String> index = Corpus.lines(DIR + "INDEX.tsv");
        List<String> unaccounted = new ArrayList<>();
        for (String row : index.subList(1, index.size())) {
            String test = row.split("\t", -1)[0];
            if (!replayed.contains(test) && !NOT_APPLICABLE.containsKey(test)) {
                unaccounted.add(test);
            }
        }
        assertThat(unaccounted).isEmpty();
        // the inputs of tests that are not applicable still parse
        Rfc3164Parser parser = new Rfc3164Parser(OPTIONS);
        for (String test : NOT_APPLICABLE.keySet()) {
            for (byte[] in : Corpus.byteLines(DIR + test + ".input")) {
                assertThat(parser.parse(in, ORIGIN).isSuccess()).as("%s: %s", test, new String(in,
                        StandardCharsets.UTF_8)).isTrue();
            }
        }
        assertThat(replayed).doesNotContainAnyElementsOf(NOT_APPLICABLE.keySet());
        assertThat(replayed.size() + NOT_APPLICABLE.size()).isEqualTo(index.size() - 1);
    }

    private static String csv(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static String dropLastLf(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static String left(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n);
    }
}
