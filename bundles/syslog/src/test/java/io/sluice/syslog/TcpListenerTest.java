package io.sluice.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.api.bus.EventBus;
import io.sluice.api.component.ClientInfo;
import io.sluice.api.component.ComponentState;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpListenerTest {
    @TempDir
    Path dir;

    private ListenerFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private ListenerFixture fixture(Map<String, Object> busConfig) throws Exception {
        fx = new ListenerFixture(dir, busConfig);
        return fx;
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] octetFrame(String msg) {
        byte[] b = msg.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + String.valueOf(b.length).length() + 1];
        byte[] prefix = (b.length + " ").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(b, 0, out, prefix.length, b.length);
        return out;
    }

    private static String rfc5424(int i) {
        return "<165>1 2003-10-11T22:14:15.003Z host app - ID47 - message " + i;
    }

    @Test
    void eventsArriveInOrderWithBothFramingsOnOneConnection() throws Exception {
        ListenerFixture f = fixture(Map.of());
        f.drain();
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "name", "tcp-test"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 2000; i++) {
                if (i % 2 == 0) {
                    out.write(octetFrame(rfc5424(i)));
                } else {
                    out.write((rfc5424(i) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            out.flush();
            await().until(() -> f.received.size() == 2000);
            List<ClientInfo> clients = l.clients();
            assertThat(clients).singleElement().satisfies(c -> {
                assertThat(c.peer()).startsWith("127.0.0.1:");
                assertThat(c.localPort()).isEqualTo(port);
                assertThat(c.protocol()).isEqualTo("tcp");
                assertThat(c.events()).isEqualTo(2000);
            });
        }
        assertThat(f.messages()).containsExactlyElementsOf(IntStream.range(0, 2000).mapToObj(i -> "message " + i).toList());
        assertThat(f.received.get(0).appName()).isEqualTo("app");
        await().until(() -> l.clients().isEmpty());
        assertThat(l.counters().received.sum()).isEqualTo(2000);
        await().until(() -> l.counters().acked.sum() == 2000 && l.counters().queued.get() == 0);
        assertThat(l.stateDetail()).contains("listening on 127.0.0.1:" + port);
    }

    /** The receive times of two messages sent 20 ms apart on one connection, after a first one. */
    private static Duration gapBetweenReads(ListenerFixture f, int port) throws Exception {
        int before = f.received.size() + 1;
        try (Socket s = connect(port)) {
            s.getOutputStream().write(octetFrame(rfc5424(0))); // the connection's first read (and its pause)
            s.getOutputStream().flush();
            await().pollInterval(Duration.ofMillis(10)).until(() -> f.received.size() == before);
            Thread.sleep(150);
            s.getOutputStream().write(octetFrame(rfc5424(1)));
            s.getOutputStream().flush();
            Thread.sleep(20); // read at once by the listener (the receive time is the read's)
            s.getOutputStream().write(octetFrame(rfc5424(2)));
            s.getOutputStream().flush();
            await().until(() -> f.received.size() == before + 2);
        }
        return Duration.between(f.received.get(before).timegenerated(), f.received.get(before + 1).timegenerated());
    }

    @Test
    void aReadBurstPausesReadingTheConnectionForTheCoalescingWindow() throws Exception {
        ListenerFixture f = fixture(Map.of());
        f.drain();
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "readCoalesceMicros", 100_000, "readCoalesceBytes", 1));
        await().until(() -> l.state() == ComponentState.RUNNING);
        // the first message's read starts a 100 ms pause: the second is read when it ends
        assertThat(gapBetweenReads(f, port)).isGreaterThanOrEqualTo(Duration.ofMillis(95));

        // a burst smaller than readCoalesceBytes is not followed by a pause
        l.modified(ListenerFixture.convert(Map.of("port", port, "readCoalesceMicros", 100_000, "readCoalesceBytes", 100_000),
                TcpListener.Config.class), Map.of());
        await().until(() -> l.clients().isEmpty());
        assertThat(gapBetweenReads(f, port)).isLessThan(Duration.ofMillis(95));
        assertThat(f.messages()).hasSize(6);
    }

    @Test
    void aListenerPublishesToTheStreamItsConfigurationNames() throws Exception {
        ListenerFixture f = fixture(Map.of());
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "name", "tcp-web", "stream", "web-in"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket s = connect(port)) {
            for (int i = 0; i < 20; i++) {
                s.getOutputStream().write((rfc5424(i) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        await().until(() -> f.bus.stats("web-in") != null && f.bus.stats("web-in").endOffset() == 20);
        assertThat(f.bus.stats(io.sluice.api.bus.EventBus.INGEST) == null
                || f.bus.stats(io.sluice.api.bus.EventBus.INGEST).endOffset() == 0).isTrue();

        TcpListener bad = f.tcp(Map.of("port", ListenerFixture.freePort(), "name", "tcp-bad", "stream", "Web In"));
        assertThat(bad.state()).isEqualTo(ComponentState.FAILED);
        assertThat(bad.stateDetail()).contains("stream 'Web In' is not a stream name");
    }

    @Test
    void lostFramingClosesOnlyThatConnectionAndOthersNeverNotice() throws Exception {
        ListenerFixture f = fixture(Map.of());
        f.drain();
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket good = connect(port); Socket bad = connect(port)) {
            good.getOutputStream().write(octetFrame(rfc5424(1)));
            bad.getOutputStream().write("007 <13>bad".getBytes(StandardCharsets.US_ASCII));
            InputStream badIn = bad.getInputStream();
            assertThat(badIn.read()).as("the server closes the connection").isEqualTo(-1);
            good.getOutputStream().write(octetFrame(rfc5424(2)));
            await().until(() -> f.received.size() == 2);
        }
        assertThat(f.messages()).containsExactly("message 1", "message 2");
        assertThat(l.counters().failed.sum()).isEqualTo(1);
    }

    @Test
    void oversizedFrameAndUnparsableMessageAreCountedAndTheConnectionGoesOn() throws Exception {
        ListenerFixture f = fixture(Map.of());
        f.drain();
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "maxFrameBytes", "100", "format", "rfc5424"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            out.write(octetFrame(rfc5424(1)));
            out.write(octetFrame("<13>1 - - - - - - " + "x".repeat(200)));
            out.write("<13>this is not rfc 5424\n".getBytes(StandardCharsets.US_ASCII));
            out.write(octetFrame(rfc5424(2)));
            await().until(() -> f.received.size() == 2);
        }
        assertThat(f.messages()).containsExactly("message 1", "message 2");
        assertThat(l.counters().failed.sum()).isEqualTo(2);
        assertThat(l.counters().received.sum()).isEqualTo(3);
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
        ListenerFixture f = fixture(Map.of());
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "maxConnections", "2"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket a = connect(port); Socket b = connect(port)) {
            await().until(() -> l.clients().size() == 2);
            try (Socket c = connect(port)) {
                assertThat(c.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(l.counters().failed.sum()).isEqualTo(1);
            a.getOutputStream().write(octetFrame(rfc5424(1)));
            await().until(() -> l.counters().received.sum() == 1);
        }
    }

    @Test
    void fullBusStopsReadingFromTheSenderAndLosesNothing() throws Exception {
        ListenerFixture f = fixture(Map.of("maxStreamBytes", "1048576", "segmentBytes", "65536"));
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "maxPendingEvents", "2000", "maxBatchEvents", "500"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        int total = 100_000;
        AtomicInteger written = new AtomicInteger();
        Thread sender = new Thread(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 8192);
                for (int i = 0; i < total; i++) {
                    out.write(octetFrame(rfc5424(i) + " padding padding padding padding padding padding padding"));
                    written.incrementAndGet();
                }
                out.flush();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        sender.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> !f.bus.hasCapacity(EventBus.INGEST));
        await().until(() -> l.state() == ComponentState.DEGRADED);
        // Held back: the sender cannot finish, and the bus holds what it took, within its limit.
        long ackedWhileFull = l.counters().acked.sum();
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(sender.isAlive()).as("the sender is blocked by TCP back-pressure").isTrue();
        assertThat(written.get()).isLessThan(total);
        assertThat(l.counters().acked.sum()).isEqualTo(ackedWhileFull);
        assertThat(f.bus.stats(EventBus.INGEST).bytes()).isLessThanOrEqualTo(1048576);
        assertThat(l.counters().dropped.sum()).isZero();

        f.drain();
        sender.join(90_000);
        await().atMost(Duration.ofSeconds(60))
                .conditionEvaluationListener(c -> System.err.println("received " + f.received.size() + ", listener "
                        + l.counters().snapshot() + ", " + l.state() + " " + l.stateDetail() + ", bus "
                        + f.bus.stats(EventBus.INGEST) + ", sender alive " + sender.isAlive() + " written " + written))
                .until(() -> f.received.size() >= total);
        List<String> expected = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            expected.add("message " + i + " padding padding padding padding padding padding padding");
        }
        assertThat(f.messages()).containsExactlyElementsOf(expected);
        await().until(() -> l.state() == ComponentState.RUNNING);
    }

    @Test
    void manyConnectionsTogetherHoldNoMoreThanTheListenerLimit() throws Exception {
        ListenerFixture f = fixture(Map.of("maxStreamBytes", "1048576", "segmentBytes", "65536"));
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "maxBatchEvents", "200", "maxPendingEvents", "1000",
                "maxListenerPendingEvents", "2000"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        int senders = 6;
        int each = 20_000;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 8192);
                    for (int i = 0; i < each; i++) {
                        out.write(octetFrame(rfc5424(id * each + i)));
                    }
                    out.flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            threads.add(th);
            th.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !f.bus.hasCapacity(EventBus.INGEST));
        long maxHeld = 0;
        for (int i = 0; i < 20; i++) {
            maxHeld = Math.max(maxHeld, l.counters().queued.get());
            await().pollDelay(Duration.ofMillis(20)).until(() -> true);
        }
        // the limit, plus at most what one read of each connection decodes before it pauses
        assertThat(maxHeld).isLessThan(2000 + senders * 1000);
        f.drain();
        for (Thread th : threads) {
            th.join(60_000);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> f.received.size() == senders * each);
        assertThat(l.counters().dropped.sum()).isZero();
    }

    @Test
    void limitsChangeInPlaceAndAPortChangeRebinds() throws Exception {
        ListenerFixture f = fixture(Map.of());
        f.drain();
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "maxFrameBytes", "1000"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket s = connect(port)) {
            s.getOutputStream().write(octetFrame(rfc5424(1)));
            await().until(() -> f.received.size() == 1);
            l.modified(ListenerFixture.convert(Map.of("port", port, "maxFrameBytes", "2000"), TcpListener.Config.class),
                    Map.of());
            s.getOutputStream().write(octetFrame(rfc5424(2)));
            await().until(() -> f.received.size() == 2);

            int other = ListenerFixture.freePort();
            l.modified(ListenerFixture.convert(Map.of("port", other), TcpListener.Config.class), Map.of());
            await().until(() -> l.state() == ComponentState.RUNNING);
            assertThat(l.stateDetail()).contains(":" + other);
            s.setSoTimeout(5_000);
            try {
                assertThat(s.getInputStream().read()).as("the old port's connection is closed").isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection to the old port stayed open", e);
            }
            try (Socket again = connect(other)) {
                again.getOutputStream().write(octetFrame(rfc5424(3)));
                await().until(() -> f.received.size() == 3);
            }
        }
    }

    @Test
    void enabledFalseStopsTheListenerKeepingItVisibleTrueStartsItAgainAndRestartBindsAgain() throws Exception {
        ListenerFixture f = fixture(Map.of());
        f.drain();
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "name", "tcp-x"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket s = connect(port)) {
            l.modified(ListenerFixture.convert(Map.of("port", port, "name", "tcp-x", "enabled", "false"),
                    TcpListener.Config.class), Map.of());
            assertThat(l.state()).isEqualTo(ComponentState.STOPPED);
            assertThat(l.name()).isEqualTo("tcp-x");
            assertThat(l.stateDetail()).contains("enabled = false");
            assertThat(l.clients()).isEmpty();
            s.setSoTimeout(5_000);
            assertThat(s.getInputStream().read()).as("its connections are closed").isEqualTo(-1);
        }
        assertThatThrownBy(() -> connect(port).close()).as("nothing listens").isInstanceOf(java.io.IOException.class);
        l.modified(ListenerFixture.convert(Map.of("port", port, "name", "tcp-x", "enabled", "true"),
                TcpListener.Config.class), Map.of());
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket again = connect(port)) {
            again.getOutputStream().write(octetFrame(rfc5424(1)));
            await().until(() -> f.received.size() == 1);
        }
        // Restart (the administrators' action): its connections close and it binds again.
        try (Socket held = connect(port)) {
            held.getOutputStream().write(octetFrame(rfc5424(2)));
            await().until(() -> f.received.size() == 2);
            l.restart();
            held.setSoTimeout(5_000);
            assertThat(held.getInputStream().read()).as("closed by the restart").isEqualTo(-1);
        }
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket again = connect(port)) {
            again.getOutputStream().write(octetFrame(rfc5424(3)));
            await().until(() -> f.received.size() == 3);
        }
        // Activated with enabled = false: registered and stopped from the start.
        TcpListener off = f.tcp(Map.of("port", ListenerFixture.freePort(), "name", "tcp-off", "enabled", "false"));
        assertThat(off.state()).isEqualTo(ComponentState.STOPPED);
        off.restart();
        assertThat(off.state()).as("a stopped listener stays stopped through a restart").isEqualTo(ComponentState.STOPPED);
        assertThat(off.name()).isEqualTo("tcp-off");
    }

    @Test
    void anInvalidConfigurationIsReportedInTheStateAndFixingItStartsTheListener() throws Exception {
        ListenerFixture f = fixture(Map.of());
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "framing", "crlf", "name", "tcp-bad"));
        assertThat(l.name()).isEqualTo("tcp-bad");
        assertThat(l.state()).isEqualTo(ComponentState.FAILED);
        assertThat(l.stateDetail()).contains("configuration error").contains("'crlf'");
        l.modified(ListenerFixture.convert(Map.of("port", port, "framing", "lf", "name", "tcp-bad"),
                TcpListener.Config.class), Map.of());
        await().until(() -> l.state() == ComponentState.RUNNING);
    }

    @Test
    void idleConnectionsAreClosedAfterTheTimeout() throws Exception {
        ListenerFixture f = fixture(Map.of());
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "idleTimeoutSeconds", "1"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (Socket s = connect(port)) {
            s.getOutputStream().write(octetFrame(rfc5424(1)));
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
        await().until(() -> l.clients().isEmpty());
    }

    @Test
    void readRateLimitHoldsASenderToTheConfiguredBytesPerSecond() throws Exception {
        ListenerFixture f = fixture(Map.of());
        f.drain();
        int port = ListenerFixture.freePort();
        TcpListener l = f.tcp(Map.of("port", port, "maxReadBytesPerSecond", "50000"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        Thread sender = new Thread(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                for (int i = 0; i < 6000; i++) {
                    s.getOutputStream().write(octetFrame(rfc5424(i)));
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        sender.start();
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        // about 100 KB in 2 s at 50 KB/s, of the ~370 KB sent; allow the first read's burst
        assertThat(l.counters().bytes.sum()).isBetween(20_000L, 180_000L);
        sender.join(30_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> f.received.size() == 6000);
    }

    @Test
    void portInUseIsReportedAndTheListenerBindsOnceItIsFree() throws Exception {
        ListenerFixture f = fixture(Map.of());
        java.net.ServerSocket squatter = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        int port = squatter.getLocalPort();
        TcpListener l = f.tcp(Map.of("port", port));
        assertThat(l.state()).isEqualTo(ComponentState.FAILED);
        assertThat(l.stateDetail()).contains("cannot listen on 127.0.0.1:" + port).contains("retrying");
        squatter.close();
        await().atMost(Duration.ofSeconds(15)).until(() -> l.state() == ComponentState.RUNNING);
    }
}
