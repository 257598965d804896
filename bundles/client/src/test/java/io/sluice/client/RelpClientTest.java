package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.syslog.SluiceServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The RELP client against Sluice's own RELP listener and journal. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelpClientTest {
    @TempDir
    Path dir;

    private SluiceServer server;
    private int port;
    private final List<RelpClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new SluiceServer(dir);
        port = SluiceServer.freePort();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(c -> c.close(Duration.ofSeconds(2)));
        server.close();
    }

    private Map<String, Object> relp() {
        Map<String, Object> c = new HashMap<>();
        c.put("port", port);
        c.put("name", "relp-test");
        c.put("format", "rfc5424");
        return c;
    }

    private RelpClient client(ClientOptions o) {
        RelpClient c = new RelpClient(o.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofMillis(500)));
        clients.add(c);
        return c;
    }

    private static byte[] message(int n) {
        return ("<13>1 2026-12-03T10:00:00Z client app - - - seq " + n).getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> messages(int from, int to) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(message(i));
        }
        return out;
    }

    /** Every number below total seen at least once; returns how many came twice or more. */
    private int checkAllThere(int total) {
        BitSet seen = new BitSet();
        int dups = 0;
        for (String m : server.messages()) {
            int n = Integer.parseInt(m.substring("seq ".length()));
            if (seen.get(n)) {
                dups++;
            }
            seen.set(n);
        }
        assertThat(seen.cardinality()).as("distinct numbered messages").isEqualTo(total);
        assertThat(seen.nextClearBit(0)).isEqualTo(total);
        return dups;
    }

    @Test
    void everyFutureCompletesOnlyWhenTheEventIsInTheBus() throws Exception {
        server.relp(relp());
        RelpClient c = client(ClientOptions.of("127.0.0.1", port));
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            futures.add(c.send(message(i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        // Answered 200 means durable: every event is in the journal, so the drain gets it.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.received.size() >= 5000);
        assertThat(checkAllThere(5000)).isZero();
        assertThat(server.messages().get(0)).isEqualTo("seq 0");
        assertThat(server.messages().get(4999)).isEqualTo("seq 4999");
        assertThat(c.counters()[2]).isEqualTo(5000);
    }

    @Test
    void lz4GroupsAreSentWhenTheServerAgrees() throws Exception {
        server.relp(relp());
        RelpClient c = client(ClientOptions.of("127.0.0.1", port).withLz4(true));
        c.send(messages(0, 20_000)).get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.received.size() >= 20_000);
        assertThat(checkAllThere(20_000)).isZero();
        // Far fewer frames than messages: they went as groups.
        assertThat(c.counters()[0]).isLessThan(200);
    }

    @Test
    void withoutLz4OnTheServerGroupsGoAsSingleFrames() throws Exception {
        Map<String, Object> cfg = relp();
        cfg.put("lz4", false);
        server.relp(cfg);
        RelpClient c = client(ClientOptions.of("127.0.0.1", port).withLz4(true));
        c.send(messages(0, 1000)).get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.received.size() >= 1000);
        checkAllThere(1000);
        assertThat(c.counters()[0]).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void aRefusedMessageFailsItsOwnFutureOnly() throws Exception {
        server.relp(relp());
        RelpClient c = client(ClientOptions.of("127.0.0.1", port));
        CompletableFuture<Void> bad = c.send("not an RFC 5424 message".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Void> good = c.send(message(1));
        good.get(30, TimeUnit.SECONDS);
        assertThat(bad).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(RelpRefusedException.class).withMessageContaining("500");
    }

    @Test
    void unansweredFramesAreSentAgainAfterTheServerComesBack() throws Exception {
        server.relp(relp());
        RelpClient c = client(ClientOptions.of("127.0.0.1", port));
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        int total = 30_000;
        Thread sender = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                futures.add(c.send(message(i)));
            }
        });
        sender.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.received.size() > 2000);
        // The listener goes away (serverclose to the session) and comes back on the same port twice.
        server.stop();
        Thread.sleep(700);
        server.relp(relp());
        await().atMost(Duration.ofSeconds(30)).until(() -> server.received.size() > 12_000);
        server.stop();
        Thread.sleep(300);
        server.relp(relp());
        sender.join(30_000);
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.received.size() >= total);
        int dups = checkAllThere(total);
        // Resent frames are at most what was unanswered at each break: two windows.
        assertThat(dups).isLessThanOrEqualTo(2 * 128);
        assertThat(c.counters()[4]).as("sessions").isGreaterThanOrEqualTo(3);
    }

    @Test
    void messagesSentWhileTheServerIsDownWaitAndArrive() throws Exception {
        RelpClient c = client(ClientOptions.of("127.0.0.1", port));
        CompletableFuture<Void> f = c.send(messages(0, 100));
        Thread.sleep(1500);
        assertThat(f).isNotDone();
        server.relp(relp());
        f.get(30, TimeUnit.SECONDS);
        await().until(() -> server.received.size() >= 100);
        assertThat(checkAllThere(100)).isZero();
    }
}
