package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.sluice.api.bus.EventBus;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The distribution as shipped: the TCP, UDP and Unix listeners and the file shipper of etc/ (on
 * free ports and private paths). Messages sent by the real {@code logger} tool arrive in the
 * shipper's files, each exactly once.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SyslogToFileITest {
    private static final Pattern RSYSLOG_FILE_LINE =
            Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}(Z|[+-]\\d\\d:\\d\\d) \\S+ ");

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return SluiceOptions.distribution(
                editConfigurationFilePut("etc/io.sluice.shipper.file-main.cfg", "path", "$APP_NAME.log"));
    }

    private static String work(String name) {
        return Paths.get(System.getProperty("sluice.itest.work"), name).toString();
    }

    @Test
    public void messagesSentWithLoggerArriveInTheFileExactlyOnce() throws Exception {
        awaitRunning("tcp-main", "udp-main", "relp-main", "unix-local", "file-main");
        String tcp = System.getProperty("sluice.itest.tcp");
        String udp = System.getProperty("sluice.itest.udp");
        String sock = work("log.sock");
        String run = UUID.randomUUID().toString().substring(0, 8);

        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"tcp5424", "-n", "127.0.0.1", "-P", tcp, "--tcp", "--rfc5424"});
        cases.add(new String[] {"tcpoctet", "-n", "127.0.0.1", "-P", tcp, "--tcp", "--octet-count", "--rfc5424"});
        cases.add(new String[] {"tcp3164", "-n", "127.0.0.1", "-P", tcp, "--tcp", "--rfc3164"});
        cases.add(new String[] {"udp5424", "-n", "127.0.0.1", "-P", udp, "--udp", "--rfc5424"});
        cases.add(new String[] {"udp3164", "-n", "127.0.0.1", "-P", udp, "--udp", "--rfc3164"});
        cases.add(new String[] {"unixdgram", "-u", sock});
        for (String[] c : cases) {
            for (int i = 0; i < 3; i++) {
                List<String> cmd = new ArrayList<>(List.of("logger", "-t", c[0], "-p", "local4.warning"));
                cmd.addAll(List.of(c).subList(1, c.length));
                cmd.add(c[0] + " message " + i + " of run " + run + " with \"quotes\" and a \\ backslash");
                runLogger(cmd);
            }
        }
        Path logs = Paths.get(work("logs"));
        for (String[] c : cases) {
            Path file = logs.resolve(c[0] + ".log");
            await(c[0] + " lines in " + file).atMost(Duration.ofSeconds(30))
                    .until(() -> linesOf(file, run).size() >= 3);
            List<String> lines = linesOf(file, run);
            assertEquals(c[0] + ": " + lines, 3, lines.size());
            // Each logger run is its own connection: their order in the file is not defined, each line
            // must be there exactly once.
            for (int i = 0; i < 3; i++) {
                String expected = " " + c[0] + ": " + c[0] + " message " + i + " of run " + run
                        + " with \"quotes\" and a \\ backslash";
                List<String> matching = lines.stream().filter(l -> l.endsWith(expected)).collect(Collectors.toList());
                assertEquals(c[0] + " has exactly one line ending with '" + expected + "': " + lines, 1,
                        matching.size());
                assertTrue(c[0] + " line is RSYSLOG_FileFormat: " + matching.get(0),
                        RSYSLOG_FILE_LINE.matcher(matching.get(0)).find());
            }
        }
        Receiver tcpMain = component(Receiver.class, "tcp-main");
        assertEquals(9, tcpMain.counters().acked.sum());
        assertEquals(0, tcpMain.counters().failed.sum());
    }

    @Test
    public void aListenerAddedAtRunTimeWorksAndItsRemovalClosesThePort() throws Exception {
        String port = SluiceOptions.freePort();
        org.osgi.service.cm.Configuration cfg = configAdmin.getFactoryConfiguration("io.sluice.syslog.tcp", "extra",
                "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("port", port);
        props.put("framing", "lf");
        cfg.update(props);
        Receiver extra = awaitRunning("tcp-extra").get(0);
        String run = UUID.randomUUID().toString().substring(0, 8);
        runLogger(List.of("logger", "-n", "127.0.0.1", "-P", port, "--tcp", "--rfc5424", "-t", "extra",
                "added at run time " + run));
        await().atMost(Duration.ofSeconds(30)).until(() -> extra.counters().acked.sum() == 1);
        cfg.delete();
        await("port " + port + " closed").atMost(Duration.ofSeconds(30)).until(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(port))) {
                return false;
            } catch (IOException refused) {
                return true;
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> find(Receiver.class, "tcp-extra") == null);
    }

    @Test
    public void unixStreamListenerTakesLoggerOverAStreamSocket() throws Exception {
        String sock = work("stream.sock");
        org.osgi.service.cm.Configuration cfg = configAdmin.getFactoryConfiguration("io.sluice.syslog.unix",
                "stream", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("path", sock);
        props.put("socketType", "stream");
        cfg.update(props);
        try {
            Receiver stream = awaitRunning("unix-stream").get(0);
            String run = UUID.randomUUID().toString().substring(0, 8);
            runLogger(List.of("logger", "-T", "-u", sock, "-t", "unixstream", "over a stream socket " + run));
            Path file = Paths.get(work("logs")).resolve("unixstream.log");
            await().atMost(Duration.ofSeconds(30)).until(() -> linesOf(file, run).size() == 1);
            assertTrue(linesOf(file, run).get(0).endsWith(" unixstream: over a stream socket " + run));
            assertEquals(1, stream.counters().acked.sum());
        } finally {
            cfg.delete();
        }
    }

    @Test
    public void rsyslogOmrelpReachesTheFileThroughTheShippedRelpListener() throws Exception {
        awaitRunning("relp-main", "file-main");
        String relp = System.getProperty("sluice.itest.relp");
        Path dir = Paths.get(work("rsyslog-" + UUID.randomUUID().toString().substring(0, 8)));
        Files.createDirectories(dir.resolve("work"));
        int in;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            in = free.getLocalPort();
        }
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, "global(workDirectory=\"" + dir.resolve("work") + "\")\n"
                + "main_queue(queue.workerThreads=\"1\")\n" // one RELP session: order holds within a session
                + "module(load=\"imtcp\")\nmodule(load=\"omrelp\")\n"
                + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + in + "\" ruleset=\"fwd\")\n"
                + "ruleset(name=\"fwd\") { action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" + relp + "\") }\n"
                + "*.* action(type=\"omfile\" file=\"" + dir.resolve("internal.log") + "\")\n");
        Process rsyslog = new ProcessBuilder("/usr/sbin/rsyslogd", "-n", "-f", conf.toString(), "-i",
                dir.resolve("pid").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stderr.log").toFile()).start();
        String run = UUID.randomUUID().toString().substring(0, 8);
        int total = 1000;
        try {
            Socket s = await("rsyslogd listening").atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> new Socket(InetAddress.getLoopbackAddress(), in), java.util.Objects::nonNull);
            try (s) {
                java.io.OutputStream out = s.getOutputStream();
                for (int i = 0; i < total; i++) {
                    // RFC 3164 into rsyslog; omrelp forwards it in its default RSYSLOG_ForwardFormat.
                    out.write(("<165>Dec  3 10:00:00 sender relpfwd[42]: relp " + i + " of run " + run + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }
            Path file = Paths.get(work("logs")).resolve("relpfwd.log");
            await("relpfwd lines in " + file).atMost(Duration.ofSeconds(60))
                    .until(() -> linesOf(file, run).size() >= total);
            List<String> lines = linesOf(file, run);
            assertEquals(total, lines.size());
            for (int i = 0; i < total; i++) {
                assertTrue(lines.get(i), lines.get(i).endsWith(" relpfwd[42]: relp " + i + " of run " + run));
            }
            Receiver r = component(Receiver.class, "relp-main");
            assertTrue("a relp client was seen", r.counters().acked.sum() >= total);
        } finally {
            rsyslog.toHandle().destroy();
            if (!rsyslog.waitFor(15, TimeUnit.SECONDS)) {
                rsyslog.destroyForcibly();
            }
        }
    }

    @Test
    public void theBusStreamsAndTheirConsumerGroupsAreThere() {
        EventBus bus = awaitService(EventBus.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.streams().containsAll(
                List.of(EventBus.INGEST, EventBus.EVENTS)));
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.stats(EventBus.EVENTS).groups()
                .containsKey("file-main"));
        assertTrue(bus.stats(EventBus.INGEST).groups().containsKey("filter"));
    }

    private static void runLogger(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            assertTrue("logger finished: " + cmd, p.waitFor(20, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals("logger " + cmd + " said: " + out, 0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> linesOf(Path file, String run) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(run)).collect(Collectors.toList());
        }
    }

    private List<Receiver> awaitRunning(String... names) {
        List<Receiver> receivers = new ArrayList<>();
        for (String name : names) {
            SluiceComponent c = await(name + " running").atMost(Duration.ofSeconds(60))
                    .until(() -> find(SluiceComponent.class, name),
                            x -> x != null && x.state() == ComponentState.RUNNING);
            if (c instanceof Receiver) {
                receivers.add((Receiver) c);
            }
        }
        return receivers;
    }

    private <T extends SluiceComponent> T component(Class<T> type, String name) {
        T c = find(type, name);
        if (c == null) {
            throw new AssertionError("no component " + name);
        }
        return c;
    }

    private <T extends SluiceComponent> T find(Class<T> type, String name) {
        try {
            Collection<ServiceReference<T>> refs = context.getServiceReferences(type, null);
            for (ServiceReference<T> r : refs) {
                T c = context.getService(r);
                if (c != null && name.equals(c.name())) {
                    return c;
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T awaitService(Class<T> type) {
        return await(type.getSimpleName()).atMost(Duration.ofSeconds(30)).until(() -> {
            ServiceReference<T> r = context.getServiceReference(type);
            return r == null ? null : context.getService(r);
        }, java.util.Objects::nonNull);
    }
}
