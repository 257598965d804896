package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.sluice.redis.PrivateRedis;
import io.sluice.shipper.rabbitmq.PrivateRabbitMq;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import redis.clients.jedis.Jedis;

/**
 * The shipped distribution with its example RabbitMQ shipper, notifications and Redis status
 * configurations switched on, against a RabbitMQ and a Redis of the test's own: events sent over
 * RELP reach a queue bound to the exchange, each once; the node announces its components on the
 * notifications exchange; its status is in Redis.
 */
public class ClusterServicesITest {
    private static final int TOTAL = 1000;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 300_000)
    public void theDistributionShipsToRabbitMqAnnouncesItselfAndWritesItsStatusToRedis() throws Exception {
        Path work = tmp.getRoot().toPath();
        try (PrivateRabbitMq rabbit = PrivateRabbitMq.start(work.resolve("rabbitmq"));
                PrivateRedis redis = PrivateRedis.start(work.resolve("redis"));
                KarafProcess k = KarafProcess.unpack(work.resolve("sluice"));
                Connection amqp = rabbit.factory().newConnection();
                Channel ch = amqp.createChannel()) {
            ch.exchangeDeclare("sluice.events", "topic", true);
            ch.queueDeclare("copy", true, false, false, null);
            ch.queueBind("copy", "sluice.events", "#");
            ch.exchangeDeclare("sluice.notifications", "topic", true);
            ch.queueDeclare("page", false, false, false, null);
            ch.queueBind("page", "sluice.notifications", "itest-node.#");

            int relp = k.listenOnFreePorts(work.resolve("s.sock")).relp();
            enable(k, "io.sluice.shipper.rabbitmq-main.cfg", Map.of("uri", rabbit.uri(), "maxBackoffMillis", "500"));
            enable(k, "io.sluice.notifications.cfg", Map.of("uri", rabbit.uri(), "node", "itest-node",
                    "pollMillis", "200"));
            enable(k, "io.sluice.redis.cfg", Map.of("uri", redis.uri(), "node", "itest-node", "intervalSeconds", "1",
                    "ttlSeconds", "5"));
            String http = SluiceOptions.freePort();
            k.setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", http);
            k.setProperty("etc/users.properties", "watcher", "w-secret,viewer");
            k.bootFeature("sluice-web");
            k.start(relp);

            List<String> lines = new ArrayList<>();
            for (int i = 0; i < TOTAL; i++) {
                lines.add("<13>1 2026-12-03T10:00:00Z host app - - - event " + i);
            }
            Path input = Files.write(work.resolve("send.txt"), lines, StandardCharsets.UTF_8);
            k.sluiceSend(work.resolve("send.log"), List.of("-P", Integer.toString(relp), "-f", input.toString()));

            Set<String> messages = ConcurrentHashMap.newKeySet();
            await("every event in the bound queue").atMost(Duration.ofSeconds(60)).until(() -> {
                GetResponse r;
                while ((r = ch.basicGet("copy", true)) != null) {
                    assertEquals("host.app.notice", r.getEnvelope().getRoutingKey());
                    String body = new String(r.getBody(), StandardCharsets.UTF_8);
                    messages.add(body.replaceAll(".*\"message\":\"(event \\d+)\".*", "$1"));
                }
                return messages.size() == TOTAL;
            });

            Set<String> keys = ConcurrentHashMap.newKeySet();
            await("the node's components announced").atMost(Duration.ofSeconds(30)).until(() -> {
                GetResponse r;
                while ((r = ch.basicGet("page", true)) != null) {
                    keys.add(r.getEnvelope().getRoutingKey());
                }
                return keys.contains("itest-node.relp-main.up") && keys.contains("itest-node.rabbitmq-main.state");
            });

            try (Jedis j = new Jedis(java.net.URI.create(redis.uri()))) {
                await("the node's status in Redis").atMost(Duration.ofSeconds(30)).until(() ->
                        j.hexists("sluice:node:itest-node", "relp-main"));
                String relpStatus = j.hget("sluice:node:itest-node", "relp-main");
                assertTrue(relpStatus, relpStatus.contains("\"kind\":\"receiver\"") && relpStatus.contains("\"state\":\"running\""));
                // written every second: a newer write carries the shipper's final counters
                await("the shipper's counters in Redis").atMost(Duration.ofSeconds(30)).until(() ->
                        String.valueOf(j.hget("sluice:node:itest-node", "rabbitmq-main")).contains("\"acked\":" + TOTAL));
                assertTrue(j.ttl("sluice:node:itest-node") > 0);
            }

            // The page's view of the cluster and of the services, from the REST API.
            java.net.http.HttpClient web = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, String> get = path -> {
                try {
                    return web.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + http
                            + path)).header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            "watcher:w-secret".getBytes(StandardCharsets.UTF_8))).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                } catch (Exception e) {
                    return e.toString();
                }
            };
            await("the node in the cluster view").atMost(Duration.ofSeconds(60)).until(() ->
                    get.apply("/sluice/api/nodes").matches("(?s).*\"node\":\"itest-node\".*\"relp-main\":\\{\"kind\":"
                            + "\"receiver\",\"state\":\"running\".*"));
            String status = get.apply("/sluice/api/status");
            assertTrue(status, status.contains("\"name\":\"rabbitmq-main\"") && status.contains("\"service\":\"rabbitmq\"")
                    && status.contains("\"service\":\"redis\""));
        }
    }

    /** The shipped example, renamed to take effect, with these keys set. */
    private static void enable(KarafProcess k, String cfg, Map<String, String> keys) throws Exception {
        Path example = k.home.resolve("etc/" + cfg + ".example");
        assertTrue("the distribution ships " + example.getFileName(), Files.exists(example));
        Files.copy(example, k.home.resolve("etc/" + cfg));
        for (Map.Entry<String, String> e : keys.entrySet()) {
            k.setProperty("etc/" + cfg, e.getKey(), e.getValue());
        }
    }
}
