package io.sluice.shipper.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

    private static Event at(String instant) {
        return Event.builder().timegenerated(Instant.parse(instant)).host("h").appName("a").message("m").build();
    }

    @Test
    void datesAreTheReceiveTimeInTheConfiguredZoneAcrossMidnightAndDaylightSaving() {
        PathTemplate t = new PathTemplate("$YEAR/$MONTH/$DAY/$HOUR-${DATE}.log", ZoneId.of("Europe/Paris"));
        assertThat(t.render(at("2026-12-03T22:59:59Z"))).isEqualTo("2026/12/03/23-2026-12-03.log");
        assertThat(t.render(at("2026-12-03T23:00:00Z"))).isEqualTo("2026/12/04/00-2026-12-04.log");
        // summer time: UTC+2
        assertThat(t.render(at("2026-07-01T22:30:00Z"))).isEqualTo("2026/07/02/00-2026-07-02.log");
        // and back to an earlier day (the cache of the last day must not stick)
        assertThat(t.render(at("1999-12-31T12:00:00Z"))).isEqualTo("1999/12/31/13-1999-12-31.log");
    }

    @Test
    void fixedOffsetZonesAndTimesBeforeTheEpochWork() {
        PathTemplate t = new PathTemplate("$DATE/$HOUR", ZoneOffset.ofHours(-5));
        assertThat(t.render(at("2026-12-03T04:00:00Z"))).isEqualTo("2026-12-02/23");
        assertThat(t.render(at("1969-12-31T23:00:00Z"))).isEqualTo("1969-12-31/18");
    }

    @Test
    void valuesAreSanitizedIntoSinglePathParts() {
        assertThat(PathTemplate.sanitize("../../etc/passwd")).isEqualTo("_._.._etc_passwd");
        assertThat(PathTemplate.sanitize(null)).isEqualTo("-");
        assertThat(PathTemplate.sanitize("tab\there")).isEqualTo("tab_here");
        assertThat(PathTemplate.sanitize("x".repeat(500))).hasSize(PathTemplate.MAX_PART);
    }
}
