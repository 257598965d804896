package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The example filter plugin (examples/filter-plugin, built by the invoker as a user builds it) is
 * dropped into deploy/ of the running distribution while a chain calls it, taken away, and dropped
 * in again. Before it is there and while it is gone, the chain holds its events; afterwards every
 * event is in the output once, and every one went through the plugin (its card number masked).
 */
public class PluginHotDeployITest {
    private static final int BATCH = 500;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 300_000)
    public void aPluginDroppedIntoDeployIsUsedByTheChainAndItsEventsWaitWhileItIsGone() throws Exception {
        Path plugin = Path.of(System.getProperty("sluice.example.plugin"));
        assertTrue("the example plugin was built: " + plugin, Files.exists(plugin));
        Path work = tmp.getRoot().toPath();
        Path out = work.resolve("logs/all.log");
        try (KarafProcess k = KarafProcess.unpack(work.resolve("sluice"))) {
            int relp = k.listenOnFreePorts(work.resolve("s.sock")).relp();
            k.shipAllTo(out, "template");
            Files.writeString(k.home.resolve("etc/sluice/filters/main.filter"), "mask()\n");
            Path deployed = k.home.resolve("deploy/sluice-filter-mask.jar");
            k.start(relp);

            // no plugin yet: the chain is refused and its events wait
            await().atMost(Duration.ofSeconds(30)).until(() -> k.logLines("unknown filter 'mask'") >= 1);
            send(k, work, relp, 0);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> lines(out).isEmpty());

            Files.copy(plugin, deployed, StandardCopyOption.REPLACE_EXISTING);
            await("the first batch, masked").atMost(Duration.ofSeconds(60)).until(() -> lines(out).size() >= BATCH);
            send(k, work, relp, 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> lines(out).size() >= 2 * BATCH);

            // taken away: the chain waits for it, and so do the events sent meanwhile
            Files.delete(deployed);
            await().atMost(Duration.ofSeconds(60)).until(() -> k.logLines("waits for filter 'mask'") >= 1);
            send(k, work, relp, 2);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> lines(out).size() == 2 * BATCH);

            Files.copy(plugin, deployed, StandardCopyOption.REPLACE_EXISTING);
            await("the third batch after the plugin is back").atMost(Duration.ofSeconds(60))
                    .until(() -> lines(out).size() >= 3 * BATCH);

            List<String> lines = lines(out);
            assertEquals("nothing twice", 3 * BATCH, lines.size());
            BitSet seen = new BitSet();
            for (String l : lines) {
                assertTrue("every event went through the plugin: " + l, l.startsWith("card **** n="));
                seen.set(Integer.parseInt(l.substring("card **** n=".length())));
            }
            assertEquals("nothing lost", 3 * BATCH, seen.cardinality());
        }
    }

    private static List<String> lines(Path out) throws Exception {
        return Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of();
    }

    /** Batch {@code b} over RELP with bin/sluice-send: returns once every message is durable in Sluice. */
    private static void send(KarafProcess k, Path work, int port, int b) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = b * BATCH; i < (b + 1) * BATCH; i++) {
            lines.add("<13>1 2026-12-03T10:00:00Z host pay - - - card 4111111111111111 n=" + i);
        }
        Path input = Files.write(work.resolve("batch" + b + ".txt"), lines, StandardCharsets.UTF_8);
        k.sluiceSend(work.resolve("send" + b + ".log"), List.of("-P", Integer.toString(port), "-f", input.toString()));
    }
}
