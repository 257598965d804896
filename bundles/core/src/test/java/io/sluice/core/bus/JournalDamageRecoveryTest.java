package io.sluice.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.Event;
import io.sluice.core.journal.JournalHealth;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/**
 * A journal damaged on disk while Sluice was down: the bus starts anyway, skips and counts what is
 * damaged, and delivers the rest to its consumer groups.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalDamageRecoveryTest {
    private static final int EVENTS = 3000;

    @TempDir
    Path dir;

    private JournalEventBus open() throws Exception {
        return new JournalEventBus(dir, Converters.standardConverter()
                .convert(Map.of("offsetFlushMillis", "20", "segmentBytes", "65536")).to(BusConfig.class));
    }

    /** Publishes numbered events, lets group "g" consume the first {@code consumed}, and stops. */
    private void prepare(int consumed) throws Exception {
        JournalEventBus bus = open();
        for (int i = 0; i < EVENTS; i += 100) {
            bus.publish("events", numbered(i, 100)).toCompletableFuture().get();
        }
        if (consumed > 0) {
            Set<Integer> got = ConcurrentHashMap.newKeySet();
            var sub = bus.subscribe("events", "g", 100, b -> {
                if (b.firstOffset() < consumed) {
                    b.events().forEach(e -> got.add(number(e)));
                    b.ack();
                }
            });
            await().until(() -> bus.stats("events").groups().getOrDefault("g", 0L) >= consumed);
            sub.close();
        }
        bus.close();
    }

    private static List<Event> numbered(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> Event.builder().timegenerated(Instant.EPOCH)
                .host("h").message("n" + i).build()).collect(Collectors.toList());
    }

    private static int number(Event e) {
        return Integer.parseInt(e.message().substring(1));
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("events"))) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().collect(Collectors.toList());
        }
    }

    /** Restarts the bus and returns what group "g" receives until it has caught up. */
    private Set<Integer> restartAndConsume(JournalEventBus[] holder) throws Exception {
        JournalEventBus bus = open();
        holder[0] = bus;
        Set<Integer> got = ConcurrentHashMap.newKeySet();
        bus.subscribe("events", "g", 500, b -> {
            b.events().forEach(e -> got.add(number(e)));
            b.ack();
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> bus.stats("events").lag("g") == 0);
        return got;
    }

    @Test
    void flippedByteSkipsOneEventAndDeliversTheRest() throws Exception {
        prepare(0);
        Path victim = segments().get(1);
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            f.seek(f.length() / 3);
            int b = f.read();
            f.seek(f.length() / 3);
            f.write(~b);
        }
        JournalEventBus[] bus = new JournalEventBus[1];
        try {
            Set<Integer> got = restartAndConsume(bus);
            JournalHealth h = bus[0].health("events");
            assertThat(h.damagedRecords()).isEqualTo(1);
            assertThat(got).hasSize(EVENTS - 1);
            assertThat(bus[0].stateDetail()).contains("events").contains("1 damaged record");
        } finally {
            bus[0].close();
        }
    }

    @Test
    void truncatedLastSegmentDeliversEverythingBeforeTheCut() throws Exception {
        prepare(0);
        List<Path> segs = segments();
        Path last = segs.get(segs.size() - 1);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(f.length() - 20 - 10); // the end marker and part of the last record
        }
        JournalEventBus[] bus = new JournalEventBus[1];
        try {
            Set<Integer> got = restartAndConsume(bus);
            assertThat(bus[0].health("events").truncatedBytes()).isPositive();
            assertThat(got).hasSize(EVENTS - 1).doesNotContain(EVENTS - 1);
        } finally {
            bus[0].close();
        }
    }

    @Test
    void zeroByteSegmentIsRemovedAndEverythingDelivered() throws Exception {
        prepare(0);
        long base = Long.parseLong(segments().get(0).getFileName().toString().substring(0, 20));
        Files.createFile(dir.resolve("events").resolve(String.format("%020d.seg", base + 1)));
        JournalEventBus[] bus = new JournalEventBus[1];
        try {
            Set<Integer> got = restartAndConsume(bus);
            assertThat(bus[0].health("events").emptySegmentsRemoved()).isEqualTo(1);
            assertThat(got).hasSize(EVENTS);
        } finally {
            bus[0].close();
        }
    }

    @Test
    void missingOffsetsFileRedeliversInsteadOfLosing() throws Exception {
        prepare(1000);
        Files.delete(dir.resolve("events").resolve("offsets"));
        JournalEventBus[] bus = new JournalEventBus[1];
        try {
            Set<Integer> got = restartAndConsume(bus);
            assertThat(bus[0].health("events").offsetsReset()).isTrue();
            // everything still retained comes again: duplicates, never loss
            assertThat(got).containsAll(IntStream.range(1000, EVENTS).boxed().toList());
            assertThat(bus[0].stateDetail()).contains("positions were reset");
        } finally {
            bus[0].close();
        }
    }
}
