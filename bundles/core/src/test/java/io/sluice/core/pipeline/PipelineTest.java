package io.sluice.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.api.Event;
import io.sluice.api.bus.EventBus;
import io.sluice.api.filter.FilterChains.ChainUnavailableException;
import io.sluice.api.filter.FilterChains.Output;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.EventShipper;
import io.sluice.core.bus.BusConfig;
import io.sluice.core.bus.JournalEventBus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineTest {
    @TempDir
    Path dir;

    private JournalEventBus bus;
    private FilterStage filter;
    private ShipperManager shippers;

    @BeforeEach
    void start() throws Exception {
        bus = new JournalEventBus(dir, Converters.standardConverter()
                .convert(Map.of("offsetFlushMillis", "20", "redeliveryDelayMillis", "10")).to(BusConfig.class));
        filter = new FilterStage(bus, Converters.standardConverter().convert(Map.of("workers", "2"))
                .to(FilterStage.Config.class));
        shippers = new ShipperManager(bus);
    }

    @AfterEach
    void stop() {
        shippers.stop();
        filter.stop();
        bus.close();
    }

    private static List<Event> numbered(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(i -> Event.builder().timegenerated(Instant.EPOCH).message("m" + i).build())
                .collect(Collectors.toList());
    }

    @Test
    void eventsFlowFromIngestThroughTheFilterStageToEveryShipper() throws Exception {
        RecordingShipper a = new RecordingShipper("file-a");
        RecordingShipper b = new RecordingShipper("file-b");
        shippers.addShipper(a);
        shippers.addShipper(b);
        bus.publish(EventBus.INGEST, numbered(0, 2000)).toCompletableFuture().get();
        await().until(() -> a.messages.size() == 2000 && b.messages.size() == 2000);
        assertThat(filter.counters().acked.sum()).isEqualTo(2000);
        assertThat(filter.state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void aStoppedShipperTakesNothingAndGetsEveryEventOnceStartedAgain() throws Exception {
        RecordingShipper first = new RecordingShipper("file-a");
        RecordingShipper running = new RecordingShipper("file-b");
        shippers.addShipper(first, Map.of("enabled", Boolean.TRUE));
        shippers.addShipper(running, Map.of());
        bus.publish(EventBus.INGEST, numbered(0, 100)).toCompletableFuture().get();
        await().until(() -> first.messages.size() == 100 && running.messages.size() == 100);
        // Stopped: DS registers it again with a configuration saying enabled = false (text, as in a .cfg file).
        shippers.removeShipper(first);
        RecordingShipper stopped = new RecordingShipper("file-a");
        shippers.addShipper(stopped, Map.of("enabled", "false"));
        bus.publish(EventBus.INGEST, numbered(100, 400)).toCompletableFuture().get();
        await().until(() -> running.messages.size() == 500);
        assertThat(stopped.messages).isEmpty();
        assertThat(bus.stats(EventBus.EVENTS).lag("file-a")).as("the stopped shipper's events wait").isEqualTo(400);
        // Started again: it gets exactly what it missed.
        shippers.removeShipper(stopped);
        RecordingShipper started = new RecordingShipper("file-a");
        shippers.addShipper(started, Map.of("enabled", "true"));
        await().until(() -> started.messages.size() == 400);
        assertThat(started.messages).contains("m100", "m499").doesNotContain("m99");
    }

    @Test
    void aDisabledFilterStageLeavesIngestToTheNodesThatFilterIt() throws Exception {
        filter.stop();
        filter = new FilterStage(bus, Converters.standardConverter().convert(Map.of("enabled", "false"))
                .to(FilterStage.Config.class));
        RecordingShipper a = new RecordingShipper("file-a");
        shippers.addShipper(a);
        bus.publish(EventBus.INGEST, numbered(0, 100)).toCompletableFuture().get();
        assertThat(filter.state()).isEqualTo(ComponentState.STOPPED);
        assertThat(filter.stateDetail()).contains("disabled on this node");
        assertThat(bus.stats(EventBus.INGEST).lag("filter")).as("nobody on this node consumes ingest").isEqualTo(100);
        // Another node's stage (here: one enabled) then takes them all.
        FilterStage other = new FilterStage(bus, Converters.standardConverter().convert(Map.of("workers", "1"))
                .to(FilterStage.Config.class));
        try {
            await().until(() -> a.messages.size() == 100);
        } finally {
            other.stop();
        }
    }

    @Test
    void droppedEventsAreAcknowledgedAndCountedAndAnUnavailableChainHoldsItsEventsUntilItRuns() throws Exception {
        filter.stop();
        filter = new FilterStage(bus, Converters.standardConverter().convert(Map.of("workers", "2", "chain", "main",
                "threads", "3")).to(FilterStage.Config.class));
        assertThat(filter.stateDetail()).contains("(chain main)").contains("3 thread(s)");
        java.util.concurrent.atomic.AtomicBoolean available = new java.util.concurrent.atomic.AtomicBoolean(false);
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        filter.chains(chains((name, events) -> {
            assertThat(name).isEqualTo("main");
            if (!available.get()) {
                refused.incrementAndGet();
                throw new ChainUnavailableException("chain main waits for filter x");
            }
            // drop every odd event, mark the others
            List<Event> kept = events.stream().filter(e -> Integer.parseInt(e.message().substring(1)) % 2 == 0)
                    .map(e -> e.toBuilder().tag("filtered").build()).collect(Collectors.toList());
            return new Output(kept, Map.of(), events.size() - kept.size());
        }));
        RecordingShipper out = new RecordingShipper("out");
        java.util.List<Event> shipped = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingShipper tagsSeen = new RecordingShipper("tags") {
            @Override
            public CompletionStage<Void> ship(List<Event> events) {
                shipped.addAll(events);
                return CompletableFuture.completedFuture(null);
            }
        };
        shippers.addShipper(out);
        shippers.addShipper(tagsSeen);
        bus.publish(EventBus.INGEST, numbered(0, 1000)).toCompletableFuture().get();

        await().until(() -> refused.get() >= 3);
        assertThat(out.messages).as("nothing passes unfiltered while the chain cannot run").isEmpty();
        assertThat(filter.state()).isEqualTo(ComponentState.DEGRADED);
        assertThat(filter.stateDetail()).contains("waits for filter x");

        available.set(true);
        await().until(() -> out.messages.size() == 500 && bus.stats(EventBus.INGEST).lag("filter") == 0);
        await().until(() -> shipped.size() == 500);
        assertThat(shipped.stream().map(Event::message).toList()).as("each kept event once, in order")
                .containsExactlyElementsOf(IntStream.range(0, 1000).filter(i -> i % 2 == 0).mapToObj(i -> "m" + i).toList());
        assertThat(shipped).allMatch(e -> e.tags().contains("filtered"));
        assertThat(filter.counters().dropped.sum()).isEqualTo(500);
        await().until(() -> filter.state() == ComponentState.RUNNING);
    }

    @Test
    void routedEventsReachTheShippersOfTheirStreamAndTheBatchIsAckedOnlyWhenEveryStreamHoldsThem() throws Exception {
        filter.stop();
        filter = new FilterStage(bus, Converters.standardConverter().convert(Map.of("workers", "2", "chain", "main",
                "threads", "2")).to(FilterStage.Config.class));
        filter.chains(chains((name, events) -> {
            // multiples of 3 go to audit only, multiples of 5 to audit and events, the rest to events
            List<Event> out = new java.util.ArrayList<>();
            List<Event> audit = new java.util.ArrayList<>();
            for (Event e : events) {
                int n = Integer.parseInt(e.message().substring(1));
                if (n % 3 == 0 || n % 5 == 0) {
                    audit.add(e);
                }
                if (n % 3 != 0) {
                    out.add(e);
                }
            }
            return new Output(out, audit.isEmpty() ? Map.of() : Map.of("audit", audit), 0);
        }));
        RecordingShipper all = new RecordingShipper("file-all");
        RecordingShipper audit = new RecordingShipper("file-audit") {
            @Override
            public String stream() {
                return "audit";
            }
        };
        shippers.addShipper(all);
        shippers.addShipper(audit);
        bus.publish(EventBus.INGEST, numbered(0, 3000)).toCompletableFuture().get();
        await().until(() -> bus.stats(EventBus.INGEST).lag("filter") == 0 && audit.messages.size() == 1400
                && all.messages.size() == 2000);
        assertThat(audit.messages).contains("m0", "m3", "m5", "m2995").doesNotContain("m1", "m7");
        assertThat(all.messages).contains("m1", "m5").doesNotContain("m0", "m3");
        assertThat(bus.stats("audit").lag("file-audit")).isZero();
        assertThat(filter.counters().published.sum()).isEqualTo(3400);
        assertThat(filter.counters().acked.sum()).isEqualTo(3000);
    }

    @Test
    void whenOneStreamRefusesItsPartTheInputBatchIsNotAckedAndComesAgainUntilEveryStreamHoldsIt() throws Exception {
        filter.stop();
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(2);
        EventBus flaky = (EventBus) java.lang.reflect.Proxy.newProxyInstance(EventBus.class.getClassLoader(),
                new Class<?>[] {EventBus.class}, (proxy, m, args) -> {
                    if (m.getName().equals("publish") && "audit".equals(args[0]) && refusals.getAndDecrement() > 0) {
                        return CompletableFuture.failedFuture(new java.io.IOException("audit disk full"));
                    }
                    return m.invoke(bus, args);
                });
        filter = new FilterStage(flaky, Converters.standardConverter().convert(Map.of("workers", "1", "chain", "main"))
                .to(FilterStage.Config.class));
        filter.chains(chains((name, events) -> {
            return new Output(events, Map.of("audit", events), 0);
        }));
        bus.publish(EventBus.INGEST, numbered(0, 100)).toCompletableFuture().get();
        await().until(() -> refusals.get() < 0 && bus.stats(EventBus.INGEST).lag("filter") == 0);
        assertThat(filter.counters().failed.sum()).as("two refused attempts").isEqualTo(400);
        assertThat(bus.stats("audit").endOffset()).as("held by audit once it took them").isEqualTo(100);
        assertThat(bus.stats(EventBus.EVENTS).endOffset()).as("at least once: events took the batch each time")
                .isEqualTo(300);
        assertThat(filter.counters().acked.sum()).as("acked once, after both held it").isEqualTo(100);
    }

    @Test
    void eachInputStreamRunsItsOwnChainAndAChainRoutingToItsOwnInputHoldsItsEvents() throws Exception {
        filter.stop();
        filter = new FilterStage(bus, Converters.standardConverter().convert(Map.of("workers", "1", "chain", "main",
                "bindings", new String[] {"web-in=web, loop-in=loop"})).to(FilterStage.Config.class));
        assertThat(filter.stateDetail()).contains("ingest -> events (chain main)").contains("web-in -> events (chain web)");
        filter.chains(chains((name, events) -> {
            List<Event> out = events.stream().map(e -> e.toBuilder().tag(name).build()).toList();
            return name.equals("loop") ? new Output(List.of(), Map.of("loop-in", out), 0) : Output.unchanged(out);
        }));
        java.util.List<Event> shipped = new java.util.concurrent.CopyOnWriteArrayList<>();
        shippers.addShipper(new RecordingShipper("all") {
            @Override
            public CompletionStage<Void> ship(List<Event> events) {
                shipped.addAll(events);
                return CompletableFuture.completedFuture(null);
            }
        });
        bus.publish(EventBus.INGEST, numbered(0, 10)).toCompletableFuture().get();
        bus.publish("web-in", numbered(10, 5)).toCompletableFuture().get();
        await().until(() -> shipped.size() == 15);
        assertThat(shipped).filteredOn(e -> e.tags().contains("main")).hasSize(10);
        assertThat(shipped).filteredOn(e -> e.tags().contains("web")).extracting(Event::message)
                .containsExactly("m10", "m11", "m12", "m13", "m14");

        bus.publish("loop-in", numbered(20, 3)).toCompletableFuture().get();
        await().until(() -> filter.state() == ComponentState.DEGRADED);
        assertThat(filter.stateDetail()).contains("routes events to loop-in, its own input stream");
        assertThat(bus.stats("loop-in").lag("filter")).as("held, not lost").isEqualTo(3);
        assertThat(shipped).hasSize(15);

        assertThatThrownBy(() -> new FilterStage(bus, Converters.standardConverter().convert(Map.of("bindings",
                new String[] {"ingest=x"})).to(FilterStage.Config.class))).hasMessageContaining("bound twice");
        assertThatThrownBy(() -> new FilterStage(bus, Converters.standardConverter().convert(Map.of("bindings",
                new String[] {"web"})).to(FilterStage.Config.class))).hasMessageContaining("is not stream=chain");
    }

    @Test
    void aBatchAnEmptyChainLeavesAloneIsPublishedAsTheBusGaveItAlsoWhenCutIntoSlices() throws Exception {
        filter.stop();
        java.util.List<List<Event>> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<List<Event>> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        // the bus, recording the list each batch is delivered as and the list published to events
        EventBus watched = (EventBus) java.lang.reflect.Proxy.newProxyInstance(EventBus.class.getClassLoader(),
                new Class<?>[] {EventBus.class}, (proxy, m, args) -> {
                    if (m.getName().equals("subscribe")) {
                        io.sluice.api.bus.BatchConsumer inner = (io.sluice.api.bus.BatchConsumer) args[3];
                        args[3] = (io.sluice.api.bus.BatchConsumer) b -> {
                            delivered.add(b.events());
                            inner.accept(b);
                        };
                    } else if (m.getName().equals("publish") && EventBus.EVENTS.equals(args[0])) {
                        published.add((List<Event>) args[1]);
                    }
                    return m.invoke(bus, args);
                });
        filter = new FilterStage(watched, Converters.standardConverter().convert(Map.of("workers", "1", "chain", "main",
                "threads", "2")).to(FilterStage.Config.class));
        filter.chains(chains((name, events) -> {
            return Output.unchanged(events); // what an empty chain file gives
        }));
        bus.publish(EventBus.INGEST, numbered(0, 2000)).toCompletableFuture().get();
        await().until(() -> bus.stats(EventBus.INGEST).lag("filter") == 0 && !published.isEmpty());
        assertThat(delivered.get(0).size()).as("large enough to be cut into slices").isGreaterThanOrEqualTo(512);
        assertThat(published.get(0)).as("the bus's own list: its stored bytes are written on, nothing decoded")
                .isSameAs(delivered.get(0));
    }

    @Test
    void aNamedChainHoldsEventsWhileTheChainsServiceIsMissingInsteadOfPassingThemUnfiltered() throws Exception {
        filter.stop();
        filter = new FilterStage(bus, Converters.standardConverter().convert(Map.of("workers", "2", "chain", "main"))
                .to(FilterStage.Config.class));
        RecordingShipper out = new RecordingShipper("out");
        shippers.addShipper(out);
        bus.publish(EventBus.INGEST, numbered(0, 100)).toCompletableFuture().get();
        await().until(() -> filter.state() == ComponentState.DEGRADED);
        assertThat(filter.stateDetail()).contains("waits for the filter chains service");
        assertThat(out.messages).isEmpty();

        filter.chains(chains((name, events) -> {
            return Output.unchanged(events.stream().map(e -> e.toBuilder().message(e.message() + "!").build())
                    .toList());
        }));
        await().until(() -> out.messages.size() == 100);
        assertThat(out.messages).allMatch(m -> m.endsWith("!"));
    }

    @Test
    void pipelinedStagesKeepStreamOrderFromIngestToTheShipper() throws Exception {
        filter.stop();
        filter = new FilterStage(bus, Converters.standardConverter().convert(Map.of("workers", "3", "batchSize", "100"))
                .to(FilterStage.Config.class));
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ScheduledExecutorService later = java.util.concurrent.Executors.newScheduledThreadPool(2);
        RecordingShipper pipelined = new RecordingShipper("pipelined") {
            @Override
            public CompletionStage<Void> ship(List<Event> events) {
                // written in order now, confirmed later (like a file fsynced on another thread)
                events.forEach(e -> order.add(e.message()));
                CompletableFuture<Void> done = new CompletableFuture<>();
                later.schedule(() -> done.complete(null), 3, TimeUnit.MILLISECONDS);
                return done;
            }

            @Override
            public int maxInFlight() {
                return 3;
            }

            @Override
            public int maxBatch() {
                return 70;
            }
        };
        try {
            shippers.addShipper(pipelined);
            for (int i = 0; i < 50; i++) {
                bus.publish(EventBus.INGEST, numbered(i * 100, 100));
            }
            await().until(() -> order.size() == 5000);
            assertThat(order).isEqualTo(IntStream.range(0, 5000).mapToObj(i -> "m" + i).toList());
            await().until(() -> bus.stats(EventBus.EVENTS).lag("pipelined") == 0);
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void aFailingShipperHoldsBackOnlyItselfAndCatchesUpWhenItRecovers() throws Exception {
        RecordingShipper healthy = new RecordingShipper("healthy");
        RecordingShipper broken = new RecordingShipper("broken");
        broken.failing = true;
        shippers.addShipper(healthy);
        shippers.addShipper(broken);
        bus.publish(EventBus.INGEST, numbered(0, 500)).toCompletableFuture().get();
        await().until(() -> healthy.messages.size() == 500);
        assertThat(broken.messages).isEmpty();
        assertThat(bus.stats(EventBus.EVENTS).lag("broken")).isEqualTo(500);
        broken.failing = false;
        await().until(() -> broken.messages.size() == 500);
    }

    @Test
    void aRemovedShipperLeavesItsEventsWaitingUntilItIsBack() throws Exception {
        RecordingShipper s = new RecordingShipper("file-main");
        shippers.addShipper(s);
        bus.publish(EventBus.INGEST, numbered(0, 100)).toCompletableFuture().get();
        await().until(() -> s.messages.size() == 100);
        shippers.removeShipper(s);
        bus.publish(EventBus.INGEST, numbered(100, 100)).toCompletableFuture().get();
        await().until(() -> bus.stats(EventBus.EVENTS).endOffset() == 200);
        assertThat(bus.stats(EventBus.EVENTS).lag("file-main")).isEqualTo(100);
        RecordingShipper back = new RecordingShipper("file-main");
        shippers.addShipper(back);
        await().until(() -> back.messages.size() == 100);
        assertThat(back.messages).contains("m100", "m199").doesNotContain("m0");
    }

    /** The chain a test needs, as the filter chains service would run it. */
    @FunctionalInterface
    interface ChainRun {
        io.sluice.api.filter.FilterChains.Output run(String name, List<Event> events)
                throws io.sluice.api.filter.FilterChains.ChainUnavailableException;
    }

    private static io.sluice.api.filter.FilterChains chains(ChainRun run) {
        return new io.sluice.api.filter.FilterChains() {
            @Override
            public Output run(String name, List<Event> events) throws ChainUnavailableException {
                return run.run(name, events);
            }

            @Override
            public List<ChainStatus> chains() {
                return List.of();
            }

            @Override
            public ChainStatus reload(String name) {
                throw new java.util.NoSuchElementException(name);
            }

            @Override
            public Set<String> filters() {
                return Set.of();
            }
        };
    }

    static class RecordingShipper implements EventShipper {
        final String name;
        final Set<String> messages = ConcurrentHashMap.newKeySet();
        final Counters counters = new Counters();
        volatile boolean failing;

        RecordingShipper(String name) {
            this.name = name;
        }

        @Override
        public CompletionStage<Void> ship(List<Event> events) {
            if (failing) {
                return CompletableFuture.failedFuture(new java.io.IOException("disk gone"));
            }
            events.forEach(e -> messages.add(e.message()));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ComponentState state() {
            return ComponentState.RUNNING;
        }

        @Override
        public String stateDetail() {
            return "recording";
        }

        @Override
        public Counters counters() {
            return counters;
        }
    }
}
