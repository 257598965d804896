package io.sluice.shipper.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.Event;
import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterFactory;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.codec.Codecs;
import io.sluice.syslog.Numbered;
import io.sluice.syslog.Rsyslog;
import io.sluice.syslog.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/** The forwarding shipper against a private rsyslogd: imrelp (plain and TLS) and imtcp. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ForwardShipperTest {
    @TempDir
    Path dir;

    private final List<ForwardShipper> shippers = new ArrayList<>();

    @AfterEach
    void stop() {
        shippers.forEach(ForwardShipper::deactivate);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private ForwardShipper shipper(Map<String, Object> config) {
        ForwardShipper s = new ForwardShipper(Converters.standardConverter().convert(config)
                .to(ForwardShipper.Config.class), Map.of(), format -> new FormatterFactory() {
                    @Override
                    public String format() {
                        return format;
                    }

                    @Override
                    public EventFormatter create(FormatterOptions options) {
                        return Codecs.formatter(format, options);
                    }
                });
        shippers.add(s);
        return s;
    }

    private static List<Event> events(int from, int to) {
        List<Event> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(Event.builder().timereported(java.time.OffsetDateTime.parse("2026-12-03T10:00:00Z")).host("origin")
                    .appName("fwd").message("seq " + i).build());
        }
        return out;
    }

    /** rsyslogd writing the MSG of everything it receives on {@code input} to out.log, one per line. */
    private Rsyslog rsyslog(String module, String input, int port) throws Exception {
        String config = module + "\ntemplate(name=\"m\" type=\"string\" string=\"%msg%\\n\")\n"
                + "input(" + input + " address=\"127.0.0.1\" port=\"" + port + "\" ruleset=\"out\")\n"
                + "ruleset(name=\"out\") { action(type=\"omfile\" file=\"" + dir.resolve("out.log") + "\" template=\"m\") }";
        return Rsyslog.start(dir.resolve("rsyslog"), config, port);
    }

    private List<String> lines() throws IOException {
        Path out = dir.resolve("out.log");
        return Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8).stream().map(String::strip).toList()
                : List.of();
    }

    private void shipInBatches(ForwardShipper s, int total, int batch) throws Exception {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < total; i += batch) {
            done.add(s.ship(events(i, Math.min(total, i + batch))).toCompletableFuture());
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }

    @Test
    void relpToRsyslogImrelpDeliversEveryEventInOrder() throws Exception {
        int port = freePort();
        try (Rsyslog r = rsyslog("module(load=\"imrelp\")", "type=\"imrelp\"", port)) {
            ForwardShipper s = shipper(Map.of("port", port, "protocol", "relp", "format", "rfc5424"));
            shipInBatches(s, 20_000, 1000);
            // Every batch completed: rsyslog answered 200 to each message, so all are in its queue.
            await().atMost(Duration.ofSeconds(30)).until(() -> lines().size() >= 20_000);
            assertThat(Numbered.check(lines(), "seq ", 20_000).allInOrderOnce()).isTrue();
            assertThat(s.counters().acked.sum()).isEqualTo(20_000);
            // No RELP error from rsyslog about our frames (its readiness probe, a bare connect, leaves
            // one "session broken" line).
            assertThat(r.output().lines().filter(l -> !l.contains("session broken")))
                    .noneMatch(l -> l.toLowerCase().contains("error"));
        }
    }

    @Test
    void relpOverTlsWithAClientCertificateToRsyslogImrelp() throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki")).issue("localhost").issue("client.example.com");
        int port = freePort();
        String input = "type=\"imrelp\" tls=\"on\" tls.caCert=\"" + pki.ca() + "\" tls.myCert=\"" + pki.crt("localhost")
                + "\" tls.myPrivKey=\"" + pki.key("localhost")
                + "\" tls.authMode=\"name\" tls.permittedPeer=[\"client.example.com\"]";
        try (Rsyslog r = rsyslog("module(load=\"imrelp\")", input, port)) {
            Map<String, Object> c = new HashMap<>(Map.of("port", port, "protocol", "relp", "tls", true));
            c.put("tlsCaCertificates", pki.ca().toString());
            c.put("tlsCertificate", pki.crt("client.example.com").toString());
            c.put("tlsKey", pki.key("client.example.com").toString());
            c.put("tlsServerName", "localhost");
            ForwardShipper s = shipper(c);
            shipInBatches(s, 5000, 500);
            await().atMost(Duration.ofSeconds(30)).until(() -> lines().size() >= 5000);
            assertThat(Numbered.check(lines(), "seq ", 5000).allInOrderOnce()).isTrue();
        }
    }

    @Test
    void tcpOctetCountedToRsyslogImtcp() throws Exception {
        int port = freePort();
        try (Rsyslog r = rsyslog("module(load=\"imtcp\")", "type=\"imtcp\"", port)) {
            ForwardShipper s = shipper(Map.of("port", port, "protocol", "tcp", "format", "rfc5424"));
            shipInBatches(s, 5000, 1000);
            await().atMost(Duration.ofSeconds(30)).until(() -> lines().size() >= 5000);
            assertThat(Numbered.check(lines(), "seq ", 5000).allInOrderOnce()).isTrue();
        }
    }

    @Test
    void aBatchWaitsWhileTheRemoteIsDownAndCompletesWhenItIsBack() throws Exception {
        int port = freePort();
        ForwardShipper s = shipper(Map.of("port", port, "protocol", "relp"));
        CompletableFuture<Void> f = s.ship(events(0, 100)).toCompletableFuture();
        Thread.sleep(1500);
        assertThat(f).isNotDone();
        assertThat(s.stateDetail()).contains("connecting");
        try (Rsyslog r = rsyslog("module(load=\"imrelp\")", "type=\"imrelp\"", port)) {
            f.get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> lines().size() >= 100);
            assertThat(Numbered.check(lines(), "seq ", 100).allInOrderOnce()).isTrue();
        }
    }
}
