package io.sluice.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.Event;
import io.sluice.api.component.ComponentState;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RelpListenerTest {
    @TempDir
    Path dir;

    private ListenerFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private RelpListener listener(int port) throws Exception {
        fx = new ListenerFixture(dir.resolve("bus"), Map.of());
        fx.drain();
        RelpListener l = fx.relp(Map.of("port", port, "name", "relp-test", "window", 2048));
        await().until(() -> l.state() == ComponentState.RUNNING);
        return l;
    }

    /** Reads one RELP frame (up to and including its LF trailer) from a raw socket. */
    private static String readFrame(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int spaces = 0;
        int c;
        while (spaces < 2 && (c = in.read()) >= 0) {
            head.write(c);
            if (c == ' ') {
                spaces++;
            }
        }
        StringBuilder len = new StringBuilder();
        while ((c = in.read()) >= '0' && c <= '9') {
            len.append((char) c);
        }
        int n = Integer.parseInt(len.toString());
        byte[] data = in.readNBytes(n + (n > 0 ? 1 : 0));
        return head + len.toString() + (n > 0 ? " " : "") + new String(data, 0, n, StandardCharsets.UTF_8);
    }

    private static String frame(long txnr, String command, String data) {
        int len = data.getBytes(StandardCharsets.UTF_8).length;
        return txnr + " " + command + " " + len + (len > 0 ? " " + data : "") + "\n";
    }

    @Test
    void rsyslogOmrelpDelivers50000NumberedMessagesInOrder() throws Exception {
        int relpPort = ListenerFixture.freePort();
        RelpListener l = listener(relpPort);
        throughRsyslog(relpPort, "", 50_000, () -> {
            assertThat(l.clients()).hasSize(1);
            assertThat(l.clients().get(0).protocol()).isEqualTo("relp");
        });
        assertThat(l.counters().acked.sum()).isEqualTo(50_000);
    }

    @Test
    void rsyslogOmrelpOverTlsWithClientCertificatesDelivers50000NumberedMessagesInOrder() throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki")).issue("localhost").issue("client.example.com");
        int relpPort = ListenerFixture.freePort();
        fx = new ListenerFixture(dir.resolve("bus"), Map.of());
        fx.drain();
        Map<String, Object> c = new java.util.HashMap<>(Map.of("port", relpPort, "name", "relp-tls", "window", 2048));
        c.put("tls", true);
        c.put("tlsCertificate", pki.crt("localhost").toString());
        c.put("tlsKey", pki.key("localhost").toString());
        c.put("tlsClientAuth", "required");
        c.put("tlsCaCertificates", pki.ca().toString());
        c.put("tlsPermittedPeers", "*.example.com");
        RelpListener l = fx.relp(c);
        await().until(() -> l.state() == ComponentState.RUNNING);
        throughRsyslog(relpPort, " tls=\"on\" tls.caCert=\"" + pki.ca() + "\" tls.myCert=\"" + pki.crt("client.example.com")
                + "\" tls.myPrivKey=\"" + pki.key("client.example.com")
                + "\" tls.authMode=\"name\" tls.permittedPeer=[\"localhost\"]", 50_000, () -> {
                    assertThat(l.clients()).hasSize(1);
                    assertThat(l.clients().get(0).protocol()).isEqualTo("relp+tls");
                });
        assertThat(l.counters().failed.sum()).isZero();
    }

    /** Sends {@code total} numbered messages into a private rsyslogd that forwards them with omrelp. */
    private void throughRsyslog(int relpPort, String omrelpOptions, int total, Runnable whileConnected)
            throws Exception {
        int inPort = ListenerFixture.freePort();
        // One worker: omrelp opens a RELP session per worker, and order holds within a session only.
        // windowSize 2048: omrelp corks its socket for a whole batch (1024 messages); with a smaller
        // window the corked frames wait for the kernel's 200 ms cork timer on loopback (see
        // shared/bench/peers/RESULTS.md, "RELP pitfall"), whatever the receiver does.
        String config = "main_queue(queue.workerThreads=\"1\")\nmodule(load=\"imtcp\")\nmodule(load=\"omrelp\")\n"
                + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + inPort + "\" ruleset=\"fwd\")\n"
                + "ruleset(name=\"fwd\") { action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" + relpPort
                + "\" template=\"RSYSLOG_SyslogProtocol23Format\" windowSize=\"2048\"" + omrelpOptions + ") }";
        try (Rsyslog rsyslog = Rsyslog.start(dir.resolve("rsyslog"), config, inPort);
                Socket s = new Socket(InetAddress.getLoopbackAddress(), inPort)) {
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            for (int i = 0; i < total; i++) {
                out.write(("<13>1 2026-12-03T10:00:00.000Z sender app - - - seq " + i + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            await("all " + total + " messages through rsyslog omrelp").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200)).until(() -> fx.received.size() >= total);
            Numbered check = Numbered.check(fx.messages(), "seq ", total);
            assertThat(check).as("numbered messages").isEqualTo(new Numbered(0, 0, 0, 0, -1));
            Event first = fx.received.get(0);
            assertThat(first.host()).isEqualTo("sender");
            assertThat(first.appName()).isEqualTo("app");
            // Every message was answered 200: rsyslog logged no RELP error.
            assertThat(rsyslog.output()).doesNotContainIgnoringCase("error");
            whileConnected.run();
        }
    }

    @Test
    void aBrokenSessionIsClosedAndTheNextOneWorks() throws Exception {
        int port = ListenerFixture.freePort();
        RelpListener l = listener(port);
        try (Socket bad = new Socket(InetAddress.getLoopbackAddress(), port)) {
            bad.setSoTimeout(10_000);
            bad.getOutputStream().write("hello there\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = bad.getInputStream();
            assertThat(readFrame(in)).isEqualTo("0 serverclose 0");
            assertThat(in.read()).isEqualTo(-1);
        }
        try (Socket good = new Socket(InetAddress.getLoopbackAddress(), port)) {
            good.setSoTimeout(10_000);
            OutputStream out = good.getOutputStream();
            InputStream in = good.getInputStream();
            out.write(frame(1, "open", "relp_version=0\ncommands=syslog").getBytes(StandardCharsets.UTF_8));
            assertThat(readFrame(in)).startsWith("1 rsp ").contains("200 OK\nrelp_version=0\nrelp_software=sluice,test");
            out.write(frame(2, "syslog", "<13>1 2026-12-03T10:00:00Z h a - - - after the broken one")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(readFrame(in)).isEqualTo("2 rsp 6 200 OK");
            // 200 came after the event was durable: it is in the journal, readable by consumers.
            await().until(() -> fx.messages().contains("after the broken one"));
            out.write(frame(3, "close", "").getBytes(StandardCharsets.UTF_8));
            assertThat(readFrame(in)).isEqualTo("3 rsp 0");
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(l.counters().failed.sum()).isEqualTo(1);
    }

    @Test
    void stoppingTheListenerSendsServercloseToOpenSessions() throws Exception {
        int port = ListenerFixture.freePort();
        RelpListener l = listener(port);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(frame(1, "open", "relp_version=0\ncommands=syslog")
                    .getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            assertThat(readFrame(in)).startsWith("1 rsp ");
            await().until(() -> l.clients().size() == 1);
            l.deactivate();
            assertThat(readFrame(in)).isEqualTo("0 serverclose 0");
            assertThat(in.read()).isEqualTo(-1);
        }
    }
}
