package io.sluice.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.Event;
import io.sluice.api.component.ComponentState;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packers rebuild multi-line messages on the listeners that are configured for them: by format over
 * TCP (a Java stack trace, one syslog message per line), by time over RELP (every line answered only
 * once the merged message holding it is durable) and over UDP (two sources interleaved).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PackerTest {
    @TempDir
    Path dir;

    private ListenerFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private ListenerFixture fixture() throws Exception {
        fx = new ListenerFixture(dir, Map.of());
        fx.drain();
        return fx;
    }

    private static String line(String app, String procId, String message) {
        return "<11>1 2026-12-04T10:00:00.000Z app-01 " + app + " " + procId + " - - " + message;
    }

    /** Lines of a Java application's log, one syslog message each, as a file follower sends them. */
    static final List<String> JAVA_LOG = List.of(
            "2026-12-04 10:00:00,101 INFO  [main] o.e.Server - started in 2.1 s",
            "2026-12-04 10:00:05,313 ERROR [pool-2-thread-1] o.e.Orders - cannot save order 7731",
            "java.sql.SQLTransientConnectionException: pool-1 - Connection is not available, request timed out after 30000ms.",
            "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
            "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)",
            "\tat org.example.Orders.save(Orders.java:88)",
            "Caused by: java.net.ConnectException: Connection refused",
            "\t... 12 more",
            "2026-12-04 10:00:05,420 WARN  [main] o.e.Server - retrying");

    @Test
    void mergeByFormatOverTcpRebuildsAStackTraceAndKeepsTheSourcesApart() throws Exception {
        ListenerFixture f = fixture();
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "name", "tcp-java", "packer", "merge_by_format",
                "packerStartFormats", new String[] {"\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}"},
                "packerMaxAgeMillis", 60_000));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            for (String m : JAVA_LOG) {
                out.write((line("orders", "42", m) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            // another program on the same connection: its line closes the open message first
            out.write((line("cron", "7", "(root) CMD (run-parts /etc/cron.hourly)") + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        // the connection closed: what was open is published too
        await().until(() -> f.received.size() == 4);
        List<Event> got = new ArrayList<>(f.received);
        assertThat(got.get(0).message()).isEqualTo(JAVA_LOG.get(0));
        assertThat(got.get(0).tags()).doesNotContain("multiline");
        assertThat(got.get(1).message()).isEqualTo(String.join("\n", JAVA_LOG.subList(1, 8)));
        assertThat(got.get(1).tags()).contains("multiline");
        assertThat(got.get(1).appName()).isEqualTo("orders");
        assertThat(got.get(1).procId()).isEqualTo("42");
        assertThat(got.get(2).message()).isEqualTo(JAVA_LOG.get(8));
        assertThat(got.get(3).appName()).isEqualTo("cron");
        assertThat(l.counters().received.sum()).isEqualTo(10);
        // counted on the connection's thread once the journal confirmed, maybe after the drain saw them
        await().until(() -> l.counters().acked.sum() == 4);
        await().until(() -> l.counters().queued.get() == 0);
    }

    @Test
    void mergeByTimeOverRelpAnswersEveryLineOnlyOnceItsMergedMessageIsDurable() throws Exception {
        ListenerFixture f = fixture();
        int port = ListenerFixture.freePort();
        RelpListener l = f.relp(Map.of("port", port, "name", "relp-packed", "packer", "merge_by_time",
                "packerWindowMillis", 400, "packerMaxAgeMillis", 60_000));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(frame(1, "open", "relp_version=0\ncommands=syslog"));
            assertThat(readFrame(in)).startsWith("1 rsp ").contains("200 OK");
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                out.write(frame(2 + i, "syslog", line("worker", "9", "part " + i)));
            }
            out.flush();
            assertThat(readFrame(in)).isEqualTo("2 rsp 6 200 OK");
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(waited).as("answered once the window closed the message").isGreaterThanOrEqualTo(400);
            // durable once answered: the journal delivers it to its consumers
            await().until(() -> f.received.size() == 1);
            assertThat(f.received.get(0).message()).isEqualTo("part 0\npart 1\npart 2");
            assertThat(readFrame(in)).isEqualTo("3 rsp 6 200 OK");
            assertThat(readFrame(in)).isEqualTo("4 rsp 6 200 OK");

            // a pause longer than the window: a new message
            out.write(frame(5, "syslog", line("worker", "9", "later")));
            out.flush();
            assertThat(readFrame(in)).isEqualTo("5 rsp 6 200 OK");
            out.write(frame(6, "close", ""));
            assertThat(readFrame(in)).isEqualTo("6 rsp 0");
        }
        await().until(() -> f.received.size() == 2);
        assertThat(f.messages()).containsExactly("part 0\npart 1\npart 2", "later");
        assertThat(f.received.get(1).tags()).doesNotContain("multiline");
    }

    @Test
    void aMessageLongerThanTheRelpWindowIsClosedWhenTheWindowFillsInsteadOfWaitingForItsMaxAge()
            throws Exception {
        ListenerFixture f = fixture();
        int port = ListenerFixture.freePort();
        RelpListener l = f.relp(Map.of("port", port, "name", "relp-window", "window", 8, "packer", "merge_by_format",
                "packerStartFormats", new String[] {"START"}, "packerMaxAgeMillis", 60_000));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(frame(1, "open", "relp_version=0\ncommands=syslog"));
            assertThat(readFrame(in)).startsWith("1 rsp ");
            long t0 = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                out.write(frame(2 + i, "syslog", line("java", "1", i == 0 ? "START trace" : "\tat line " + i)));
            }
            out.flush();
            for (int i = 0; i < 8; i++) {
                assertThat(readFrame(in)).isEqualTo((2 + i) + " rsp 6 200 OK");
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("not the 60 s max age")
                    .isLessThan(10_000);
        }
        await().until(() -> f.received.size() == 1);
        assertThat(f.messages().get(0)).startsWith("START trace\n\tat line 1").endsWith("\tat line 7");
    }

    @Test
    void mergeByTimeOverUdpKeepsOneMessagePerSourceAndABadPackerIsAConfigurationError() throws Exception {
        ListenerFixture f = fixture();
        int port = ListenerFixture.freePort();
        UdpListener l = f.udp(Map.of("port", port, "name", "udp-packed", "packer", "merge_by_time",
                "packerWindowMillis", 300, "packerMaxLines", 3));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 4; i++) {
                for (String app : List.of("a", "b")) {
                    byte[] b = line(app, "1", app + i).getBytes(StandardCharsets.UTF_8);
                    s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
                }
            }
        }
        await().until(() -> f.received.size() == 4);
        assertThat(f.messages()).as("interleaved sources apart; at most 3 lines per message")
                .containsExactlyInAnyOrder("a0\na1\na2", "b0\nb1\nb2", "a3", "b3");

        UdpListener bad = f.udp(Map.of("port", ListenerFixture.freePort(), "name", "udp-bad", "packer", "merge"));
        assertThat(bad.state()).isEqualTo(ComponentState.FAILED);
        assertThat(bad.stateDetail()).contains("packer 'merge' is not one of none, merge_by_time, merge_by_format");
        UdpListener noFormat = f.udp(Map.of("port", ListenerFixture.freePort(), "name", "udp-bad2",
                "packer", "merge_by_format"));
        assertThat(noFormat.stateDetail()).contains("needs packerStartFormats");
    }

    private static byte[] frame(long txnr, String command, String data) {
        int len = data.getBytes(StandardCharsets.UTF_8).length;
        return (txnr + " " + command + " " + len + (len > 0 ? " " + data : "") + "\n").getBytes(StandardCharsets.UTF_8);
    }

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
}
