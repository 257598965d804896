package io.sluice.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A private rsyslogd for interop tests: its own configuration, work directory and pid file in a
 * temp dir, run in the foreground and ended by its PID. The machine's own rsyslog is never touched.
 * Needs Debian's rsyslog and rsyslog-relp (the README's test command installs them).
 */
public final class Rsyslog implements AutoCloseable {
    static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");

    public final Path dir;
    private final Process process;

    private Rsyslog(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts rsyslogd with {@code config} (after a global() line giving it {@code dir} as work
     * directory); waits until {@code tcpPort} accepts connections.
     */
    public static Rsyslog start(Path dir, String config, int tcpPort) throws Exception {
        assertThat(RSYSLOGD).as("rsyslogd (Debian packages rsyslog and rsyslog-relp; ./sluice test installs them)")
                .isExecutable();
        Files.createDirectories(dir.resolve("work"));
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, "global(workDirectory=\"" + dir.resolve("work") + "\" maxMessageSize=\"64k\")\n"
                + config + "\n*.* action(type=\"omfile\" file=\"" + dir.resolve("internal.log") + "\")\n");
        Process check = new ProcessBuilder(RSYSLOGD.toString(), "-N1", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("check.log").toFile()).start();
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as("rsyslogd -N1: %s", Files.readString(dir.resolve("check.log"))).isZero();
        Process p = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", conf.toString(), "-i",
                dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stderr.log").toFile()).start();
        Rsyslog r = new Rsyslog(dir, p);
        try {
            await("rsyslogd listening on " + tcpPort).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("rsyslogd exited: " + r.output());
                        }
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
                            return true;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    public long pid() {
        return process.pid();
    }

    public String output() throws IOException {
        Path internal = dir.resolve("internal.log");
        return Files.readString(dir.resolve("stderr.log"), StandardCharsets.UTF_8)
                + (Files.exists(internal) ? Files.readString(internal, StandardCharsets.UTF_8) : "");
    }

    @Override
    public void close() throws Exception {
        ProcessHandle h = process.toHandle();
        h.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            h.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
