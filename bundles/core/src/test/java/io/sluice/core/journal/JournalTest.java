package io.sluice.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalTest {
    private static final JournalConfig SMALL_SEGMENTS = new JournalConfig(8192, 1 << 20, true, 4096);

    @TempDir
    Path dir;

    private final List<Journal> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(Journal::close);
    }

    private Journal open(JournalConfig config) throws IOException {
        Journal j = Journal.open(dir, config);
        open.add(j);
        return j;
    }

    private void close(Journal j) {
        j.close();
        open.remove(j);
    }

    private static List<byte[]> records(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(i -> ("record " + i + " " + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    private static int number(JournalRecord r) {
        String s = new String(r.payload(), StandardCharsets.UTF_8);
        return Integer.parseInt(s.split(" ")[1]);
    }

    private static List<Integer> readAll(Journal j) throws IOException {
        List<Integer> out = new ArrayList<>();
        long from = 0;
        while (true) {
            List<JournalRecord> batch = j.read(from, 100, 1 << 20);
            if (batch.isEmpty()) {
                return out;
            }
            batch.forEach(r -> out.add(number(r)));
            from = batch.get(batch.size() - 1).offset() + 1;
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().collect(Collectors.toList());
        }
    }

    private void write(Journal j, int from, int count) {
        for (int i = from; i < from + count; i += 10) {
            j.append(records(i, Math.min(10, from + count - i))).join();
        }
    }

    @Test
    void appendedRecordsReadBackInOrderAcrossSegmentsAndRestarts() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        CompletableFuture<Long> first = j.append(records(0, 500));
        assertThat(first.get()).isZero();
        assertThat(j.append(records(500, 500)).get()).isEqualTo(500);
        assertThat(segments()).hasSizeGreaterThan(3);
        assertThat(readAll(j)).containsExactlyElementsOf(IntStream.range(0, 1000).boxed().toList());
        assertThat(j.read(995, 100, 1 << 20)).extracting(JournalRecord::offset).containsExactly(995L, 996L, 997L,
                998L, 999L);
        close(j);

        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().damaged()).isFalse();
        assertThat(again.endOffset()).isEqualTo(1000);
        assertThat(readAll(again)).hasSize(1000);
        assertThat(again.append(records(1000, 1)).get()).isEqualTo(1000);
    }

    @Test
    void readsAtTheTailComeFromMemoryAndEqualWhatTheFilesHold() throws Exception {
        JournalConfig cacheOf2k = new JournalConfig(8192, 1 << 20, true, 4096, 0, 2048);
        Journal j = open(cacheOf2k);
        List<byte[]> appended = records(0, 300);
        j.append(appended).get();
        List<JournalRecord> tail = j.read(290, 100, 1 << 20);
        assertThat(tail).extracting(JournalRecord::offset).containsExactlyElementsOf(
                IntStream.range(290, 300).mapToLong(i -> i).boxed().toList());
        for (JournalRecord r : tail) {
            assertThat(r.payload()).isSameAs(appended.get((int) r.offset())); // from memory, not a file read
        }
        // the oldest records are no longer in the 2 KiB cache: read from the files, equal bytes
        JournalRecord old = j.read(0, 1, 1 << 20).get(0);
        assertThat(old.payload()).isNotSameAs(appended.get(0)).isEqualTo(appended.get(0));
        List<Integer> whileOpen = readAll(j);
        close(j);
        Journal again = open(cacheOf2k);
        assertThat(readAll(again)).isEqualTo(whileOpen).containsExactlyElementsOf(
                IntStream.range(0, 300).boxed().toList());
    }

    @Test
    void withoutATailCacheEveryReadGoesToTheFiles() throws Exception {
        Journal j = open(new JournalConfig(8192, 1 << 20, true, 4096, 0, 0));
        List<byte[]> appended = records(0, 10);
        j.append(appended).get();
        JournalRecord r = j.read(9, 1, 1 << 20).get(0);
        assertThat(r.payload()).isNotSameAs(appended.get(9)).isEqualTo(appended.get(9));
    }

    @Test
    void readIsBoundedByRecordsAndBytesButReturnsAtLeastOne() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        j.append(records(0, 100)).get();
        assertThat(j.read(0, 7, 1 << 20)).hasSize(7);
        assertThat(j.read(0, 100, 1)).hasSize(1);
        assertThat(j.read(100, 100, 1 << 20)).isEmpty();
    }

    @Test
    void oversizedRecordIsRefusedNamingBothSizes() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        assertThatThrownBy(() -> j.append(List.of(new byte[5000])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(5000)").hasMessageContaining("(4096)");
        assertThat(j.endOffset()).isZero();
    }

    @Test
    void fullJournalRefusesAppendsUntilConsumedSegmentsAreDeleted() throws Exception {
        Journal j = open(new JournalConfig(8192, 65536, true, 4096));
        int written = 0;
        JournalFullException full = null;
        while (full == null) {
            try {
                j.append(records(written, 10)).join();
                written += 10;
            } catch (JournalFullException e) {
                full = e;
            }
        }
        assertThat(full).hasMessageContaining("limit 65536");
        assertThat(j.hasCapacity()).isFalse();
        assertThat(j.sizeBytes()).isLessThanOrEqualTo(65536);
        j.commit("reader", j.endOffset());
        assertThat(j.hasCapacity()).isTrue();
        assertThat(j.health().segments()).isEqualTo(1);
        j.append(records(written, 10)).join();
    }

    @Test
    void appendLargerThanTheFreeSpaceIsLetInOnceTheJournalIsDownToATenth() throws Exception {
        Journal j = open(new JournalConfig(4096, 65536, true, 4096));
        int written = 0;
        while (j.sizeBytes() < 30000) {
            j.append(records(written, 10)).join();
            written += 10;
        }
        List<byte[]> big = IntStream.range(0, 21).mapToObj(i -> new byte[3000]).collect(Collectors.toList());
        assertThatThrownBy(() -> j.append(big)).isInstanceOf(JournalFullException.class);
        assertThat(j.hasCapacity()).isFalse();

        j.commit("reader", j.endOffset());
        assertThat(j.sizeBytes()).isLessThanOrEqualTo(65536 / 10);
        assertThat(j.hasCapacity()).isTrue();
        long first = j.append(big).get();
        assertThat(first).isEqualTo(written);
        assertThat(j.sizeBytes()).isGreaterThan(63000).isLessThanOrEqualTo(65536 + 63000 + 21 * 64);
        // Now well above a tenth: the same append waits again.
        assertThatThrownBy(() -> j.append(big)).isInstanceOf(JournalFullException.class);
        assertThat(j.hasCapacity()).isFalse();
    }

    @Test
    void segmentsAreKeptUntilEveryGroupHasPassedThem() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 1000);
        int before = segments().size();
        j.commit("slow", 0);
        j.commit("fast", 1000);
        assertThat(segments()).hasSize(before);
        j.commit("slow", 600);
        assertThat(segments().size()).isLessThan(before);
        assertThat(j.startOffset()).isLessThanOrEqualTo(600);
        assertThat(j.read(j.startOffset(), 1, 1 << 20).get(0).offset()).isLessThanOrEqualTo(600);
        j.removeGroup("slow");
        assertThat(segments()).hasSize(1);
    }

    @Test
    void positionsSurviveRestart() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 100);
        j.commit("g", 42);
        close(j);
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.committed("g")).isEqualTo(42);
        assertThat(again.committed("never-seen")).isZero();
        assertThat(again.groups()).containsEntry("g", 42L);
    }

    @Test
    void offsetsKeepGrowingWhenEveryOldSegmentWasDeleted() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 1000);
        j.commit("g", 1000);
        close(j);
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.endOffset()).isEqualTo(1000);
        assertThat(again.committed("g")).isEqualTo(1000);
        assertThat(again.append(records(1000, 1)).get()).isEqualTo(1000);
    }

    @Test
    void flippedByteInARecordSkipsOnlyThatRecordAndCountsIt() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 1000);
        close(j);
        Path victim = segments().get(1);
        long at = Files.size(victim) / 2;
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().damagedRecords()).isEqualTo(1);
        List<Integer> all = readAll(again);
        assertThat(all).hasSize(999).doesNotHaveDuplicates();
        assertThat(all).isSorted();
        assertThat(again.endOffset()).isEqualTo(1000);
    }

    @Test
    void damagedTailOfAnOlderSegmentCountsTheRecordsItHid() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 1000);
        close(j);
        Path victim = segments().get(0);
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            long inLastPayload = f.length() - Segment.HEADER - 3; // before the end marker
            f.seek(inLastPayload);
            int b = f.read();
            f.seek(inLastPayload);
            f.write(b ^ 0x01);
        }
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().damagedRecords()).isEqualTo(1);
        assertThat(again.health().truncatedBytes()).isZero();
        assertThat(readAll(again)).hasSize(999);
    }

    @Test
    void flippedByteInARecordLengthStillResynchronisesOnTheNextRecord() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 200);
        close(j);
        Path victim = segments().get(0);
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            f.seek(8); // the length field of the first record
            f.write(0x7f);
        }
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().damagedRecords()).isEqualTo(1);
        assertThat(readAll(again)).hasSize(199).doesNotContain(0);
    }

    @Test
    void truncatedLastSegmentIsCutToItsLastWholeRecord() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 1000);
        close(j);
        List<Path> segs = segments();
        Path last = segs.get(segs.size() - 1);
        long size = Files.size(last);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(size - Segment.HEADER - 7); // the end marker and part of the last record
        }
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().truncatedBytes()).isPositive();
        List<Integer> all = readAll(again);
        assertThat(all).hasSize(999).containsExactlyElementsOf(IntStream.range(0, 999).boxed().toList());
        // the lost offset is not reused: a consumer past it cannot skip a new record
        long next = again.append(records(5000, 1)).get();
        assertThat(next).isGreaterThanOrEqualTo(999);
        assertThat(readAll(again)).endsWith(5000);
    }

    @Test
    void zeroByteSegmentIsRemovedAndTheRestDelivered() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 300);
        close(j);
        List<Path> segs = segments();
        // an empty file among full ones (its name sorts between the first two)
        long firstBase = Long.parseLong(segs.get(0).getFileName().toString().substring(0, 20));
        Files.createFile(dir.resolve(Segment.fileName(firstBase + 1)));
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().emptySegmentsRemoved()).isEqualTo(1);
        assertThat(readAll(again)).hasSize(300);
        assertThat(again.append(records(300, 1)).get()).isEqualTo(300);
    }

    @Test
    void emptyLastSegmentIsWhereOffsetsContinue() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 300);
        close(j);
        Files.createFile(dir.resolve(Segment.fileName(1_000_000)));
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().damaged()).isFalse();
        assertThat(readAll(again)).hasSize(300);
        // its name tells where offsets had reached: they never go back
        assertThat(again.append(records(300, 1)).get()).isEqualTo(1_000_000);
        assertThat(readAll(again)).hasSize(301);
    }

    @Test
    void missingPositionsFileRestartsGroupsAtTheOldestRecord() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 100);
        j.commit("g", 80);
        close(j);
        Files.delete(dir.resolve(Positions.FILE));
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().offsetsReset()).isTrue();
        assertThat(again.committed("g")).isZero();
        assertThat(readAll(again)).hasSize(100);
    }

    @Test
    void damagedPositionsFileIsDetectedByItsChecksum() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 100);
        j.commit("g", 80);
        close(j);
        Path p = dir.resolve(Positions.FILE);
        Files.writeString(p, Files.readString(p).replace("g 80", "g 99"));
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().offsetsReset()).isTrue();
        assertThat(again.committed("g")).isZero();
    }

    @Test
    void aFreshJournalReportsNoDamage() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        assertThat(j.health().damaged()).isFalse();
        close(j);
        assertThat(open(SMALL_SEGMENTS).health().damaged()).isFalse();
    }

    @Test
    void appendsWithinTheGroupCommitWindowWaitForItUnlessTheyFillHalfAWrite() throws Exception {
        Journal j = open(new JournalConfig(16 << 20, 256 << 20, true, 64 << 10, 1_000_000));
        j.append(records(0, 1)).get(5, TimeUnit.SECONDS); // nothing synced yet: written at once
        long fsyncs = j.health().fsyncs();
        CompletableFuture<Long> small = j.append(records(1, 1));
        // within the 1 s window since that sync, a small append waits for the window to end
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> !small.isDone());
        // appends that fill half the writer's 4 MiB buffer wake it at once: written with the small one
        List<byte[]> big = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            big.add(new byte[64_000]);
        }
        long start = System.nanoTime();
        j.append(big).get(5, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("the big append did not wait for the rest of the window").isLessThan(600);
        assertThat(small).isDone();
        assertThat(j.health().fsyncs() - fsyncs).isEqualTo(1);
    }

    @Test
    void concurrentAppendsShareFsyncs() throws Exception {
        Journal j = open(new JournalConfig(1 << 20, 64 << 20, true, 4096));
        List<CompletableFuture<Long>> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<List<CompletableFuture<Long>>> perThread = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            List<CompletableFuture<Long>> mine = new ArrayList<>();
            perThread.add(mine);
            int base = t * 10_000;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    mine.add(j.append(records(base + i, 1)));
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        perThread.forEach(all::addAll);
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get();
        assertThat(readAll(j)).hasSize(2000);
        assertThat(j.health().fsyncs()).isLessThan(2000);
        // each thread's records keep their order
        for (List<CompletableFuture<Long>> mine : perThread) {
            List<Long> offsets = mine.stream().map(CompletableFuture::join).toList();
            assertThat(offsets).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void anInterruptedReaderDoesNotBreakTheJournalForOthers() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 100);
        Thread.currentThread().interrupt();
        try {
            assertThat(j.read(0, 100, 1 << 20)).hasSize(100);
        } finally {
            Thread.interrupted();
        }
        j.append(records(100, 1)).get();
        assertThat(readAll(j)).hasSize(101);
    }

    private List<Path> spares() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(Journal.SPARE_PREFIX)).collect(Collectors.toList());
        }
    }

    @Test
    void consumedSegmentsAreWrittenOverAndReadBackAfterRestartWithoutDamage() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 1000);
        j.commit("g", 1000);
        assertThat(spares()).hasSize(Journal.MAX_SPARES);
        write(j, 1000, 1000);
        // the new segments were made of the spares (and then new files), no more than that is kept
        assertThat(spares().size()).isLessThanOrEqualTo(Journal.MAX_SPARES);
        List<Integer> before = new ArrayList<>();
        for (JournalRecord r : j.read(1000, 2000, 1 << 20)) {
            before.add(number(r));
        }
        assertThat(before).containsExactlyElementsOf(IntStream.range(1000, 2000).boxed().toList());
        close(j);

        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().damaged()).as(again.health().toString()).isFalse();
        assertThat(again.endOffset()).isEqualTo(2000);
        assertThat(again.committed("g")).isEqualTo(1000);
        List<Integer> after = new ArrayList<>();
        long from = 1000;
        while (true) {
            List<JournalRecord> batch = again.read(from, 100, 1 << 20);
            if (batch.isEmpty()) {
                break;
            }
            batch.forEach(r -> after.add(number(r)));
            from = batch.get(batch.size() - 1).offset() + 1;
        }
        assertThat(after).containsExactlyElementsOf(IntStream.range(1000, 2000).boxed().toList());
        assertThat(again.append(records(2000, 1)).get()).isEqualTo(2000);
    }

    @Test
    void aTornWriteInARecycledSegmentIsCutAndItsStaleTailIgnored() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 1000);
        j.commit("g", 1000);
        // write until a new segment starts: it is made of a spare, stale records follow what is written
        int files = segments().size();
        int next = 1000;
        while (segments().size() == files) {
            j.append(records(next++, 1)).join();
        }
        j.append(records(next++, 1)).join();
        j.append(records(next++, 1)).join();
        close(j);
        List<Path> segs = segments();
        Path last = segs.get(segs.size() - 1);
        long base = Long.parseLong(last.getFileName().toString().substring(0, 20));
        long physical = Files.size(last);
        Journal probe = open(SMALL_SEGMENTS);
        long end = 0;
        int inLast = 0;
        for (JournalRecord r : probe.read(base, 100, 1 << 20)) {
            end += Segment.HEADER + r.payload().length;
            inLast++;
        }
        close(probe);
        assertThat(inLast).isEqualTo(next - base);
        assertThat(physical).as("a recycled file keeps its length").isGreaterThan(end);
        // an interrupted write: a record header without the rest, right after the last record
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.seek(end);
            f.writeInt(Segment.MAGIC);
            f.writeInt(0x12345678);
        }
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().truncatedBytes()).isPositive();
        assertThat(again.health().damagedRecords()).isZero();
        assertThat(again.read(base, 100, 1 << 20)).hasSize(inLast);
        assertThat(again.append(records(next, 1)).get()).isEqualTo(next);
    }

    @Test
    void recycledSegmentsWhoseNewDataEndsInsideAnOldRecordReadCleanlyAfterRestart() throws Exception {
        // records of one size first, then of another: the new data cannot end on an old boundary
        JournalConfig config = new JournalConfig(8192, 1 << 20, true, 4096);
        Journal j = open(config);
        for (int i = 0; i < 400; i++) {
            j.append(List.of(("first " + i + " " + "a".repeat(37)).getBytes(StandardCharsets.UTF_8))).join();
        }
        j.commit("g", 400);
        for (int i = 0; i < 400; i++) {
            j.append(List.of(("second " + i + " " + "b".repeat(61)).getBytes(StandardCharsets.UTF_8))).join();
        }
        close(j);
        Journal again = open(config);
        assertThat(again.health().damaged()).as(again.health().toString()).isFalse();
        List<JournalRecord> all = again.read(400, 1000, 1 << 20);
        assertThat(all).hasSize(400);
        assertThat(new String(all.get(399).payload(), StandardCharsets.UTF_8)).startsWith("second 399 ");
    }

    @Test
    void aSpareRenamedInButNeverWrittenReadsAsAnEmptySegment() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        write(j, 0, 1000);
        j.commit("g", 1000);
        close(j);
        // the crash happened right after a spare became the next segment, before any write
        Path spare = spares().get(0);
        Segment.reuse(spare, dir, 1005, 4096, (seg, from, to, lost) -> { }).close();
        Journal again = open(SMALL_SEGMENTS);
        assertThat(again.health().damaged()).as(again.health().toString()).isFalse();
        assertThat(again.endOffset()).isEqualTo(1005);
        assertThat(again.read(1000, 10, 1 << 20)).isEmpty();
        assertThat(again.append(records(1005, 1)).get()).isEqualTo(1005);
        assertThat(again.read(1005, 10, 1 << 20)).hasSize(1);
    }

    @Test
    void readersWaitForDurableRecords() throws Exception {
        Journal j = open(SMALL_SEGMENTS);
        long start = System.nanoTime();
        j.awaitDurable(0, 50, TimeUnit.MILLISECONDS);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(45));
        Thread t = new Thread(() -> j.append(records(0, 1)));
        t.start();
        j.awaitDurable(0, 10, TimeUnit.SECONDS);
        assertThat(j.durableOffset()).isEqualTo(1);
        t.join();
    }
}
