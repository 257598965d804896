package io.sluice.codec.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class RsyslogFileFormatterTest {
    private final RsyslogFileFormatter formatter = new RsyslogFileFormatter();

    @Test
    void writesRfc3339MicrosecondsHostnameSyslogtagAndMessage() {
        Event e = TestEvents.rfcExample().timereported(OffsetDateTime.parse("2024-05-06T07:08:09.12+02:00"))
                .procId("812").message("hello world").build();
        assertThat(formatter.format(e)).isEqualTo("2024-05-06T07:08:09.120000+02:00 mymachine.example.com su[812]: hello world");
    }

    @Test
    void messageStartingWithASpaceGetsNoExtraSpace() {
        Event e = TestEvents.rfcExample().message(" indented").build();
        assertThat(formatter.format(e)).endsWith(" su: indented");
        Event two = TestEvents.rfcExample().message("  two").build();
        assertThat(formatter.format(two)).endsWith(" su:  two");
    }

    @Test
    void emptyMessageStillGetsTheSpaceLikeSpIfNo1stSp() {
        Event e = TestEvents.rfcExample().message("").build();
        assertThat(formatter.format(e)).endsWith(" su: ");
    }

    @Test
    void oneTrailingLineFeedIsDroppedAndOthersAreEscaped() {
        Event e = TestEvents.rfcExample().message("a\nb\n").build();
        assertThat(formatter.format(e)).endsWith(" su: a#012b");
        Event two = TestEvents.rfcExample().message("a\n\n").build();
        assertThat(formatter.format(two)).endsWith(" su: a#012");
    }

    @Test
    void tabInTheMessageIsEscapedAsInRsyslog() {
        Event e = TestEvents.rfcExample().message("\tx").build();
        assertThat(formatter.format(e)).endsWith(" su: #011x");
    }

    @Test
    void withoutTimereportedTheReceiveTimeIsWrittenAtUtc() {
        Event e = TestEvents.rfcExample().timereported(null).host(null).appName(null).message("m").build();
        assertThat(formatter.format(e)).isEqualTo("2003-10-12T05:14:16.500000Z - -: m");
    }

    @Test
    void formatNameIsRsyslogFile() {
        assertThat(formatter.format()).isEqualTo("rsyslog-file");
    }
}
