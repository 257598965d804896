package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The distribution's {@code bin/sluice-send}, run as a user runs it (its own classpath from
 * {@code system/}, no Karaf), against the same distribution's listeners with TLS on: RELP with lz4
 * groups and TCP with octet counting. Every message must reach the file shipper once.
 */
public class SendScriptITest {
    private static final int COUNT = 5_000;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 300_000)
    public void sendScriptDeliversOverTlsWithRelpLz4AndTcp() throws Exception {
        Path work = tmp.getRoot().toPath();
        Path out = work.resolve("logs/all.log");
        // A self-signed server certificate for localhost (PKCS#8 key, as openssl 3 writes it).
        KarafProcess.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", work.resolve("server.key").toString(),
                "-out", work.resolve("server.crt").toString()));
        try (KarafProcess k = KarafProcess.unpack(work.resolve("sluice"))) {
            KarafProcess.Ports ports = k.listenOnFreePorts(work.resolve("s.sock"));
            int relp = ports.relp();
            int tcp = ports.tcp();
            for (String cfg : List.of("etc/io.sluice.syslog.relp-main.cfg", "etc/io.sluice.syslog.tcp-main.cfg")) {
                k.setProperty(cfg, "tls", "true");
                k.setProperty(cfg, "tlsCertificate", work.resolve("server.crt").toString());
                k.setProperty(cfg, "tlsKey", work.resolve("server.key").toString());
            }
            k.shipAllTo(out, "template");
            k.start(relp);

            Path relpInput = numbered(work.resolve("relp.txt"), "relp-");
            Path tcpInput = numbered(work.resolve("tcp.txt"), "tcp-");
            String ca = work.resolve("server.crt").toString();
            send(k, work, "relp", List.of("-P", Integer.toString(relp), "-f", relpInput.toString(), "--lz4", "--tls",
                    "--ca", ca, "--server-name", "localhost"));
            send(k, work, "tcp", List.of("-p", "tcp", "-P", Integer.toString(tcp), "-f", tcpInput.toString(), "--tls",
                    "--ca", ca, "--server-name", "localhost"));

            try {
                await("both files delivered").atMost(Duration.ofSeconds(60))
                        .until(() -> Files.exists(out) && Files.readAllLines(out).size() >= 2 * COUNT);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                List<String> got = Files.exists(out) ? Files.readAllLines(out) : List.of();
                throw new AssertionError("after 60 s: " + got.stream().filter(l -> l.startsWith("relp-")).count()
                        + " relp and " + got.stream().filter(l -> l.startsWith("tcp-")).count() + " tcp lines; warnings: "
                        + k.logLinesMatching("WARN|ERROR"), e);
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertEquals("each message once", 2 * COUNT, lines.size());
            assertEquals(COUNT, lines.stream().filter(l -> l.startsWith("relp-")).distinct().count());
            assertEquals(COUNT, lines.stream().filter(l -> l.startsWith("tcp-")).distinct().count());
            // (KarafProcess.start's port probe closes before any handshake: logged as such, not as a failure)
            assertTrue("no TLS failure logged: " + k.logLinesMatching("TLS handshake failed|not a TLS handshake"),
                    k.logLinesMatching("TLS handshake failed|not a TLS handshake").isEmpty());
            assertEquals("the probe is named for what it is", 1,
                    k.logLinesMatching("closed before the TLS handshake completed").size());
        }
    }

    private static Path numbered(Path file, String prefix) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            lines.add("<13>1 2026-12-03T10:00:00Z host send-test - - - " + prefix + i);
        }
        return Files.write(file, lines, StandardCharsets.US_ASCII);
    }

    private static void send(KarafProcess k, Path work, String name, List<String> args) throws Exception {
        String said = k.sluiceSend(work.resolve(name + "-send.log"), args);
        assertTrue(name + ": " + said, said.contains("sent " + COUNT + " message(s)"));
    }
}
