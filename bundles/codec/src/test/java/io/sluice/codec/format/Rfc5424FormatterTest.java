package io.sluice.codec.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class Rfc5424FormatterTest {
    private final Rfc5424Formatter formatter = new Rfc5424Formatter();

    /** A small check of the RFC 5424 header grammar (the real parser lives in io.sluice.codec.rfc5424). */
    private static final Pattern HEADER = Pattern.compile(
            "<(\\d{1,3})>1 (-|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,6})?(?:Z|[+-]\\d\\d:\\d\\d))"
                    + " ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32})"
                    + " (-|(?:\\[[^ =\\]\"]{1,32}(?: [^ =\\]\"]{1,32}=\"(?:[^\"\\\\\\]]|\\\\.)*\")*\\])+)(?: (.*))?",
            Pattern.DOTALL);

    @Test
    void writesTheRfcExampleExactly() {
        assertThat(formatter.format(TestEvents.rfcExample().build())).isEqualTo(
                "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8");
    }

    @Test
    void writesStructuredDataWithEscapedValuesAndRepeatedParams() {
        Event e = Event.builder()
                .timereported(OffsetDateTime.parse("2003-10-11T22:14:15.000001-07:00"))
                .facility("local4").severity("notice")
                .host("mymachine.example.com").appName("evntslog").procId("812")
                .structuredData("exampleSDID@32473", "iut", "3")
                .structuredData("exampleSDID@32473", "eventSource", "App\"lic]ation\\")
                .structuredData("exampleSDID@32473", "iut", "4")
                .structuredDataElement("examplePriority@32473")
                .message("An application event log entry...")
                .build();
        assertThat(formatter.format(e)).isEqualTo("<165>1 2003-10-11T22:14:15.000001-07:00 mymachine.example.com evntslog"
                + " 812 - [exampleSDID@32473 iut=\"3\" iut=\"4\" eventSource=\"App\\\"lic\\]ation\\\\\"]"
                + "[examplePriority@32473] An application event log entry...");
    }

    @Test
    void absentFieldsAreNilValuesAndAnEmptyMessageHasNoTrailingSpace() {
        Event e = Event.builder().priority(0).timegenerated(TestEvents.RECEIVED).build();
        assertThat(formatter.format(e)).isEqualTo("<0>1 - - - - - -");
    }

    @Test
    void timestampKeepsOffsetAndAtMostSixFractionDigits() {
        Event e = TestEvents.rfcExample().timereported(OffsetDateTime.parse("2024-05-06T07:08:09.123456789+09:30"))
                .build();
        assertThat(formatter.format(e)).startsWith("<34>1 2024-05-06T07:08:09.123456+09:30 ");
    }

    @Test
    void headerFieldsAreSanitizedAndCutToRfcLimits() {
        Event e = TestEvents.rfcExample()
                .host("h".repeat(300)).appName("my app\n" + "a".repeat(60)).procId("p".repeat(200))
                .msgId("ID 47 ünï " + "m".repeat(40))
                .build();
        String out = formatter.format(e);
        Matcher m = HEADER.matcher(out);
        assertThat(m.matches()).as(out).isTrue();
        assertThat(m.group(3)).isEqualTo("h".repeat(255));
        assertThat(m.group(4)).hasSize(48).startsWith("my_app#012aaa");
        assertThat(m.group(5)).isEqualTo("p".repeat(128));
        assertThat(m.group(6)).hasSize(32).startsWith("ID_47__n__mmm");
    }

    @Test
    void messageCannotForgeASecondLine() {
        Event e = TestEvents.rfcExample().message("ok\n<34>1 2003-10-11T22:14:15.003Z evil su - - - forged\r\n").build();
        String out = formatter.format(e);
        assertThat(out).doesNotContain("\n", "\r")
                .endsWith(" ok#012<34>1 2003-10-11T22:14:15.003Z evil su - - - forged#015#012");
    }

    @Test
    void sdNamesAreSanitizedSoTheOutputStaysParseable() {
        Event e = TestEvents.rfcExample().message("").structuredData("bad id]", "p=x \"y\"", "v").build();
        String out = formatter.format(e);
        assertThat(out).endsWith(" ID47 [bad_id_ p_x__y_=\"v\"]");
        assertThat(HEADER.matcher(out).matches()).isTrue();
    }

    @Test
    void bomIsWrittenOnlyWhenAskedFor() {
        Event e = TestEvents.rfcExample().message("x").build();
        assertThat(formatter.format(e)).endsWith(" - x");
        String withBom = new Rfc5424Formatter(true).format(e);
        assertThat(withBom.getBytes(StandardCharsets.UTF_8)).endsWith(0x20, 0xEF, 0xBB, 0xBF, 'x');
    }

    @Test
    void outputMatchesTheRfc5424GrammarAndCarriesThePriority() {
        Event e = TestEvents.rfcExample().facility("local7").severity("debug").procId("1").build();
        Matcher m = HEADER.matcher(formatter.format(e));
        assertThat(m.matches()).isTrue();
        assertThat(m.group(1)).isEqualTo("191");
        assertThat(m.group(8)).isEqualTo("'su root' failed for lonvick on /dev/pts/8");
    }

    @Test
    void formatNameIsRfc5424() {
        assertThat(formatter.format()).isEqualTo("rfc5424");
    }
}
