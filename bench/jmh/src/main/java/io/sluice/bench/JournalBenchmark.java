package io.sluice.bench;

import io.sluice.core.journal.Journal;
import io.sluice.core.journal.JournalConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The durable append the event bus needs — a batch of ~200-byte events, on disk (fsynced) before the
 * call returns — done by Sluice's journal and by H2's MVStore (the well-kept embedded store that fits
 * best), on the same disk. One operation is one durable batch; multiply by {@code batch} for events
 * per second. Run with {@code -t 4} to see group commit: concurrent publishers share fsyncs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class JournalBenchmark {

    @Param({"1", "100", "1000"})
    public int batch;

    @State(Scope.Benchmark)
    public static class Records {
        final List<byte[]> one = new ArrayList<>();
        final List<byte[]> many = new ArrayList<>();

        @Setup
        public void make(JournalBenchmark b) {
            Random r = new Random(42);
            for (int i = 0; i < b.batch; i++) {
                byte[] payload = new byte[200];
                r.nextBytes(payload);
                many.add(payload);
            }
            one.add(many.get(0));
        }
    }

    @State(Scope.Benchmark)
    public static class SluiceJournal {
        Path dir;
        Journal journal;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
                    "journal-bench");
            journal = Journal.open(dir, new JournalConfig(64L << 20, 64L << 30, true, 1 << 20));
        }

        @Setup(Level.Iteration)
        public void consumeAll() throws IOException {
            // Keep the disk bounded: everything written so far counts as consumed.
            journal.commit("bench", journal.endOffset());
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            journal.close();
            delete(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class H2Store {
        Path dir;
        MVStore store;
        MVMap<Long, byte[]> map;
        long next;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
                    "mvstore-bench");
            store = new MVStore.Builder().fileName(dir.resolve("events.mv").toString()).autoCommitDisabled().open();
            map = store.openMap("events");
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            delete(dir);
        }

        synchronized void append(List<byte[]> records) {
            for (byte[] r : records) {
                map.put(next++, r);
            }
            store.commit();
            store.sync();
        }
    }

    @Benchmark
    public long sluiceJournalDurableBatch(SluiceJournal j, Records r) {
        return j.journal.append(r.many).join();
    }

    @Benchmark
    public long h2MvStoreDurableBatch(H2Store h, Records r) {
        h.append(r.many);
        return h.next;
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }
}
