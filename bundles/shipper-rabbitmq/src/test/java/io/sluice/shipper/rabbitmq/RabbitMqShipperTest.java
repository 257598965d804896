package io.sluice.shipper.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.sluice.api.Event;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.component.ComponentState;
import io.sluice.codec.Codecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/** The RabbitMQ shipper against a broker of the test's own (Debian's rabbitmq-server). */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RabbitMqShipperTest {
    @TempDir
    static Path dir;

    static PrivateRabbitMq broker;
    private final List<RabbitMqShipper> shippers = new ArrayList<>();

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
    void closeShippers() {
        shippers.forEach(RabbitMqShipper::close);
    }

    private RabbitMqShipper shipper(Map<String, Object> extra) {
        Map<String, Object> cfg = new HashMap<>(Map.of("name", "rabbitmq-test", "uri", broker.uri(),
                "maxBackoffMillis", "200"));
        cfg.putAll(extra);
        RabbitMqShipper s = new RabbitMqShipper(Converters.standardConverter().convert(cfg)
                .to(RabbitMqShipper.Config.class), Map.of(), f -> Codecs.formatter(f, FormatterOptions.defaults()));
        shippers.add(s);
        return s;
    }

    private static Event event(int i) {
        return Event.builder().timegenerated(Instant.parse("2026-12-04T10:00:00Z").plusMillis(i)).host("web.1")
                .appName("app").severity(i % 2 == 0 ? "info" : "err").facility("local0").message("event " + i).build();
    }

    /** A durable queue bound to {@code exchange} with {@code key}. */
    private static void bind(String queue, String exchange, String key) throws Exception {
        try (Connection c = broker.factory().newConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare(exchange, "topic", true);
            ch.queueDeclare(queue, true, false, false, null);
            ch.queueBind(queue, exchange, key);
        }
    }

    private static List<GetResponse> drain(String queue) throws Exception {
        List<GetResponse> out = new ArrayList<>();
        try (Connection c = broker.factory().newConnection(); Channel ch = c.createChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(queue, true)) != null) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void everyEventIsPublishedPersistentWithItsRoutingKeyAndConfirmed() throws Exception {
        bind("all", "sluice.events", "#");
        bind("errors", "sluice.events", "*.*.err");
        RabbitMqShipper s = shipper(Map.of());
        List<Event> batch = IntStream.range(0, 500).mapToObj(RabbitMqShipperTest::event).toList();
        s.ship(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(s.state()).isEqualTo(ComponentState.RUNNING);

        List<GetResponse> all = drain("all");
        assertThat(all).hasSize(500);
        GetResponse first = all.get(0);
        assertThat(first.getEnvelope().getRoutingKey()).as("'.' in a value becomes '_'").isEqualTo("web_1.app.info");
        assertThat(first.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(first.getProps().getMessageId()).isEqualTo(batch.get(0).id());
        assertThat(first.getProps().getContentType()).isEqualTo("application/json");
        assertThat(new String(first.getBody(), StandardCharsets.UTF_8)).contains("\"message\":\"event 0\"");
        assertThat(drain("errors")).as("the odd ones").hasSize(250);
        assertThat(s.counters().acked.sum()).isEqualTo(500);
    }

    @Test
    void anEventNoQueueTakesIsNotASuccessAndTheBatchWaitsUntilAQueueIsBoundWithoutDuplicatingTheOthers()
            throws Exception {
        bind("audit", "sluice.nowhere", "*.audit");
        RabbitMqShipper s = shipper(Map.of("exchange", "sluice.nowhere", "routingKey", "$APP_NAME.$FIELD:kind"));
        List<Event> batch = List.of(event(1).toBuilder().field("kind", "audit").build(),
                event(2).toBuilder().field("kind", "other").build(), event(3).toBuilder().field("kind", "audit").build());
        assertThatThrownBy(() -> s.ship(batch).toCompletableFuture().get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("unroutable");
        assertThat(s.state()).isEqualTo(ComponentState.DEGRADED);
        assertThat(s.stateDetail()).contains("routing key 'app.other'").contains("NO_ROUTE");
        // offered again (as the bus does) while nothing takes app.other: still no success
        assertThatThrownBy(() -> s.ship(batch).toCompletableFuture().get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);

        bind("other", "sluice.nowhere", "*.other");
        s.ship(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(drain("audit")).as("the routed ones were not published again").hasSize(2);
        assertThat(drain("other")).hasSize(1);
        assertThat(s.state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void aLongValueMakesAKeyOfAtMost255BytesCutBetweenCharacters() {
        RoutingKey k = new RoutingKey("$FIELD:x");
        String key = k.of(event(1).toBuilder().field("x", "é".repeat(1_000_000)).build());
        assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(key).matches("é+");
    }

    @Test
    void whileTheBrokerIsDownBatchesFailAndThenGoThroughOnceItIsBack() throws Exception {
        bind("outage", "sluice.outage", "#");
        RabbitMqShipper s = shipper(Map.of("exchange", "sluice.outage"));
        s.ship(List.of(event(0))).toCompletableFuture().get(60, TimeUnit.SECONDS);
        broker.stopApp();
        try {
            List<Event> batch = IntStream.range(1, 101).mapToObj(RabbitMqShipperTest::event).toList();
            assertThatThrownBy(() -> s.ship(batch).toCompletableFuture().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            assertThat(s.state()).isEqualTo(ComponentState.DEGRADED);
            broker.startApp();
            // as the bus does: the failed batch is offered again until it goes through
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try {
                    s.ship(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException notYet) {
                    return false;
                }
            });
        } finally {
            try {
                broker.startApp();
            } catch (IllegalStateException alreadyRunning) {
                // started above
            }
        }
        assertThat(drain("outage")).as("the durable queue kept the first one across the restart").hasSize(101);
        assertThat(s.state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void aBadRoutingKeyTemplateIsRefusedAtStart() {
        assertThatThrownBy(() -> shipper(Map.of("routingKey", "$NOPE"))).hasMessageContaining("unknown variable $NOPE");
        assertThatThrownBy(() -> shipper(Map.of("routingKey", "a.${host"))).hasMessageContaining("starts no variable");
        assertThat(new RoutingKey("${host}.$$.$FACILITY").of(event(1))).isEqualTo("web_1.$.local0");
    }
}
