package io.sluice.api.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeliveryCheckTest {

    @Test
    void anAcknowledgedEventThatWasNotFoundFailsWithItsNumber() {
        DeliveryCheck c = new DeliveryCheck(10).acknowledged(0, 10);
        for (int i = 0; i < 10; i++) {
            if (i != 7) {
                c.found("event " + i);
            }
        }
        assertThat(c.lost()).isEqualTo(1);
        assertThatThrownBy(c::assertNoneLost).hasMessageContaining("lost 1 (first: 7)");
    }

    @Test
    void duplicatesAreCountedNotFailedAndUnacknowledgedEventsMayBeMissing() {
        DeliveryCheck c = new DeliveryCheck(5).acknowledged(0, 3);
        c.found(0);
        c.found(1);
        c.found(1);
        c.found("<13>1 2026-12-04T10:00:00Z h app - - - event 2");
        c.assertNoneLost();
        assertThat(c.duplicates()).isEqualTo(1);
        assertThat(c.report()).isEqualTo("acknowledged 3, found 3, lost 0, duplicates 1, unexpected 0");
    }

    @Test
    void anEventOutsideTheRangeOrWithoutANumberIsUnexpected() {
        DeliveryCheck c = new DeliveryCheck(3).acknowledged(0, 3);
        c.found(0);
        c.found(1);
        c.found(2);
        c.found(3);
        assertThatThrownBy(c::assertNoneLost).hasMessageContaining("unexpected 1 [number 3]");
        DeliveryCheck d = new DeliveryCheck(1).acknowledged(0);
        d.found(0);
        d.found("no digits here");
        assertThatThrownBy(d::assertNoneLost).hasMessageContaining("no digits here");
    }
}
