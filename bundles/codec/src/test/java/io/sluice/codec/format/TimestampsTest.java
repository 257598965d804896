package io.sluice.codec.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    @Test
    void utcIsWrittenZAndTrailingFractionZerosAreDropped() {
        assertThat(Timestamps.rfc3339(OffsetDateTime.parse("2003-10-11T22:14:15.003Z"), 6, false))
                .isEqualTo("2003-10-11T22:14:15.003Z");
        assertThat(Timestamps.rfc3339(OffsetDateTime.parse("2003-10-11T22:14:15Z"), 6, false))
                .isEqualTo("2003-10-11T22:14:15Z");
    }

    @Test
    void fractionIsCutNotRoundedToTheMaximumDigits() {
        assertThat(Timestamps.rfc3339(OffsetDateTime.parse("2003-10-11T22:14:15.123456789-07:00"), 6, false))
                .isEqualTo("2003-10-11T22:14:15.123456-07:00");
        assertThat(Timestamps.rfc3339(OffsetDateTime.parse("2003-10-11T22:14:15.999999999+05:30"), 9, false))
                .isEqualTo("2003-10-11T22:14:15.999999999+05:30");
    }

    @Test
    void fixedPrecisionAlwaysWritesAllDigits() {
        assertThat(Timestamps.rfc3339(OffsetDateTime.parse("2024-02-29T01:02:03+01:00"), 6, true))
                .isEqualTo("2024-02-29T01:02:03.000000+01:00");
        assertThat(Timestamps.rfc3339(OffsetDateTime.parse("2024-02-29T01:02:03.05Z"), 6, true))
                .isEqualTo("2024-02-29T01:02:03.050000Z");
    }

    @Test
    void offsetWithSecondsIsConvertedToUtcBecauseRfc3339HasNone() {
        OffsetDateTime t = OffsetDateTime.of(1900, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(0, 17, 30));
        assertThat(Timestamps.rfc3339(t, 6, false)).isEqualTo("1899-12-31T23:42:30Z");
    }

    @Test
    void smallYearsArePaddedToFourDigits() {
        assertThat(Timestamps.rfc3339(OffsetDateTime.parse("0042-01-02T03:04:05Z"), 0, false))
                .isEqualTo("0042-01-02T03:04:05Z");
    }
}
