package io.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RatesTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @Test
    void eachSampleBecomesEventsPerSecondSinceThePreviousOne() {
        Rates r = new Rates(5);
        assertThat(r.sample(T0, 1000, 0)).as("the first sample only sets the base").isNull();
        Rates.Point p = r.sample(T0.plusSeconds(5), 1500, 250);
        assertThat(p.received()).isEqualTo(100.0);
        assertThat(p.shipped()).isEqualTo(50.0);
        assertThat(r.latest()).isEqualTo(p);
        assertThat(p.json()).containsEntry("time", "2026-12-04T10:00:05Z").containsEntry("received", 100.0);
    }

    @Test
    void aCounterThatWentDownCountsAsNoEventsNotANegativeRate() {
        Rates r = new Rates(5);
        r.sample(T0, 1000, 1000);
        Rates.Point p = r.sample(T0.plusSeconds(5), 10, 1010); // a listener restarted with new counters
        assertThat(p.received()).isZero();
        assertThat(p.shipped()).isEqualTo(2.0);
        assertThat(r.sample(T0.plusSeconds(5), 20, 1020)).as("no time passed: no point").isNull();
    }

    @Test
    void itKeepsTheLastHourOldestFirst() {
        Rates r = new Rates(5);
        for (int i = 0; i <= 1000; i++) {
            r.sample(T0.plusSeconds(5L * i), i * 10L, 0);
        }
        assertThat(r.points()).hasSize(720);
        assertThat(r.points().get(0).time()).isEqualTo(T0.plusSeconds(5L * (1000 - 719)));
        assertThat(r.points().get(719).time()).isEqualTo(T0.plusSeconds(5000));
        assertThat(r.points()).allSatisfy(p -> assertThat(p.received()).isEqualTo(2.0));
    }
}
