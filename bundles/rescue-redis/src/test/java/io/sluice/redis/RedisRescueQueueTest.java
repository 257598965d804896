package io.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.api.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;
import redis.clients.jedis.Jedis;

/**
 * The rescue queue against Redis servers of the test's own: pushes durable as configured, drained
 * in order and removed only after the mover succeeded, kept across a Redis restart (append-only
 * file), refused when Redis is down or not durable.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisRescueQueueTest {
    @TempDir
    Path dir;

    private static RedisRescueQueue queue(PrivateRedis redis, String durability) {
        return new RedisRescueQueue(Converters.standardConverter().convert(Map.of("uri", redis.uri(),
                "rescueDurability", durability, "prefix", "t")).to(RedisConfig.class));
    }

    private static List<Event> events(int from, int n) {
        return IntStream.range(from, from + n).mapToObj(i -> Event.builder()
                .timegenerated(Instant.parse("2026-12-04T10:00:00Z").plusMillis(i)).host("h").appName("app")
                .message("event " + i).build()).toList();
    }

    private static List<String> messages(List<Event> events) {
        return events.stream().map(Event::message).toList();
    }

    @Test
    void pushedEventsSurviveARedisRestartAndAreRemovedOnlyAfterTheMoverSucceeded() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start(dir.resolve("redis"), true)) {
            RedisRescueQueue q = queue(redis, "aof");
            try {
                await().atMost(Duration.ofSeconds(10)).until(q::available);
                q.push("ingest", events(0, 300)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                q.push("events", events(1000, 5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(q.held()).isEqualTo(305);

                // Redis goes down: pushes fail, say why, and nothing is lost from what it held.
                redis.stopServer();
                await().atMost(Duration.ofSeconds(10)).until(() -> !q.available());
                assertThatThrownBy(() -> q.push("ingest", events(300, 1)).toCompletableFuture().get(10,
                        TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("unreachable");
                assertThat(q.describe()).contains("cannot take events");
                redis.startServer();
                await().atMost(Duration.ofSeconds(10)).until(q::available);
                assertThat(q.held()).isEqualTo(305);

                // A mover that fails removes nothing.
                assertThatThrownBy(() -> q.drain(100, (s, evs) -> CompletableFuture.failedFuture(
                        new IllegalStateException("broker away")))).hasMessageContaining("broker away");
                assertThat(q.held()).isEqualTo(305);

                List<String> ingest = new ArrayList<>();
                List<String> other = new ArrayList<>();
                int moved;
                while ((moved = q.drain(128, (s, evs) -> {
                    (s.equals("ingest") ? ingest : other).addAll(messages(evs));
                    return CompletableFuture.completedFuture(null);
                })) > 0) {
                    assertThat(moved).isLessThanOrEqualTo(128);
                }
                assertThat(ingest).isEqualTo(messages(events(0, 300)));
                assertThat(other).isEqualTo(messages(events(1000, 5)));
                assertThat(q.held()).isZero();
                try (Jedis j = new Jedis("127.0.0.1", redis.port)) {
                    assertThat(j.llen("t:rescue:ingest")).isZero();
                }
            } finally {
                q.close();
            }
        }
    }

    @Test
    void aServerWithoutAnFsyncedAppendOnlyFileIsRefusedUnlessDurabilityIsNone() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start(dir.resolve("redis"), false)) {
            RedisRescueQueue strict = queue(redis, "aof");
            RedisRescueQueue lax = queue(redis, "none");
            try {
                await().atMost(Duration.ofSeconds(10)).until(lax::available);
                await().atMost(Duration.ofSeconds(10)).until(() -> strict.describe().contains("not durable"));
                assertThat(strict.available()).isFalse();
                assertThatThrownBy(() -> strict.push("ingest", events(0, 1)).toCompletableFuture().get(10,
                        TimeUnit.SECONDS)).hasMessageContaining("appendfsync always");
                lax.push("ingest", events(0, 2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(lax.held()).isEqualTo(2);
            } finally {
                strict.close();
                lax.close();
            }
        }
    }

    @Test
    void waitDurabilityWithoutReplicasFailsThePush() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start(dir.resolve("redis"), false)) {
            RedisRescueQueue q = new RedisRescueQueue(Converters.standardConverter().convert(Map.of("uri", redis.uri(),
                    "rescueDurability", "wait", "rescueWaitReplicas", 1, "rescueWaitMillis", 200))
                    .to(RedisConfig.class));
            try {
                await().atMost(Duration.ofSeconds(10)).until(q::available);
                assertThatThrownBy(() -> q.push("ingest", events(0, 1)).toCompletableFuture().get(10,
                        TimeUnit.SECONDS)).hasMessageContaining("only 0 of 1 Redis replica");
            } finally {
                q.close();
            }
        }
    }

    @Test
    void anElementThatIsNoEventIsSetAsideAndTheRestMoves() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start(dir.resolve("redis"), true)) {
            RedisRescueQueue q = queue(redis, "aof");
            try {
                await().atMost(Duration.ofSeconds(10)).until(q::available);
                q.push("ingest", events(0, 2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                try (Jedis j = new Jedis("127.0.0.1", redis.port)) {
                    j.rpush("t:rescue:ingest".getBytes(StandardCharsets.UTF_8), "garbage".getBytes(StandardCharsets.UTF_8));
                }
                q.push("ingest", events(2, 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                List<String> got = new ArrayList<>();
                q.drain(100, (s, evs) -> {
                    got.addAll(messages(evs));
                    return CompletableFuture.completedFuture(null);
                });
                assertThat(got).containsExactly("event 0", "event 1", "event 2");
                assertThat(q.stateDetail()).contains("1 undecodable element(s) set aside");
                try (Jedis j = new Jedis("127.0.0.1", redis.port)) {
                    assertThat(j.lrange("t:rescue:dead:ingest", 0, -1)).containsExactly("garbage");
                    assertThat(j.llen("t:rescue:ingest")).isZero();
                }
            } finally {
                q.close();
            }
        }
    }
}
