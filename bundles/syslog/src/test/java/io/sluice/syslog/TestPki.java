package io.sluice.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A throw-away CA and certificates for TLS tests, made with the openssl command line (EC P-256,
 * valid two days): {@code ca.crt}, and for each name {@code NAME.crt} / {@code NAME.key} (PKCS#8)
 * with the name as CN and DNS subject alternative name (plus IP 127.0.0.1 for "localhost").
 */
public final class TestPki {
    public final Path dir;

    public TestPki(Path dir) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir);
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=Sluice Test CA");
    }

    /** Issues a certificate for {@code name} (signed by this CA, or self-signed when {@code selfSigned}). */
    public TestPki issue(String name) throws Exception {
        return issue(name, name, false);
    }

    public TestPki issue(String file, String name, boolean selfSigned) throws Exception {
        String san = "subjectAltName=DNS:" + name + (name.equals("localhost") ? ",IP:127.0.0.1" : "")
                + "\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n";
        Files.writeString(dir.resolve(file + ".ext"), san);
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                file + ".key", "-out", file + ".csr", "-subj", "/CN=" + name);
        List<String> sign = new ArrayList<>(List.of("openssl", "x509", "-req", "-in", file + ".csr", "-out",
                file + ".crt", "-days", "2", "-extfile", file + ".ext"));
        if (selfSigned) {
            sign.addAll(List.of("-signkey", file + ".key"));
        } else {
            sign.addAll(List.of("-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"));
        }
        run(sign.toArray(String[]::new));
        return this;
    }

    public Path crt(String name) {
        return dir.resolve(name + ".crt");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    public Path ca() {
        return dir.resolve("ca.crt");
    }

    /** A JSSE client context trusting this CA, presenting {@code clientName}'s certificate (or none). */
    public SSLContext client(String clientName, String... protocols) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(ca().toFile());
        if (clientName != null) {
            b.keyManager(crt(clientName).toFile(), key(clientName).toFile());
        }
        if (protocols.length > 0) {
            b.protocols(protocols);
        }
        return ((JdkSslContext) b.build()).context();
    }

    private void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes());
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done && p.exitValue() == 0).as("%s: %s", String.join(" ", cmd), out).isTrue();
    }
}
