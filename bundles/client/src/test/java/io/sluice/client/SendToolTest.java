package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.syslog.SluiceServer;
import io.sluice.syslog.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** bin/sluice-send (and sluice:send --protocol relp) against Sluice's own listeners. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SendToolTest {
    @TempDir
    Path dir;

    private static int run(String... args) {
        return SendTool.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void aFileGoesOverRelpAndEveryLineIsInTheBusWhenItReturns() throws Exception {
        Path file = dir.resolve("lines.txt");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            b.append("line ").append(i).append('\n');
        }
        Files.writeString(file, b);
        try (SluiceServer server = new SluiceServer(dir.resolve("bus"))) {
            int port = SluiceServer.freePort();
            server.relp(Map.of("port", port));
            assertThat(run("-P", String.valueOf(port), "-f", file.toString(), "-c", "2", "--lz4")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.received.size() >= 1000);
            assertThat(server.messages()).hasSize(1000).startsWith("line 0", "line 1").endsWith("line 499");
            assertThat(server.received.get(0).appName()).isEqualTo("sluice-send");
        }
    }

    @Test
    void tlsWithAClientCertificateToATcpListener() throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki")).issue("localhost").issue("client.example.com");
        try (SluiceServer server = new SluiceServer(dir.resolve("bus"))) {
            int port = SluiceServer.freePort();
            Map<String, Object> c = new HashMap<>(Map.of("port", port, "tls", true));
            c.put("tlsCertificate", pki.crt("localhost").toString());
            c.put("tlsKey", pki.key("localhost").toString());
            c.put("tlsClientAuth", "required");
            c.put("tlsCaCertificates", pki.ca().toString());
            server.tcp(c);
            assertThat(run("-p", "tcp", "-P", String.valueOf(port), "--tls", "--ca", pki.ca().toString(), "--cert",
                    pki.crt("client.example.com").toString(), "--key", pki.key("client.example.com").toString(),
                    "hello", "over", "tls")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.messages().contains("hello over tls"));
        }
    }

    @Test
    void aServerThatIsNotThereIsAClearFailureWithinTheTimeout() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SendTool.run(new String[] {"-P", "1", "-t", "3", "x"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not every message was answered within 3 s");
    }

    @Test
    void badArgumentsPrintTheUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(SendTool.run(new String[] {"--bogus"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: sluice-send");
        assertThat(List.of(SendTool.withHeader("<13>x"))).containsExactly("<13>x");
    }
}
