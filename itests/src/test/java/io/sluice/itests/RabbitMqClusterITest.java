package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.rabbitmq.client.Channel;
import io.sluice.api.testing.DeliveryCheck;
import io.sluice.shipper.pgsql.PrivatePostgres;
import io.sluice.shipper.rabbitmq.PrivateRabbitMq;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Three Sluice nodes (the shipped distribution, run as processes) on one RabbitMQ of the test's own,
 * with the example transport configuration switched on: one node receives (RELP) and filters, two
 * nodes only ship to a PostgreSQL of the test's own, sharing one queue as competing consumers. One
 * shipping node is killed with SIGKILL while it holds a batch it could not commit (PostgreSQL
 * stopped); its events go back to the queue, the other node writes them: none lost, none doubled.
 */
public class RabbitMqClusterITest {
    private static final int HALF = 5_000;
    private static final String QUEUE = "sluice.events.pgsql-main";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 600_000)
    public void aReceivingNodeAndTwoShippingNodesShareTheWorkAndAKilledShipperLosesNothing() throws Exception {
        Path work = tmp.getRoot().toPath();
        try (PrivateRabbitMq mq = PrivateRabbitMq.start(work.resolve("rabbitmq"));
                PrivatePostgres pg = PrivatePostgres.start(work.resolve("pg"));
                KarafProcess receiver = KarafProcess.unpack(work.resolve("receiver"));
                KarafProcess shipperA = KarafProcess.unpack(work.resolve("shipper-a"));
                KarafProcess shipperB = KarafProcess.unpack(work.resolve("shipper-b"))) {
            int relp = receiver.listenOnFreePorts(work.resolve("r.sock")).relp();
            useRabbitMq(receiver, mq, "receiver");
            int portA = shipperA.listenOnFreePorts(work.resolve("a.sock")).tcp();
            int portB = shipperB.listenOnFreePorts(work.resolve("b.sock")).tcp();
            for (KarafProcess s : List.of(shipperA, shipperB)) {
                useRabbitMq(s, mq, s == shipperA ? "shipper-a" : "shipper-b");
                s.setProperty("etc/io.sluice.core.filter.cfg", "enabled", "false");
                Files.copy(s.home.resolve("etc/io.sluice.shipper.pgsql-main.cfg.example"),
                        s.home.resolve("etc/io.sluice.shipper.pgsql-main.cfg"));
                s.setProperty("etc/io.sluice.shipper.pgsql-main.cfg", "url", pg.url());
                s.setProperty("etc/io.sluice.shipper.pgsql-main.cfg", "batchSize", "500");
                s.setProperty("etc/io.sluice.shipper.pgsql-main.cfg", "maxBackoffMillis", "500");
            }
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> start(shipperA, portA));
            start(receiver, relp);
            a.join();
            await("shipper-a consumes " + QUEUE).atMost(Duration.ofSeconds(60)).until(() -> consumers(mq) > 0);
            int perNode = consumers(mq);
            start(shipperB, portB);
            await("both shipping nodes consume " + QUEUE).atMost(Duration.ofSeconds(60))
                    .until(() -> consumers(mq) == 2 * perNode);

            DeliveryCheck check = new DeliveryCheck(2 * HALF);
            receiver.sendNumbered(work, relp, 0, HALF);
            check.acknowledged(0, HALF); // sluice-send returned: every event answered 200
            await("first half in PostgreSQL").atMost(Duration.ofSeconds(120)).until(() -> pg.events() == HALF);

            // PostgreSQL down: both shipping nodes take batches from the queue and cannot commit them.
            pg.stop();
            receiver.sendNumbered(work, relp, HALF, HALF);
            check.acknowledged(HALF, 2 * HALF);
            await("both shipping nodes hold batches").atMost(Duration.ofSeconds(60))
                    .until(() -> ready(mq) <= HALF - 2 * perNode * 100);
            int readyBeforeKill = ready(mq);
            shipperA.kill();
            await("shipper-a's consumers are gone").atMost(Duration.ofSeconds(60))
                    .until(() -> consumers(mq) == perNode);
            await("the batches shipper-a held are back in the queue").atMost(Duration.ofSeconds(30))
                    .until(() -> ready(mq) > readyBeforeKill);
            pg.startServer();
            await("every event in PostgreSQL").atMost(Duration.ofSeconds(180)).until(() -> pg.events() >= 2 * HALF
                    && ready(mq) == 0);

            long total;
            try (Connection c = pg.connect("sluice"); Statement st = c.createStatement();
                    ResultSet r = st.executeQuery("SELECT message FROM sluice.events")) {
                total = 0;
                while (r.next()) {
                    check.found(r.getString(1));
                    total++;
                }
            }
            System.out.println("RabbitMQ cluster: " + check.report() + "; rows " + total);
            check.assertNoneLost();
            assertEquals("no event twice in PostgreSQL: " + check.report(), 0, check.duplicates());
            assertEquals(2 * HALF, total);
            assertTrue("shipper-b wrote after shipper-a was killed",
                    shipperB.logLines("PostgreSQL shipper pgsql-main: writing to .* again") >= 1);
        }
    }

    /**
     * One node with the shipped transport and Redis configurations switched on, a RabbitMQ and a Redis
     * (append-only file, fsync always) of the test's own. With the broker stopped, events sent over
     * RELP are answered once Redis holds them and reach the output when the broker returns; with
     * Redis stopped too, RELP answers 500 with the reason; none lost.
     */
    @Test(timeout = 600_000)
    public void withTheBrokerStoppedEventsWaitInRedisAndWithRedisDownTooRelpAnswers500() throws Exception {
        Path work = tmp.getRoot().toPath();
        Path out = work.resolve("out/all.log");
        try (PrivateRabbitMq mq = PrivateRabbitMq.start(work.resolve("rabbitmq"));
                io.sluice.redis.PrivateRedis redis = io.sluice.redis.PrivateRedis.start(work.resolve("redis"), true);
                KarafProcess node = KarafProcess.unpack(work.resolve("node"))) {
            int relp = node.listenOnFreePorts(work.resolve("n.sock")).relp();
            node.setProperty("etc/io.sluice.syslog.relp-main.cfg", "refuseWhenUnavailableMillis", "2000");
            node.shipAllTo(out, "template");
            useRabbitMq(node, mq, "single");
            node.setProperty("etc/io.sluice.transport.rabbitmq.cfg", "queues", "ingest/filter,events/file-main");
            node.setProperty("etc/io.sluice.transport.rabbitmq.cfg", "rescue", "true");
            Files.copy(node.home.resolve("etc/io.sluice.redis.cfg.example"), node.home.resolve("etc/io.sluice.redis.cfg"));
            node.setProperty("etc/io.sluice.redis.cfg", "uri", redis.uri());
            start(node, relp);

            DeliveryCheck check = new DeliveryCheck(3 * HALF);
            node.sendNumbered(work, relp, 0, HALF);
            check.acknowledged(0, HALF);
            await("first part in the output").atMost(Duration.ofSeconds(60)).until(() -> found(out).distinct() == HALF);

            mq.stopApp();
            node.sendNumbered(work, relp, HALF, HALF); // answered once Redis holds them
            check.acknowledged(HALF, 2 * HALF);
            try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", redis.port)) {
                assertTrue("Redis holds the events sent while the broker is down", j.llen("sluice:rescue:ingest") > 0);
            }

            redis.stopServer();
            try {
                node.sendNumbered(work, relp, 2 * HALF, 10);
                throw new IllegalStateException("sluice-send succeeded with the broker and Redis down");
            } catch (AssertionError refused) {
                assertTrue("RELP answered 500 with the reason: " + refused.getMessage() + "\nkaraf.log: "
                        + node.logLinesMatching("rescue|RabbitMQ|bus|relp-main|refus|500"),
                        refused.getMessage().contains("not taken now"));
            }
            long redisReady = node.logLines("Redis rescue queue at .*: ready");
            redis.startServer();
            mq.startApp();
            await("the node uses the broker and Redis again").atMost(Duration.ofSeconds(60))
                    .until(() -> node.logLines("Event bus on RabbitMQ") >= 2
                            && node.logLines("Redis rescue queue at .*: ready") > redisReady);
            node.sendNumbered(work, relp, 2 * HALF, HALF);
            check.acknowledged(2 * HALF, 3 * HALF);
            await("every acknowledged event in the output").atMost(Duration.ofSeconds(180))
                    .until(() -> found(out).lost(check) == 0);
            DeliveryCheck result = found(out);
            result.acknowledged(0, 3 * HALF);
            System.out.println("RabbitMQ and Redis outage: " + result.report());
            result.assertNoneLost();
            try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", redis.port)) {
                await("the collector emptied the rescue queue").atMost(Duration.ofSeconds(30))
                        .until(() -> j.llen("sluice:rescue:ingest") == 0);
            }
        }
    }

    /** The events in the output file, numbered by their message ("event N"). */
    private static DeliveryCheck found(Path out) throws Exception {
        DeliveryCheck c = new DeliveryCheck(3 * HALF);
        if (Files.exists(out)) {
            try (var lines = Files.lines(out, StandardCharsets.UTF_8)) {
                lines.filter(l -> !l.isBlank()).forEach(c::found);
            }
        }
        return c;
    }

    private static void useRabbitMq(KarafProcess k, PrivateRabbitMq mq, String node) throws Exception {
        Path example = k.home.resolve("etc/io.sluice.transport.rabbitmq.cfg.example");
        assertTrue("the distribution ships the example", Files.exists(example));
        Files.copy(example, k.home.resolve("etc/io.sluice.transport.rabbitmq.cfg"));
        String cfg = "etc/io.sluice.transport.rabbitmq.cfg";
        k.setProperty(cfg, "uri", mq.uri());
        k.setProperty(cfg, "queues", "ingest/filter,events/pgsql-main");
        k.setProperty(cfg, "node", node);
        k.setProperty(cfg, "rescue", "false");
    }

    /** Starts a node and waits until its bus is the broker (the listeners move to it when it registers). */
    private static void start(KarafProcess k, int port) {
        try {
            k.start(port);
            await("the event bus of " + k.home + " on RabbitMQ").atMost(Duration.ofSeconds(90))
                    .until(() -> k.logLines("Event bus on RabbitMQ") >= 1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int consumers(PrivateRabbitMq mq) throws Exception {
        try (com.rabbitmq.client.Connection c = mq.factory().newConnection(); Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(QUEUE).getConsumerCount();
        } catch (java.io.IOException notDeclaredYet) {
            return -1;
        }
    }

    private static int ready(PrivateRabbitMq mq) throws Exception {
        try (com.rabbitmq.client.Connection c = mq.factory().newConnection(); Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(QUEUE).getMessageCount();
        }
    }
}
