package io.sluice.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.api.Event;
import io.sluice.api.bus.Batch;
import io.sluice.api.bus.BusFullException;
import io.sluice.api.bus.StreamStats;
import io.sluice.api.bus.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalEventBusTest {
    @TempDir
    Path dir;

    private final List<JournalEventBus> buses = new ArrayList<>();

    @AfterEach
    void closeAll() {
        buses.forEach(JournalEventBus::close);
    }

    private JournalEventBus open(Map<String, Object> cfg) throws Exception {
        JournalEventBus bus = new JournalEventBus(dir, Converters.standardConverter().convert(cfg).to(BusConfig.class));
        buses.add(bus);
        return bus;
    }

    private JournalEventBus open() throws Exception {
        return open(Map.of("offsetFlushMillis", "20", "redeliveryDelayMillis", "10"));
    }

    static List<Event> numbered(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(i -> Event.builder().timegenerated(Instant.EPOCH).host("h").appName("seq")
                        .message("message " + i).build())
                .collect(Collectors.toList());
    }

    static int number(Event e) {
        return Integer.parseInt(e.message().substring("message ".length()));
    }

    @Test
    void everyGroupReceivesEveryEventInOrder() throws Exception {
        JournalEventBus bus = open();
        bus.publish("ingest", numbered(0, 500)).toCompletableFuture().get();
        List<Integer> a = new CopyOnWriteArrayList<>();
        List<Integer> b = new CopyOnWriteArrayList<>();
        bus.subscribe("ingest", "a", 64, batch -> {
            batch.events().forEach(e -> a.add(number(e)));
            batch.ack();
        });
        bus.subscribe("ingest", "b", 1000, batch -> {
            batch.events().forEach(e -> b.add(number(e)));
            batch.ack();
        });
        bus.publish("ingest", numbered(500, 500)).toCompletableFuture().get();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.size() == 1000 && b.size() == 1000);
        assertThat(a).isEqualTo(IntStream.range(0, 1000).boxed().toList());
        assertThat(b).isEqualTo(a);
        await().until(() -> bus.stats("ingest").lag("a") == 0 && bus.stats("ingest").lag("b") == 0);
    }

    @Test
    void membersOfOneGroupShareTheWork() throws Exception {
        JournalEventBus bus = open();
        Map<Integer, Integer> seenBy = new ConcurrentHashMap<>();
        AtomicInteger dup = new AtomicInteger();
        for (int m = 0; m < 3; m++) {
            int member = m;
            bus.subscribe("events", "shipper", 10, batch -> {
                batch.events().forEach(e -> {
                    if (seenBy.put(number(e), member) != null) {
                        dup.incrementAndGet();
                    }
                });
                batch.ack();
            });
        }
        for (int i = 0; i < 20; i++) {
            bus.publish("events", numbered(i * 50, 50)).toCompletableFuture().get();
        }
        await().until(() -> seenBy.size() == 1000);
        assertThat(dup).hasValue(0);
        assertThat(new HashSet<>(seenBy.values())).hasSizeGreaterThan(1);
    }

    @Test
    void nackedBatchIsDeliveredAgainAndNothingIsLost() throws Exception {
        JournalEventBus bus = open();
        AtomicInteger attempts = new AtomicInteger();
        Set<Integer> delivered = ConcurrentHashMap.newKeySet();
        bus.subscribe("events", "flaky", 100, batch -> {
            if (attempts.incrementAndGet() % 3 != 0) {
                batch.nack(new IllegalStateException("destination down"));
                return;
            }
            batch.events().forEach(e -> delivered.add(number(e)));
            batch.ack();
        });
        bus.publish("events", numbered(0, 300)).toCompletableFuture().get();
        await().until(() -> delivered.size() == 300);
        await().until(() -> bus.stats("events").lag("flaky") == 0);
    }

    @Test
    void throwingConsumerIsTreatedAsNack() throws Exception {
        JournalEventBus bus = open();
        AtomicInteger calls = new AtomicInteger();
        Set<Integer> delivered = ConcurrentHashMap.newKeySet();
        bus.subscribe("events", "g", 100, batch -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            batch.events().forEach(e -> delivered.add(number(e)));
            batch.ack();
        });
        bus.publish("events", numbered(0, 50)).toCompletableFuture().get();
        await().until(() -> delivered.size() == 50);
    }

    @Test
    void unacknowledgedBatchesAreRedeliveredAfterRestartAndAckedOnesAreNot() throws Exception {
        JournalEventBus first = open();
        first.publish("events", numbered(0, 1000)).toCompletableFuture().get();
        List<Batch> held = new CopyOnWriteArrayList<>();
        AtomicInteger acked = new AtomicInteger();
        Subscription s = first.subscribe("events", "g", 100, batch -> {
            if (batch.firstOffset() < 500) {
                acked.addAndGet(batch.events().size());
                batch.ack();
            } else {
                held.add(batch); // never acknowledged: "crash" while shipping
            }
        });
        await().until(() -> acked.get() == 500 && !held.isEmpty());
        await().until(() -> first.stats("events").groups().get("g") == 500L);
        s.close();
        first.close();
        buses.remove(first);

        JournalEventBus second = open();
        List<Integer> again = new CopyOnWriteArrayList<>();
        second.subscribe("events", "g", 1000, batch -> {
            batch.events().forEach(e -> again.add(number(e)));
            batch.ack();
        });
        await().until(() -> again.size() >= 500);
        assertThat(again).containsExactlyElementsOf(IntStream.range(500, 1000).boxed().toList());
    }

    @Test
    void ackOutOfOrderCommitsOnlyTheContiguousPrefix() throws Exception {
        JournalEventBus bus = open();
        bus.publish("events", numbered(0, 300)).toCompletableFuture().get();
        List<Batch> batches = new CopyOnWriteArrayList<>();
        for (int m = 0; m < 3; m++) {
            bus.subscribe("events", "g", 100, batches::add);
        }
        await().until(() -> batches.size() == 3);
        batches.sort((x, y) -> Long.compare(x.firstOffset(), y.firstOffset()));
        batches.get(2).ack();
        batches.get(1).ack();
        await().pollDelay(Duration.ofMillis(100)).until(() -> true);
        assertThat(bus.stats("events").groups().get("g")).isEqualTo(0L);
        batches.get(0).ack();
        await().until(() -> bus.stats("events").groups().get("g") == 300L);
    }

    @Test
    void fullStreamRefusesPublishingAndRecoversWhenConsumed() throws Exception {
        JournalEventBus bus = open(Map.of("maxStreamBytes", "1048576", "segmentBytes", "65536",
                "offsetFlushMillis", "20"));
        List<Event> chunk = numbered(0, 200);
        int published = 0;
        BusFullException full = null;
        while (full == null && published < 100_000) {
            try {
                bus.publish("ingest", chunk).toCompletableFuture().join();
                published += chunk.size();
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(BusFullException.class);
                full = (BusFullException) e.getCause();
            }
        }
        assertThat(full).isNotNull().hasMessageContaining("ingest").hasMessageContaining("1048576");
        assertThat(bus.hasCapacity("ingest")).isFalse();
        assertThat(bus.state().name()).isEqualTo("DEGRADED");
        AtomicInteger consumed = new AtomicInteger();
        bus.subscribe("ingest", "drain", 1000, batch -> {
            consumed.addAndGet(batch.events().size());
            batch.ack();
        });
        int total = published;
        await().until(() -> consumed.get() == total);
        await().atMost(Duration.ofSeconds(20)).until(() -> bus.hasCapacity("ingest"));
        bus.publish("ingest", chunk).toCompletableFuture().get();
    }

    @Test
    void observerSeesOnlyNewEventsAndHoldsNoPosition() throws Exception {
        JournalEventBus bus = open();
        bus.publish("events", numbered(0, 10)).toCompletableFuture().get();
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        try (Subscription s = bus.observe("events", e -> seen.add(number(e)))) {
            bus.publish("events", numbered(10, 5)).toCompletableFuture().get();
            await().until(() -> seen.size() == 5);
        }
        assertThat(seen).containsExactly(10, 11, 12, 13, 14);
        StreamStats stats = bus.stats("events");
        assertThat(stats.groups()).isEmpty();
    }

    @Test
    void badStreamAndGroupNamesAreRefused() throws Exception {
        JournalEventBus bus = open();
        assertThatThrownBy(() -> bus.publish("../etc", numbered(0, 1))).hasMessageContaining("'../etc'");
        assertThatThrownBy(() -> bus.subscribe("events", "Bad Name", 1, b -> b.ack()))
                .hasMessageContaining("consumer group name");
    }

    @Test
    void streamsSurviveRestartWithTheirEvents() throws Exception {
        JournalEventBus first = open();
        first.publish("ingest", numbered(0, 10)).toCompletableFuture().get();
        first.close();
        buses.remove(first);
        JournalEventBus second = open();
        assertThat(second.streams()).contains("ingest");
        assertThat(second.stats("ingest").depth()).isEqualTo(10);
    }

    @Test
    void aBatchPassedOnUnchangedIsRepublishedAsStoredAndStillReadsBack() throws Exception {
        JournalEventBus bus = open();
        bus.publish("ingest", numbered(0, 300)).toCompletableFuture().get();
        bus.subscribe("ingest", "relay", 100, batch -> bus.publish("events", batch.events())
                .whenComplete((ok, error) -> {
                    if (error == null) {
                        batch.ack();
                    } else {
                        batch.nack(error);
                    }
                }));
        List<Integer> out = new CopyOnWriteArrayList<>();
        bus.subscribe("events", "reader", 1000, batch -> {
            batch.events().forEach(e -> out.add(number(e)));
            batch.ack();
        });
        await().until(() -> out.size() == 300);
        assertThat(out).isEqualTo(IntStream.range(0, 300).boxed().toList());
    }

    @Test
    void anUndecodableRecordIsPassedOnAsATaggedEventNotDropped() throws Exception {
        JournalEventBus bus = open();
        bus.publish("events", numbered(0, 2)).toCompletableFuture().get();
        bus.close();
        buses.remove(bus);
        // a record from an incompatible writer: valid journal framing, unknown event encoding
        try (io.sluice.core.journal.Journal j = io.sluice.core.journal.Journal.open(dir.resolve("events"),
                new io.sluice.core.journal.JournalConfig(1 << 20, 1L << 30, true, 1 << 20))) {
            j.append(List.of(new byte[] {99, 1, 2, 3})).get();
        }
        JournalEventBus again = open();
        List<Event> got = new CopyOnWriteArrayList<>();
        again.subscribe("events", "g", 100, batch -> {
            got.addAll(batch.events());
            batch.ack();
        });
        await().until(() -> got.size() == 3);
        Event odd = got.get(2);
        assertThat(odd.tags()).contains("_undecodable");
        assertThat(odd.message()).contains("offset 2").contains("events");
        assertThat(odd.fields()).containsKey("raw_base64");
        assertThat(again.stateDetail()).contains("1 undecodable event(s) passed on tagged _undecodable");
    }
}
