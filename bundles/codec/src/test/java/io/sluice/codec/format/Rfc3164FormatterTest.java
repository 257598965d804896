package io.sluice.codec.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.codec.FormatterOptions;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class Rfc3164FormatterTest {
    private final Rfc3164Formatter utc = new Rfc3164Formatter(FormatterOptions.defaults().withZone(ZoneOffset.UTC));

    @Test
    void writesPriTimestampHostTagAndMessage() {
        Event e = TestEvents.rfcExample().procId("4242").build();
        assertThat(utc.format(e)).isEqualTo(
                "<34>Oct 11 22:14:15 mymachine.example.com su[4242]: 'su root' failed for lonvick on /dev/pts/8");
    }

    @Test
    void tagIsTheAppNameAloneWithoutProcId() {
        assertThat(utc.format(TestEvents.rfcExample().build()))
                .isEqualTo("<34>Oct 11 22:14:15 mymachine.example.com su: 'su root' failed for lonvick on /dev/pts/8");
    }

    @Test
    void dayIsPaddedWithASpace() {
        Event e = TestEvents.rfcExample().timereported(OffsetDateTime.parse("2024-03-05T01:02:03.9Z")).build();
        assertThat(utc.format(e)).startsWith("<34>Mar  5 01:02:03 ");
    }

    @Test
    void timeIsWrittenInTheConfiguredZone() {
        Rfc3164Formatter paris = new Rfc3164Formatter(FormatterOptions.defaults().withZone(ZoneId.of("Europe/Paris")));
        Event e = TestEvents.rfcExample().timereported(OffsetDateTime.parse("2024-12-31T23:30:00Z")).build();
        assertThat(paris.format(e)).startsWith("<34>Jan  1 00:30:00 ");
    }

    @Test
    void withoutTimereportedTheReceiveTimeIsUsed() {
        Event e = TestEvents.rfcExample().timereported(null).build();
        assertThat(utc.format(e)).startsWith("<34>Oct 12 05:14:16 ");
    }

    @Test
    void absentHostAndAppAreDashesAndEmptyMessageEndsAtTheColon() {
        Event e = Event.builder().timegenerated(TestEvents.RECEIVED).build();
        assertThat(utc.format(e)).isEqualTo("<13>Oct 12 05:14:16 - -:");
    }

    @Test
    void hostAndTagCannotBreakTheHeader() {
        Event e = TestEvents.rfcExample().host("evil host\n").appName("a:b [c]").procId("1 2").message("m\r\nx").build();
        assertThat(utc.format(e)).isEqualTo("<34>Oct 11 22:14:15 evil_host#012 a_b__c_[1_2]: m#015#012x");
    }

    @Test
    void formatNameIsRfc3164() {
        assertThat(utc.format()).isEqualTo("rfc3164");
    }
}
