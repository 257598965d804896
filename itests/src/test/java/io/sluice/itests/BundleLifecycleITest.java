package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.sluice.api.bus.EventBus;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.SluiceComponent;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Bundles come and go while events flow: stopping the file shipper's bundle leaves its events
 * waiting in the bus (none lost) and touches no other component; updating the syslog bundle brings
 * its listeners back. The shell commands show it all.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleLifecycleITest {

    @Inject
    private BundleContext context;

    @Inject
    private SessionFactory sessions;

    @Inject
    private org.osgi.service.cm.ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return SluiceOptions.distribution(
                editConfigurationFilePut("etc/io.sluice.shipper.file-main.cfg", "path", "all.log"),
                editConfigurationFilePut("etc/io.sluice.shipper.file-main.cfg", "format", "template"),
                editConfigurationFilePut("etc/io.sluice.shipper.file-main.cfg", "template", "$MESSAGE"));
    }

    @Test
    public void stoppingTheShipperBundleKeepsItsEventsInTheBusUntilItIsBack() throws Exception {
        awaitRunning("tcp-main");
        awaitRunning("file-main");
        EventBus bus = service(EventBus.class);
        Bundle shipper = bundle("io.sluice.shipper.file");
        String run = UUID.randomUUID().toString().substring(0, 8);

        shipper.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> find("file-main") == null);
        send(run, 0, 500);
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.stats(EventBus.EVENTS).lag("file-main") >= 500);
        assertEquals("the receiver is not affected", ComponentState.RUNNING, find("tcp-main").state());
        assertTrue(lines(run).isEmpty());

        shipper.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> lines(run).size() == 500);
        assertEquals(500, lines(run).stream().distinct().count());
    }

    @Test
    public void updatingTheSyslogBundleBringsItsListenersBackAndLeavesTheShipperAlone() throws Exception {
        awaitRunning("tcp-main");
        SluiceComponent fileMain = awaitRunning("file-main");
        String run = UUID.randomUUID().toString().substring(0, 8);
        send(run, 0, 100);
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(run).size() == 100);

        bundle("io.sluice.syslog").update();
        awaitRunning("tcp-main");
        assertTrue("the shipper kept running", find("file-main") == fileMain
                && fileMain.state() == ComponentState.RUNNING);
        send(run, 100, 100);
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(run).size() == 200);
    }

    @Test
    public void shellCommandsShowComponentsClientsAndStreams() throws Exception {
        awaitRunning("tcp-main");
        awaitRunning("udp-main");
        Path probe = Path.of(System.getProperty("karaf.etc"), "sluice", "filters", "probe.filter");
        Files.writeString(probe, "if kv(prefix=\"p_\") { router(\"probe\") }\n", StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(30)).until(() -> execute("sluice:filters").contains("probe"));
        String status = execute("sluice:status");
        assertTrue(status, status.contains("Filter calls of the chains"));
        assertTrue(status, status.matches("(?s).*probe\\s*\\|\\s*running\\s*\\|\\s*kv\\s*\\|\\s*1\\s*\\|\\s*0\\s*\\|.*"));
        assertTrue(status, status.matches("(?s).*\\|\\s*router\\s*\\|\\s*1\\s*\\|.*"));
        Files.delete(probe);
        assertTrue(status, status.matches("(?s).*tcp-main\\s*\\|\\s*receiver\\s*\\|\\s*running.*"));
        assertTrue(status, status.matches("(?s).*file-main\\s*\\|\\s*shipper\\s*\\|\\s*running.*"));
        assertTrue(status, status.contains("listening on 127.0.0.1:" + System.getProperty("sluice.itest.tcp")));

        String filters = execute("sluice:filters");
        assertTrue(filters, filters.matches("(?s).*main\\s*\\|\\s*running.*"));
        assertTrue(filters, filters.contains("Filters installed: date, geoip, grok, hmac_verify, kv, lowercase, remove, rename, router, "
                + "useragent"));

        String streams = execute("sluice:streams");
        assertTrue(streams, streams.contains("ingest") && streams.contains("events") && streams.contains("filter"));

        try (Socket s = new Socket(InetAddress.getLoopbackAddress(),
                Integer.parseInt(System.getProperty("sluice.itest.tcp")))) {
            s.getOutputStream().write("<13>1 - h a - - - held open\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(20)).until(() -> execute("sluice:clients tcp-main").contains("127.0.0.1:"
                    + s.getLocalPort()));
        }

        String sent = execute("sluice:send -P " + System.getProperty("sluice.itest.tcp") + " -c 3 \"from the shell\"");
        assertTrue(sent, sent.contains("Sent 3 message(s) over tcp"));
    }

    @Test
    public void shellCommandsStopStartAndRestartAComponentAndReloadAChain() throws Exception {
        awaitRunning("udp-main");
        String stop = execute("sluice:stop udp-main");
        assertTrue(stop, stop.contains("Stopping udp-main (configuration io.sluice.syslog.udp"));
        await().atMost(Duration.ofSeconds(30)).until(() -> execute("sluice:status udp-main")
                .matches("(?s).*udp-main\\s*\\|\\s*receiver\\s*\\|\\s*stopped.*"));
        assertTrue(execute("sluice:status udp-main").contains("enabled = false"));
        execute("sluice:start udp-main");
        awaitRunning("udp-main");
        String restart = execute("sluice:restart udp-main");
        assertTrue(restart, restart.contains("Restarting udp-main"));
        awaitRunning("udp-main");
        assertTrue(execute("sluice:stop bus").contains("Cannot stop bus: component 'bus' cannot be stopped"));
        assertTrue(execute("sluice:stop no-such").contains("no component 'no-such'"));
        String reload = execute("sluice:reload-chain main");
        assertTrue(reload, reload.contains("Chain main reloaded"));
        assertTrue(execute("sluice:reload-chain none").contains("no chain 'none'"));
    }

    @Test
    public void sluiceTailFollowsEventsAsTheyArrive() throws Exception {
        awaitRunning("tcp-main");
        String run = UUID.randomUUID().toString().substring(0, 8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessions.create(System.in, out, out);
        Thread tail = new Thread(() -> {
            try {
                session.execute("sluice:tail -n 2 -o json " + run);
            } catch (Exception e) {
                e.printStackTrace(out);
            }
        });
        tail.start();
        try {
            // tail shows what arrives after it starts: keep sending until it has seen two matching lines
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
                send(run, 0, 1);
                send("other" + run.substring(5), 0, 1);
                return !tail.isAlive();
            });
        } finally {
            session.close();
        }
        String shown = bytes.toString(StandardCharsets.UTF_8);
        List<String> lines = shown.lines().filter(l -> l.startsWith("{")).collect(Collectors.toList());
        assertEquals(shown, 2, lines.size());
        for (String line : lines) {
            assertTrue(line, line.contains("\"message\":\"" + run + " 0\"") && line.contains("\"app_name\":\"lifecycle\""));
        }
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessions.create(System.in, out, out);
        try {
            session.execute(command);
        } finally {
            session.close();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void send(String run, int from, int count) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(),
                Integer.parseInt(System.getProperty("sluice.itest.tcp")))) {
            OutputStream out = s.getOutputStream();
            StringBuilder sb = new StringBuilder();
            for (int i = from; i < from + count; i++) {
                sb.append("<13>1 - host lifecycle - - - ").append(run).append(' ').append(i).append('\n');
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static List<String> lines(String run) throws Exception {
        Path file = Paths.get(System.getProperty("sluice.itest.work"), "logs", "all.log");
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(run + " ")).collect(Collectors.toList());
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private <T> T service(Class<T> type) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            ServiceReference<T> r = context.getServiceReference(type);
            return r == null ? null : context.getService(r);
        }, java.util.Objects::nonNull);
    }

    private SluiceComponent awaitRunning(String name) {
        try {
            return await(name + " running").atMost(Duration.ofSeconds(60))
                    .until(() -> find(name), c -> c != null && c.state() == ComponentState.RUNNING);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            SluiceComponent c = find(name);
            throw new AssertionError(name + " is " + (c == null ? "gone" : c.state() + ": " + c.stateDetail()), e);
        }
    }

    private SluiceComponent find(String name) {
        try {
            for (ServiceReference<SluiceComponent> r : context.getServiceReferences(SluiceComponent.class, null)) {
                SluiceComponent c = context.getService(r);
                if (c != null && name.equals(c.name())) {
                    return c;
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
