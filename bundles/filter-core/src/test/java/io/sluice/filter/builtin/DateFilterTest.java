package io.sluice.filter.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterResult;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DateFilterTest {
    private static EventFilter date(String now, List<String> args, Map<String, String> named) {
        return new DateFilter(Clock.fixed(Instant.parse(now), ZoneOffset.UTC))
                .create(new FilterArguments("date", args, named));
    }

    private static Event with(String value) {
        return Event.builder().timegenerated(Instant.EPOCH).message("m").field("ts", value).build();
    }

    @Test
    void apacheTimestampWithItsOffsetAndFormatsTriedInOrder() {
        EventFilter f = date("2026-12-04T00:00:00Z", List.of("ts", "ISO8601", "dd/MMM/yyyy:HH:mm:ss Z"), Map.of());
        FilterResult r = f.filter(with("12/Jan/2011:06:29:59 +0100"));
        assertThat(r.matched()).isTrue();
        assertThat(r.event().timereported()).isEqualTo(OffsetDateTime.parse("2011-01-12T06:29:59+01:00"));
        assertThat(f.filter(with("2016-02-21T04:32:57.25+00:00")).event().timereported())
                .isEqualTo(OffsetDateTime.parse("2016-02-21T04:32:57.25Z"));
    }

    @Test
    void syslogTimestampsWithoutAYearGetTheYearNearestToNow() {
        List<String> a = List.of("ts", "MMM d HH:mm:ss", "MMM  d HH:mm:ss");
        // a December line read just after New Year belongs to last year
        assertThat(date("2027-01-01T00:00:10Z", a, Map.of()).filter(with("Dec 31 23:59:59")).event().timereported())
                .isEqualTo(OffsetDateTime.parse("2026-12-31T23:59:59Z"));
        // an old line of this year stays in this year
        assertThat(date("2026-12-04T00:00:00Z", a, Map.of()).filter(with("Jan 24 15:50:41")).event().timereported())
                .isEqualTo(OffsetDateTime.parse("2026-01-24T15:50:41Z"));
        // a sender whose clock is a little ahead at New Year
        assertThat(date("2026-12-31T23:59:00Z", a, Map.of()).filter(with("Jan  1 00:00:30")).event().timereported())
                .isEqualTo(OffsetDateTime.parse("2027-01-01T00:00:30Z"));
    }

    @Test
    void timezoneAppliesWhenTheTextHasNoOffsetAndUnixTimesAreUtc() {
        EventFilter f = date("2026-12-04T00:00:00Z", List.of("ts", "yyyy-MM-dd HH:mm:ss", "UNIX", "UNIX_MS"),
                Map.of("timezone", "Europe/Paris"));
        assertThat(f.filter(with("2011-01-12 06:29:59")).event().timereported())
                .isEqualTo(OffsetDateTime.parse("2011-01-12T06:29:59+01:00"));
        assertThat(f.filter(with("1456029177.5")).event().timereported())
                .isEqualTo(OffsetDateTime.parse("2016-02-21T04:32:57.5Z"));
        assertThat(date("2026-12-04T00:00:00Z", List.of("ts", "UNIX_MS"), Map.of()).filter(with("1456029177123"))
                .event().timereported()).isEqualTo(OffsetDateTime.parse("2016-02-21T04:32:57.123Z"));
    }

    @Test
    void aValueNoFormatFitsIsTaggedAndKeepsItsTime() {
        EventFilter f = date("2026-12-04T00:00:00Z", List.of("ts", "ISO8601"), Map.of());
        Event in = with("yesterday-ish");
        FilterResult r = f.filter(in);
        assertThat(r.matched()).isFalse();
        assertThat(r.event().tags()).containsExactly("_dateparsefailure");
        assertThat(r.event().timereported()).isEqualTo(in.timereported());
        assertThat(date("2026-12-04T00:00:00Z", List.of("ts", "ISO8601"), Map.of("tag_on_failure", ""))
                .filter(in).event()).isNull();
        assertThat(f.filter(Event.builder().message("no ts field").build()).matched()).isFalse();
    }

    @Test
    void badFormatsZonesAndMissingFormatsAreRefusedAtLoad() {
        assertThatThrownBy(() -> date("2026-12-04T00:00:00Z", List.of("ts", "yyyy-bb"), Map.of()))
                .hasMessageContaining("format \"yyyy-bb\" is not a date pattern");
        assertThatThrownBy(() -> date("2026-12-04T00:00:00Z", List.of("ts", "ISO8601"), Map.of("timezone", "Mars/Base")))
                .hasMessageContaining("timezone 'Mars/Base' is not a time zone id");
        assertThatThrownBy(() -> date("2026-12-04T00:00:00Z", List.of("ts"), Map.of()))
                .hasMessageContaining("needs a field and at least one format");
    }
}
