package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The shipped distribution with a chain in etc/sluice/filters/main.filter: events sent over RELP
 * are filtered (drop, kv, tags, a field) before the file shipper; the file is edited while Sluice
 * runs and the new version applies; a version with an error is refused with its position and the
 * previous one keeps running.
 */
public class FilterChainITest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 300_000)
    public void theMainChainFiltersEventsAndIsReloadedLiveWhenItsFileChanges() throws Exception {
        Path work = tmp.getRoot().toPath();
        Path out = work.resolve("logs/all.log");
        try (KarafProcess k = KarafProcess.unpack(work.resolve("sluice"))) {
            int relp = k.listenOnFreePorts(work.resolve("s.sock")).relp();
            k.shipAllTo(out, "json");
            Path chain = k.home.resolve("etc/sluice/filters/main.filter");
            assertTrue("the distribution ships a main chain", Files.exists(chain));
            save(chain, """
                    if message ~ "^secret" { drop }
                    if message ~ "user=" {
                        kv(prefix="kv_")
                        tags += "v1"
                    }
                    [who] := [kv_user] + "@" + host
                    """);
            k.start(relp);

            send(k, work, relp, "a1", "secret one", "login user=alice port=22", "a2");
            await("4 sent, 1 dropped").atMost(Duration.ofSeconds(60)).until(() -> lines(out).size() >= 3);
            List<String> first = lines(out);
            assertEquals(3, first.size());
            assertTrue(first.toString(), first.get(1).contains("\"message\":\"login user=alice port=22\""));
            assertTrue(first.toString(), first.get(1).contains("\"tags\":[\"v1\"]"));
            assertTrue(first.toString(), first.get(1).contains("\"kv_user\":\"alice\""));
            assertTrue(first.toString(), first.get(1).contains("\"who\":\"alice@host\""));
            assertTrue(first.toString(), first.get(0).contains("\"message\":\"a1\"") && !first.get(0).contains("tags"));
            assertTrue(first.toString(), first.stream().noneMatch(l -> l.contains("secret")));

            // edited while running: the new version applies to what comes next
            save(chain, "tags += \"v2\"\n");
            await("v2 loaded").atMost(Duration.ofSeconds(30))
                    .until(() -> k.logLines("Filter chain main loaded") >= 2);
            send(k, work, relp, "b1", "secret two");
            await().atMost(Duration.ofSeconds(60)).until(() -> lines(out).size() >= 5);
            List<String> second = lines(out).subList(3, 5);
            assertTrue(second.toString(), second.get(0).contains("\"message\":\"b1\"") && second.get(0).contains("[\"v2\"]"));
            assertTrue(second.toString(), second.get(1).contains("\"message\":\"secret two\"") && second.get(1).contains("[\"v2\"]"));

            // an error: refused with file, line and column; v2 keeps running
            save(chain, "tags += \"v3\"\nif message = \"x\" { drop }\n");
            await("error logged").atMost(Duration.ofSeconds(30))
                    .until(() -> k.logLines("main.filter:2:12: expected '\\{', found '='") >= 1);
            send(k, work, relp, "c1");
            await().atMost(Duration.ofSeconds(60)).until(() -> lines(out).size() >= 6);
            String c1 = lines(out).get(5);
            assertTrue(c1, c1.contains("\"message\":\"c1\"") && c1.contains("[\"v2\"]"));
        }
    }

    @Test(timeout = 300_000)
    public void eventsRefusedByHmacVerifyAreDroppedAndWrittenToTheSecurityLogOnly() throws Exception {
        Path work = tmp.getRoot().toPath();
        Path out = work.resolve("logs/all.log");
        try (KarafProcess k = KarafProcess.unpack(work.resolve("sluice"))) {
            KarafProcess.Ports ports = k.listenOnFreePorts(work.resolve("s.sock"));
            int relp = ports.relp();
            k.shipAllTo(out, "json");
            Files.writeString(k.home.resolve("etc/sluice/hmac.keys"),
                    "# test key\nk1 = " + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
            save(k.home.resolve("etc/sluice/filters/main.filter"), "hmac_verify(unsigned=\"drop\")\n");
            k.start(relp);

            send(k, work, relp, "unsigned and dropped");
            // a JSON event (format auto) with a signature made with a key this node does not have
            try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), ports.tcp())) {
                s.getOutputStream().write(("{\"message\":\"signed with a key nobody has\",\"host\":\"h2\","
                        + "\"app_name\":\"a2\",\"hmac\":{\"key_id\":\"k9\",\"value\":\"AAAA\"}}\n")
                        .getBytes(StandardCharsets.UTF_8));
            }

            Path security = k.home.resolve("data/log/sluice-security.log");
            try {
                await("both refusals in the security log").atMost(Duration.ofSeconds(60)).until(() ->
                        Files.exists(security) && Files.readString(security).contains("is not signed")
                                && Files.readString(security).contains("unknown key 'k9'"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                String log = k.log();
                throw new AssertionError("security log: " + (Files.exists(security) ? Files.readString(security)
                        : "missing") + "\nkaraf.log ends:\n" + log.substring(Math.max(0, log.length() - 6000)), e);
            }
            String log = Files.readString(security);
            assertTrue(log, log.contains("from host h2 app a2 is signed with unknown key 'k9'; dropped"));
            assertEquals("the security log is kept apart from karaf.log", 0, k.logLines("unknown key 'k9'"));
            assertTrue("nothing of them shipped", lines(out).isEmpty());
        }
    }

    private int saves;

    /** Writes the chain with a new modification time each time, as an editor saving it would. */
    private void save(Path chain, String text) throws Exception {
        Files.writeString(chain, text, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(chain, FileTime.from(Instant.now().plusSeconds(++saves)));
    }

    private static List<String> lines(Path out) throws Exception {
        return Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of();
    }

    /** bin/sluice-send over RELP: returns once every message is durable in Sluice. */
    private static void send(KarafProcess k, Path work, int port, String... messages) throws Exception {
        Path input = Files.createTempFile(work, "send", ".txt");
        List<String> lines = new ArrayList<>();
        for (String m : messages) {
            lines.add("<13>1 2026-12-03T10:00:00Z host app - - - " + m);
        }
        Files.write(input, lines, StandardCharsets.UTF_8);
        k.sluiceSend(work.resolve("send.log"), List.of("-P", Integer.toString(port), "-f", input.toString()));
    }
}
