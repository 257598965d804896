package io.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.api.component.ClientInfo;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;
import redis.clients.jedis.Jedis;

/** The node status in a Redis of the test's own: written, expiring, and surviving Redis restarts. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeStatusTest {
    @TempDir
    static Path dir;

    static PrivateRedis redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = PrivateRedis.start(dir.resolve("redis"));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private static NodeStatus status(String node, int interval, int ttl) {
        return new NodeStatus(Converters.standardConverter().convert(Map.of("uri", redis.uri(), "node", node,
                "intervalSeconds", interval, "ttlSeconds", ttl)).to(RedisConfig.class));
    }

    static class FakeReceiver implements Receiver {
        final Counters counters = new Counters();

        @Override
        public List<ClientInfo> clients() {
            return List.of(new ClientInfo("c1", "127.0.0.1:40000", 5514, "tcp", Instant.parse("2026-12-04T10:00:00Z"),
                    42, 4200));
        }

        @Override
        public String name() {
            return "tcp-main";
        }

        @Override
        public Kind kind() {
            return Kind.RECEIVER;
        }

        @Override
        public ComponentState state() {
            return ComponentState.RUNNING;
        }

        @Override
        public String stateDetail() {
            return "listening on 127.0.0.1:5514";
        }

        @Override
        public Counters counters() {
            return counters;
        }
    }

    @Test
    void theStatusOfEachComponentAndItsClientsIsWrittenAndExpiresWhenTheNodeStops() throws Exception {
        NodeStatus s = status("node-a", 1, 3);
        FakeReceiver tcp = new FakeReceiver();
        tcp.counters.received.add(42);
        s.addComponent(tcp);
        s.write();
        try (Jedis j = new Jedis(java.net.URI.create(redis.uri()))) {
            Map<String, String> h = j.hgetAll("sluice:node:node-a");
            assertThat(h).containsKeys("_node", "tcp-main");
            assertThat(h.get("tcp-main")).contains("\"kind\":\"receiver\"").contains("\"state\":\"running\"")
                    .contains("\"received\":42").contains("\"peer\":\"127.0.0.1:40000\"").contains("\"events\":42");
            assertThat(j.ttl("sluice:node:node-a")).isBetween(1L, 3L);
            assertThat(j.zrange("sluice:nodes", 0, -1)).contains("node-a");

            s.removeComponent(tcp);
            s.write();
            assertThat(j.hkeys("sluice:node:node-a")).containsExactly("_node");
            assertThat(s.state()).isEqualTo(ComponentState.RUNNING);

            s.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !j.exists("sluice:node:node-a"));
        }
    }

    @Test
    void everyNodeReadsTheWholeClusterAndAStoppedNodeDropsOutOfIt() throws Exception {
        NodeStatus a = status("node-c1", 1, 3);
        NodeStatus b = status("node-c2", 1, 3);
        try {
            FakeReceiver tcp = new FakeReceiver();
            tcp.counters.received.add(7);
            b.addComponent(tcp);
            a.write();
            b.write();
            List<io.sluice.api.component.ClusterStatus.Node> nodes = a.nodes().stream()
                    .filter(n -> n.name().startsWith("node-c")).toList();
            assertThat(nodes).extracting(io.sluice.api.component.ClusterStatus.Node::name)
                    .containsExactly("node-c1", "node-c2");
            assertThat(nodes.get(1).components()).containsOnlyKeys("tcp-main");
            assertThat(nodes.get(1).components().get("tcp-main")).contains("\"received\":7")
                    .contains("\"peer\":\"127.0.0.1:40000\"");
            assertThat(nodes.get(1).updated()).isAfter(Instant.now().minusSeconds(30));
            b.close();
            await().atMost(Duration.ofSeconds(15)).until(() -> a.nodes().stream()
                    .noneMatch(n -> n.name().equals("node-c2")));
            redis.stopServer();
            try {
                assertThatThrownBy(a::nodes).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("cannot read the cluster's status");
            } finally {
                redis.startServer();
            }
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void redisDownIsReportedAndTheStatusComesBackWithIt() throws Exception {
        NodeStatus s = status("node-b", 1, 5);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> s.state() == ComponentState.RUNNING);
            redis.stopServer();
            await().atMost(Duration.ofSeconds(20)).until(() -> s.state() == ComponentState.DEGRADED);
            assertThat(s.stateDetail()).contains("cannot write to redis://127.0.0.1:" + redis.port);
            redis.startServer();
            await().atMost(Duration.ofSeconds(20)).until(() -> s.state() == ComponentState.RUNNING);
            try (Jedis j = new Jedis(java.net.URI.create(redis.uri()))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> j.exists("sluice:node:node-b"));
            }
        } finally {
            s.close();
        }
    }

    @Test
    void aTimeToLiveNotLongerThanTheIntervalIsRefused() {
        assertThatThrownBy(() -> status("x", 5, 5)).hasMessageContaining("must be longer than intervalSeconds");
    }
}
