package io.sluice.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.api.component.ComponentState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the TCP listener, with certificates made by openssl for each run, and openssl's own client. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsListenerTest {
    @TempDir
    Path dir;

    private ListenerFixture fx;
    private TestPki pki;

    @BeforeEach
    void setUp() throws Exception {
        pki = new TestPki(dir.resolve("pki")).issue("localhost").issue("client.example.com")
                .issue("evil.other.org");
        fx = new ListenerFixture(dir.resolve("bus"), Map.of());
        fx.drain();
    }

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    private Map<String, Object> tls(int port) {
        Map<String, Object> c = new HashMap<>();
        c.put("port", port);
        c.put("name", "tls-test");
        c.put("tls", true);
        c.put("tlsCertificate", pki.crt("localhost").toString());
        c.put("tlsKey", pki.key("localhost").toString());
        return c;
    }

    private TcpListener start(Map<String, Object> config) {
        TcpListener l = fx.tcp(config);
        await().until(() -> l.state() == ComponentState.RUNNING);
        return l;
    }

    private static SSLSocket connect(SSLContext ctx, int port) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String msg(String text) {
        return "<13>1 2026-12-03T10:00:00Z client app - - - " + text + "\n";
    }

    /** True when the server closed the connection (read returns EOF or the socket is reset). */
    private static boolean closedByServer(InputStream in) {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void opensslSClientSendsSyslogOverTls() throws Exception {
        int port = ListenerFixture.freePort();
        TcpListener l = start(tls(port));
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile",
                pki.ca().toString(), "-verify_return_error", "-verify_hostname", "localhost", "-quiet", "-no_ign_eof")
                .redirectErrorStream(true).redirectOutput(dir.resolve("s_client.log").toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            for (int i = 0; i < 100; i++) {
                in.write(msg("over openssl " + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> fx.received.size() >= 100);
        assertThat(Numbered.check(fx.messages(), "over openssl ", 100).allInOrderOnce()).isTrue();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("s_client.log"))).contains("verify return:1");
        assertThat(l.stateDetail()).contains("tcp+tls");
        assertThat(l.counters().failed.sum()).isZero();
    }

    @Test
    void plainTextClientOnTheTlsPortIsNamedCountedAndClosed() throws Exception {
        int port = ListenerFixture.freePort();
        TcpListener l = start(tls(port));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(msg("plain text").getBytes(StandardCharsets.UTF_8));
            assertThat(closedByServer(s.getInputStream())).isTrue();
        }
        await().until(() -> l.counters().failed.sum() == 1);
        // The listener goes on: a TLS client right after works.
        try (SSLSocket s = connect(pki.client(null), port)) {
            s.getOutputStream().write(msg("after the plain one").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            await().until(() -> fx.messages().contains("after the plain one"));
        }
        assertThat(fx.messages()).doesNotContain("plain text");
    }

    @Test
    void tlsClientOnThePlainPortIsNamedCountedAndClosed() throws Exception {
        int port = ListenerFixture.freePort();
        TcpListener l = start(Map.of("port", port, "name", "plain-test"));
        try (SSLSocket s = connect(pki.client(null), port)) {
            assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
        }
        await().until(() -> l.counters().failed.sum() == 1);
        assertThat(fx.received).isEmpty();
    }

    @Test
    void requiredClientCertificateRefusesClientsWithoutOne() throws Exception {
        int port = ListenerFixture.freePort();
        Map<String, Object> c = tls(port);
        c.put("tlsClientAuth", "required");
        c.put("tlsCaCertificates", pki.ca().toString());
        TcpListener l = start(c);
        try (SSLSocket s = connect(pki.client(null), port)) {
            s.getOutputStream().write(msg("no certificate").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            assertThat(closedByServer(s.getInputStream())).isTrue();
        } catch (SSLException expected) {
            // TLS 1.3 may report the refusal on the handshake instead.
        }
        await().until(() -> l.counters().failed.sum() >= 1);
        try (SSLSocket s = connect(pki.client("client.example.com"), port)) {
            s.getOutputStream().write(msg("with certificate").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            await().until(() -> fx.messages().contains("with certificate"));
        }
        assertThat(fx.messages()).doesNotContain("no certificate");
    }

    @Test
    void permittedPeersByWildcardNameAndByFingerprint() throws Exception {
        int port = ListenerFixture.freePort();
        Map<String, Object> c = tls(port);
        c.put("tlsClientAuth", "required");
        c.put("tlsCaCertificates", pki.ca().toString());
        c.put("tlsPermittedPeers", "*.example.com");
        TcpListener l = start(c);
        try (SSLSocket s = connect(pki.client("evil.other.org"), port)) {
            s.getOutputStream().write(msg("from evil").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            assertThat(closedByServer(s.getInputStream())).isTrue();
        } catch (SSLException expected) {
            // closed during the handshake
        }
        await().until(() -> l.counters().failed.sum() >= 1);
        try (SSLSocket s = connect(pki.client("client.example.com"), port)) {
            s.getOutputStream().write(msg("from client").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            await().until(() -> fx.messages().contains("from client"));
        }
        assertThat(fx.messages()).doesNotContain("from evil");

        // Permit evil.other.org by the fingerprint of its certificate.
        String fp = io.sluice.syslog.tls.PeerPolicy.fingerprintText((X509Certificate)
                java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(Files.newInputStream(pki.crt("evil.other.org"))));
        c.put("tlsPermittedPeers", "*.example.com, " + fp.toLowerCase());
        l.modified(ListenerFixture.convert(c, TcpListener.Config.class), Map.of());
        try (SSLSocket s = connect(pki.client("evil.other.org"), port)) {
            s.getOutputStream().write(msg("evil by fingerprint").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            await().until(() -> fx.messages().contains("evil by fingerprint"));
        }
    }

    @Test
    void renewedCertificateIsServedWithoutRestart() throws Exception {
        Path live = dir.resolve("live");
        Files.createDirectories(live);
        Files.copy(pki.crt("localhost"), live.resolve("server.crt"));
        Files.copy(pki.key("localhost"), live.resolve("server.key"));
        int port = ListenerFixture.freePort();
        Map<String, Object> c = tls(port);
        c.put("tlsCertificate", live.resolve("server.crt").toString());
        c.put("tlsKey", live.resolve("server.key").toString());
        start(c);
        SSLContext client = pki.client(null);
        String before;
        try (SSLSocket s = connect(client, port)) {
            s.startHandshake();
            before = PeerCert.serial(s);
        }
        // A renewed certificate for the same name, dropped over the old files.
        pki.issue("localhost-renewed", "localhost", false);
        Files.copy(pki.key("localhost-renewed"), live.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pki.crt("localhost-renewed"), live.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            try (SSLSocket s = connect(client, port)) {
                s.startHandshake();
                return !PeerCert.serial(s).equals(before);
            }
        });
    }

    @Test
    void tls13OnlyListenerRefusesATls12Client() throws Exception {
        int port = ListenerFixture.freePort();
        Map<String, Object> c = tls(port);
        c.put("tlsProtocols", "TLSv1.3");
        TcpListener l = start(c);
        try (SSLSocket s = connect(pki.client(null), port)) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
        }
        await().until(() -> l.counters().failed.sum() == 1);
        try (SSLSocket s = connect(pki.client(null), port)) {
            s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            s.startHandshake();
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void oldProtocolsAndMissingFilesAreConfigurationErrors() throws Exception {
        int port = ListenerFixture.freePort();
        Map<String, Object> c = tls(port);
        c.put("tlsProtocols", "TLSv1.1");
        TcpListener l = fx.tcp(c);
        assertThat(l.state()).isEqualTo(ComponentState.FAILED);
        assertThat(l.stateDetail()).contains("TLSv1.1").contains("refused");

        Map<String, Object> missing = tls(ListenerFixture.freePort());
        missing.put("name", "missing-test");
        missing.put("tlsCertificate", dir.resolve("nope.crt").toString());
        TcpListener m = fx.tcp(missing);
        assertThat(m.state()).isEqualTo(ComponentState.FAILED);
        assertThat(m.stateDetail()).contains("TLS").contains("nope.crt");
    }

    /** The server certificate a socket got. */
    static final class PeerCert {
        static String serial(SSLSocket s) throws Exception {
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber().toString(16);
        }
    }
}
