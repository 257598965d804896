package io.sluice.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TailCacheTest {
    private static List<byte[]> records(int count, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new byte[size]);
        }
        return out;
    }

    private static List<Long> offsets(TailCache c, long from, int max, long maxBytes) {
        List<JournalRecord> out = new ArrayList<>();
        if (!c.read(from, max, maxBytes, out)) {
            return null;
        }
        return out.stream().map(JournalRecord::offset).toList();
    }

    @Test
    void keepsTheNewestRecordsWithinItsByteBound() {
        TailCache c = new TailCache(1024, 100);
        c.add(0, records(15, 10));
        // 100 bytes hold 10 records of 10: offsets 5..14
        assertThat(offsets(c, 4, 100, 1 << 20)).isNull();
        assertThat(offsets(c, 5, 100, 1 << 20)).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
        assertThat(offsets(c, 15, 100, 1 << 20)).isNull();
    }

    @Test
    void keepsAtMostItsNumberOfRecords() {
        TailCache c = new TailCache(8, 1 << 20);
        c.add(100, records(20, 1));
        assertThat(offsets(c, 111, 100, 1 << 20)).isNull();
        assertThat(offsets(c, 112, 100, 1 << 20)).hasSize(8).startsWith(112L).endsWith(119L);
    }

    @Test
    void readsAreBoundedLikeJournalReadsButReturnAtLeastOne() {
        TailCache c = new TailCache(64, 1 << 20);
        c.add(0, records(10, 10));
        assertThat(offsets(c, 2, 3, 1 << 20)).containsExactly(2L, 3L, 4L);
        assertThat(offsets(c, 2, 100, 25)).containsExactly(2L, 3L);
        assertThat(offsets(c, 2, 100, 1)).containsExactly(2L);
    }

    @Test
    void aGapInOffsetsStartsItAfresh() {
        TailCache c = new TailCache(64, 1 << 20);
        c.add(0, records(5, 1));
        c.add(10, records(5, 1)); // 5..9 never became durable (a failed write)
        assertThat(offsets(c, 3, 100, 1 << 20)).isNull();
        assertThat(offsets(c, 10, 100, 1 << 20)).containsExactly(10L, 11L, 12L, 13L, 14L);
    }

    @Test
    void aRecordLargerThanTheWholeCacheIsNeverHeld() {
        TailCache c = new TailCache(64, 100);
        c.add(0, records(2, 10));
        c.add(2, records(1, 500));
        c.add(3, records(2, 10));
        assertThat(offsets(c, 2, 100, 1 << 20)).isNull();
        assertThat(offsets(c, 3, 100, 1 << 20)).containsExactly(3L, 4L);
    }

    @Test
    void disabledWithZeroBytes() {
        TailCache c = new TailCache(64, 0);
        c.add(0, records(3, 1));
        assertThat(c.enabled()).isFalse();
        assertThat(offsets(c, 0, 100, 1 << 20)).isNull();
    }

    @Test
    void clearedHoldsNothing() {
        TailCache c = new TailCache(64, 1 << 20);
        c.add(0, records(3, 1));
        c.clear();
        assertThat(offsets(c, 0, 100, 1 << 20)).isNull();
        c.add(3, records(1, 1));
        assertThat(offsets(c, 3, 100, 1 << 20)).containsExactly(3L);
    }
}
