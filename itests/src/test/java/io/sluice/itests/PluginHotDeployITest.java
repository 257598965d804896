package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import io.sluice.api.filter.FilterChains;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Pax Exam, in the shipped distribution: the example filter plugin (examples/filter-plugin, built
 * by the invoker as a user builds it) is dropped into deploy/ while the main chain calls it, taken
 * away, and dropped in again. Before it is there and while it is gone, the chain holds its events;
 * afterwards every event is in the output once, and every one went through the plugin (its card
 * number masked).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginHotDeployITest {
    private static final int BATCH = 500;
    private static final String PREFIX = "card **** n=";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws java.io.IOException {
        // the main chain calls the plugin's filter from the start: no version of it runs without it
        java.io.File chain = java.io.File.createTempFile("main", ".filter");
        chain.deleteOnExit();
        Files.writeString(chain.toPath(), "mask()\n", StandardCharsets.UTF_8);
        return SluiceOptions.distribution(
                replaceConfigurationFile("etc/sluice/filters/main.filter", chain),
                systemProperty("sluice.example.plugin").value(System.getProperty("sluice.example.plugin")),
                editConfigurationFilePut("etc/io.sluice.shipper.file-main.cfg", "path", "all.log"),
                editConfigurationFilePut("etc/io.sluice.shipper.file-main.cfg", "format", "template"),
                editConfigurationFilePut("etc/io.sluice.shipper.file-main.cfg", "template", "$MESSAGE"));
    }

    @Test
    public void aPluginDroppedIntoDeployIsUsedByTheChainAndItsEventsWaitWhileItIsGone() throws Exception {
        Path plugin = Paths.get(System.getProperty("sluice.example.plugin"));
        assertTrue("the example plugin was built: " + plugin, Files.exists(plugin));
        Path deployed = Paths.get(System.getProperty("karaf.base"), "deploy", "sluice-filter-mask.jar");
        FilterChains chains = service(FilterChains.class);
        await("tcp-main listening").atMost(Duration.ofSeconds(60)).until(() -> {
            for (ServiceReference<io.sluice.api.component.SluiceComponent> r
                    : context.getServiceReferences(io.sluice.api.component.SluiceComponent.class, null)) {
                io.sluice.api.component.SluiceComponent c = context.getService(r);
                if (c != null && c.name().equals("tcp-main")
                        && c.state() == io.sluice.api.component.ComponentState.RUNNING) {
                    return true;
                }
            }
            return false;
        });

        // the chain calls a filter nobody has installed yet: it is refused, and its events wait
        await("main refused").atMost(Duration.ofSeconds(30)).until(() -> chains.chains().stream()
                .anyMatch(c -> c.name().equals("main") && c.lastError() != null
                        && c.lastError().contains("unknown filter 'mask'")));
        send(0);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> lines().isEmpty());

        Files.copy(plugin, deployed, StandardCopyOption.REPLACE_EXISTING);
        await("the first batch, masked").atMost(Duration.ofSeconds(60)).until(() -> lines().size() >= BATCH);
        assertTrue(chains.filters().toString(), chains.filters().contains("mask"));
        send(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> lines().size() >= 2 * BATCH);

        // taken away: the chain waits for it, and so do the events sent meanwhile
        Files.delete(deployed);
        await("main waits").atMost(Duration.ofSeconds(60)).until(() -> problem(chains)
                .filter(p -> p.contains("waits for filter 'mask'")).isPresent());
        send(2);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> lines().size() == 2 * BATCH);

        Files.copy(plugin, deployed, StandardCopyOption.REPLACE_EXISTING);
        await("the third batch after the plugin is back").atMost(Duration.ofSeconds(60))
                .until(() -> lines().size() >= 3 * BATCH);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> lines().size() == 3 * BATCH);

        BitSet seen = new BitSet();
        for (String l : lines()) {
            assertTrue("every event went through the plugin: " + l, l.startsWith(PREFIX));
            seen.set(Integer.parseInt(l.substring(PREFIX.length())));
        }
        assertEquals("nothing lost, nothing twice", 3 * BATCH, seen.cardinality());
    }

    private static Optional<String> problem(FilterChains chains) {
        return chains.chains().stream().filter(c -> c.name().equals("main")).map(FilterChains.ChainStatus::problem)
                .filter(java.util.Objects::nonNull).findFirst();
    }

    /** Batch {@code b} over TCP to the shipped listener. */
    private static void send(int b) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(),
                Integer.parseInt(System.getProperty("sluice.itest.tcp")))) {
            OutputStream out = s.getOutputStream();
            StringBuilder sb = new StringBuilder();
            for (int i = b * BATCH; i < (b + 1) * BATCH; i++) {
                sb.append("<13>1 2026-12-03T10:00:00Z host pay - - - card 4111111111111111 n=").append(i).append('\n');
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static List<String> lines() throws Exception {
        Path file = Paths.get(System.getProperty("sluice.itest.work"), "logs", "all.log");
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith("card ")).collect(Collectors.toList());
        }
    }

    private <T> T service(Class<T> type) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            ServiceReference<T> r = context.getServiceReference(type);
            return r == null ? null : context.getService(r);
        }, java.util.Objects::nonNull);
    }
}
