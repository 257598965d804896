package io.sluice.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.sluice.api.Event;
import io.sluice.api.bus.Batch;
import io.sluice.api.bus.Subscription;
import io.sluice.api.testing.DeliveryCheck;
import io.sluice.redis.PrivateRedis;
import io.sluice.redis.RedisConfig;
import io.sluice.redis.RedisRescueQueue;
import io.sluice.shipper.rabbitmq.PrivateRabbitMq;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/**
 * The event bus over a RabbitMQ broker of the test's own (and a Redis of its own for the rescue
 * queue): groups and competing members, mandatory routing, refusals that do not dead-letter,
 * poison messages that do, a member closed mid-batch, and the broker stopped under load.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RabbitMqEventBusTest {
    @TempDir
    static Path dir;

    static PrivateRabbitMq broker;
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = PrivateRabbitMq.start(dir.resolve("rabbitmq"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    private RabbitMqEventBus bus(Map<String, Object> more) {
        if (prefix == null) {
            prefix = "t" + PREFIXES.incrementAndGet();
        }
        Map<String, Object> props = new HashMap<>(Map.of("uri", broker.uri(), "prefix", prefix, "node", "test",
                "redeliveryDelayMillis", 50L));
        props.putAll(more);
        RabbitMqEventBus bus = new RabbitMqEventBus(Converters.standardConverter().convert(props)
                .to(RabbitMqEventBus.Config.class));
        closeAfter.add(bus::close);
        await().atMost(Duration.ofSeconds(30)).until(bus::connected);
        return bus;
    }

    private static List<Event> events(int from, int n) {
        return IntStream.range(from, from + n).mapToObj(i -> Event.builder()
                .timegenerated(Instant.parse("2026-12-04T10:00:00Z").plusMillis(i)).host("h").appName("app")
                .message("event " + i).build()).toList();
    }

    private static void ackInto(Batch b, DeliveryCheck check) {
        b.events().forEach(e -> check.found(e.message()));
        b.ack();
    }

    @Test
    void everyGroupGetsEveryEventAndTheMembersOfAGroupShareThem() throws Exception {
        RabbitMqEventBus bus = bus(Map.of("queues", new String[] {"ingest/filter", "ingest/archive"}));
        DeliveryCheck filter = new DeliveryCheck(5000);
        DeliveryCheck archive = new DeliveryCheck(5000);
        Map<Integer, AtomicInteger> perMember = new ConcurrentHashMap<>();
        for (int m = 0; m < 2; m++) {
            int member = m;
            perMember.put(m, new AtomicInteger());
            closeAfter.add(bus.subscribe("ingest", "filter", 100, b -> {
                perMember.get(member).addAndGet(b.events().size());
                assertThat(b.events()).hasSizeLessThanOrEqualTo(100);
                ackInto(b, filter);
            }));
        }
        closeAfter.add(bus.subscribe("ingest", "archive", 1000, b -> ackInto(b, archive)));
        for (int i = 0; i < 5000; i += 250) {
            bus.publish("ingest", events(i, 250)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            filter.acknowledged(i, i + 250);
            archive.acknowledged(i, i + 250);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> filter.complete() && archive.complete());
        filter.assertNoneLost();
        archive.assertNoneLost();
        assertThat(filter.duplicates()).as(filter.report()).isZero();
        assertThat(archive.duplicates()).as(archive.report()).isZero();
        assertThat(perMember.get(0).get()).as("both members took a share").isPositive();
        assertThat(perMember.get(1).get()).as("both members took a share").isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.stats("ingest") != null
                && bus.stats("ingest").lag("filter") == 0 && bus.stats("ingest").lag("archive") == 0);
        assertThat(bus.counters().acked.sum()).isEqualTo(5000);
    }

    @Test
    void messagesLargerThanAConsumersBatchAreSplitAndAckedOnceWhole() throws Exception {
        RabbitMqEventBus bus = bus(Map.of("eventsPerMessage", 100));
        DeliveryCheck check = new DeliveryCheck(1000);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        closeAfter.add(bus.subscribe("ingest", "filter", 30, b -> {
            sizes.add(b.events().size());
            ackInto(b, check);
        }));
        bus.publish("ingest", events(0, 1000)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        check.acknowledged(0, 1000);
        await().atMost(Duration.ofSeconds(60)).until(check::complete);
        check.assertNoneLost();
        assertThat(check.duplicates()).isZero();
        assertThat(sizes).allSatisfy(n -> assertThat(n).isBetween(1, 30));
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.stats("ingest") != null
                && bus.stats("ingest").lag("filter") == 0);
        try (Connection c = broker.factory().newConnection(); Channel ch = c.createChannel()) {
            assertThat(ch.queueDeclarePassive(prefix + ".ingest.filter").getMessageCount()).isZero();
        }
    }

    @Test
    void anEventNoQueueWouldTakeFailsItsBatch() {
        RabbitMqEventBus bus = bus(Map.of("queues", new String[0]));
        assertThatThrownBy(() -> bus.publish("nobody", events(0, 3)).toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("no queue is bound for stream 'nobody'");
        assertThat(bus.counters().failed.sum()).isEqualTo(3);
    }

    @Test
    void aRefusedBatchComesBackToItsConsumerWithoutCountingAsADeliveryAndNothingIsDeadLettered() throws Exception {
        RabbitMqEventBus bus = bus(Map.of("deliveryLimit", 2));
        AtomicInteger attempts = new AtomicInteger();
        DeliveryCheck check = new DeliveryCheck(10).acknowledged(0, 10);
        closeAfter.add(bus.subscribe("ingest", "filter", 100, b -> {
            if (attempts.incrementAndGet() <= 5) {
                b.nack(new IllegalStateException("store down"));
            } else {
                ackInto(b, check);
            }
        }));
        bus.publish("ingest", events(0, 10)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(check::complete);
        assertThat(attempts.get()).as("refused five times, then taken (more than the delivery limit of 2)").isEqualTo(6);
        assertThat(check.duplicates()).isZero();
        assertThat(deadLettered()).isEmpty();
    }

    @Test
    void aMessageThatIsNotAnEventIsDeadLetteredAndTheQueueKeepsMoving() throws Exception {
        RabbitMqEventBus bus = bus(Map.of());
        DeliveryCheck check = new DeliveryCheck(20).acknowledged(0, 20);
        closeAfter.add(bus.subscribe("ingest", "filter", 5, b -> ackInto(b, check)));
        bus.publish("ingest", events(0, 10)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        try (Connection c = broker.factory().newConnection(); Channel ch = c.createChannel()) {
            ch.basicPublish(prefix + ".bus", "ingest", null, "not an event".getBytes(StandardCharsets.UTF_8));
        }
        bus.publish("ingest", events(10, 10)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(check::complete);
        check.assertNoneLost();
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.undecodableMessages() == 1);
        assertThat(deadLettered()).containsExactly("not an event");
        assertThat(bus.stateDetail()).contains("1 undecodable message(s) dead-lettered to " + prefix + ".dead");
    }

    @Test
    void aBatchInFlightWhenItsMemberClosesGoesToTheOtherMember() throws Exception {
        RabbitMqEventBus bus = bus(Map.of());
        AtomicReference<Batch> held = new AtomicReference<>();
        Subscription first = bus.subscribe("ingest", "filter", 1000, held::set); // takes it, never answers
        bus.publish("ingest", events(0, 50)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> held.get() != null && held.get().events().size() == 50);
        DeliveryCheck check = new DeliveryCheck(50).acknowledged(0, 50);
        closeAfter.add(bus.subscribe("ingest", "filter", 1000, b -> ackInto(b, check)));
        first.close();
        await().atMost(Duration.ofSeconds(30)).until(check::complete);
        held.get().ack(); // too late: ignored
        check.assertNoneLost();
        assertThat(check.duplicates()).isZero();
    }

    @Test
    void withTheBrokerStoppedUnderLoadEventsGoToRedisAndComeBackWhenItReturns() throws Exception {
        PrivateRedis redis = PrivateRedis.start(dir.resolve("redis-" + System.nanoTime()), true);
        closeAfter.add(redis);
        RedisRescueQueue rescue = new RedisRescueQueue(Converters.standardConverter().convert(Map.of("uri",
                redis.uri(), "prefix", "r" + System.nanoTime())).to(RedisConfig.class));
        closeAfter.add(rescue::close);
        RabbitMqEventBus bus = bus(Map.of("rescueBatch", 500));
        bus.setRescue(rescue);
        int most = 2_000_000;
        DeliveryCheck check = new DeliveryCheck(most);
        closeAfter.add(bus.subscribe("ingest", "filter", 500, b -> ackInto(b, check)));
        await().atMost(Duration.ofSeconds(10)).until(rescue::available);

        // The sender goes on until told to stop: before, during and after the outage.
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < most && !stop.get(); i += 100) {
                while (true) {
                    try {
                        bus.publish("ingest", events(i, 100)).toCompletableFuture().get(60, TimeUnit.SECONDS);
                        check.acknowledged(i, i + 100);
                        sent.set(i + 100);
                        break;
                    } catch (Exception e) {
                        failures.add(e.toString()); // not acknowledged: the sender sends it again
                    }
                }
            }
        });
        sender.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> check.distinct() > 2_000);
            broker.stopApp();
            await().atMost(Duration.ofSeconds(60)).until(() -> bus.rescuedEvents() > 2_000);
            assertThat(bus.state().name()).isEqualTo("DEGRADED");
            assertThat(bus.stateDetail()).contains("broker:").contains("rescue: Redis");
        } finally {
            broker.startApp();
        }
        int atRestart = sent.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() > atRestart + 2_000);
        stop.set(true);
        sender.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(sender.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(120)).until(check::complete);
        check.assertNoneLost();
        await().atMost(Duration.ofSeconds(30)).until(() -> rescue.held() == 0);
        assertThat(bus.recoveredEvents()).isGreaterThanOrEqualTo(bus.rescuedEvents());
        System.out.println("broker outage: " + check.report() + "; rescued " + bus.rescuedEvents()
                + ", publish failures retried " + failures.size());
    }

    @Test
    void withTheBrokerAndRedisDownAPublishFailsAndSaysWhy() throws Exception {
        PrivateRedis redis = PrivateRedis.start(dir.resolve("redis-" + System.nanoTime()), true);
        closeAfter.add(redis);
        RedisRescueQueue rescue = new RedisRescueQueue(Converters.standardConverter().convert(Map.of("uri",
                redis.uri())).to(RedisConfig.class));
        closeAfter.add(rescue::close);
        RabbitMqEventBus bus = bus(Map.of());
        bus.setRescue(rescue);
        closeAfter.add(bus.subscribe("ingest", "filter", 10, Batch::ack));
        redis.stopServer();
        try {
            broker.stopApp();
            await().atMost(Duration.ofSeconds(30)).until(() -> !bus.hasCapacity("ingest"));
            assertThat(bus.unavailable("ingest")).startsWith("RabbitMQ: ").contains("Redis rescue queue: ");
            assertThatThrownBy(() -> bus.publish("ingest", events(0, 1)).toCompletableFuture().get(30,
                    TimeUnit.SECONDS)).hasMessageContaining("RabbitMQ").hasMessageContaining("Redis rescue queue");
        } finally {
            broker.startApp();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.hasCapacity("ingest") && bus.connected());
        assertThat(bus.unavailable("ingest")).isNull();
        bus.publish("ingest", events(1, 1)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Bodies in the dead-letter queue, taken from it. */
    private List<String> deadLettered() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = broker.factory().newConnection(); Channel ch = c.createChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(prefix + ".dead", true)) != null) {
                out.add(new String(r.getBody(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
