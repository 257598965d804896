package io.sluice.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.bus.EventBus;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UdpListenerTest {
    @TempDir
    Path dir;

    private ListenerFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private static void send(DatagramSocket s, int port, String msg) throws Exception {
        byte[] b = msg.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }

    @Test
    void oneMessagePerDatagramWithTheTrailingNewlineDropped() throws Exception {
        fx = new ListenerFixture(dir, Map.of());
        fx.drain();
        int port = ListenerFixture.freePort();
        UdpListener l = fx.udp(Map.of("port", port, "format", "rfc3164"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; i < 200; i++) {
                send(s, port, "<34>Oct 11 22:14:15 mymachine su: attempt " + i + "\n");
            }
        }
        await().until(() -> fx.received.size() == 200);
        assertThat(fx.messages()).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 200).mapToObj(i -> "attempt " + i).toList());
        assertThat(fx.received.get(0).host()).isEqualTo("mymachine");
        assertThat(l.clients()).singleElement().satisfies(c -> {
            assertThat(c.protocol()).isEqualTo("udp");
            assertThat(c.events()).isEqualTo(200);
        });
    }

    @Test
    void stoppedAndStartedAgainAtOnceTheListenerBindsAgainAndReceives() throws Exception {
        fx = new ListenerFixture(dir, Map.of());
        fx.drain();
        int port = ListenerFixture.freePort();
        UdpListener l = fx.udp(Map.of("port", port, "format", "rfc3164"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        for (int round = 0; round < 3; round++) {
            l.modified(ListenerFixture.convert(Map.of("port", port, "format", "rfc3164", "enabled", "false"),
                    UdpListener.Config.class), Map.of());
            assertThat(l.state()).isEqualTo(ComponentState.STOPPED);
            l.modified(ListenerFixture.convert(Map.of("port", port, "format", "rfc3164", "enabled", "true"),
                    UdpListener.Config.class), Map.of());
            await().atMost(java.time.Duration.ofSeconds(15)).until(() -> l.state() == ComponentState.RUNNING);
        }
        try (DatagramSocket s = new DatagramSocket()) {
            send(s, port, "<34>Oct 11 22:14:15 mymachine su: after restarts\n");
        }
        await().until(() -> fx.received.size() == 1);
    }

    @Test
    void datagramTooLongIsCountedAsFailedAndTheNextOneArrives() throws Exception {
        fx = new ListenerFixture(dir, Map.of());
        fx.drain();
        int port = ListenerFixture.freePort();
        UdpListener l = fx.udp(Map.of("port", port, "maxFrameBytes", "64"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (DatagramSocket s = new DatagramSocket()) {
            send(s, port, "<13>" + "x".repeat(500));
            send(s, port, "<13>1 - host app - - - short");
        }
        await().until(() -> fx.received.size() == 1);
        assertThat(fx.messages()).containsExactly("short");
        assertThat(l.counters().failed.sum()).isEqualTo(1);
    }

    @Test
    void whenTheBusIsFullDatagramsAreDroppedAndCounted() throws Exception {
        fx = new ListenerFixture(dir, Map.of("maxStreamBytes", "1048576", "segmentBytes", "65536"));
        int port = ListenerFixture.freePort();
        UdpListener l = fx.udp(Map.of("port", port, "maxBatchEvents", "100", "maxPendingEvents", "1000"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        String pad = "p".repeat(300);
        // Send until the bus is full and the listener has dropped 100 datagrams itself. How many that
        // takes depends on how many the kernel drops on a slow machine, so the bound is time.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; (l.counters().dropped.sum() < 100 || fx.bus.hasCapacity(EventBus.INGEST))
                    && System.nanoTime() < deadline; i++) {
                send(s, port, "<13>1 - h app - - - m" + i + " " + pad);
                if (i % 200 == 0) {
                    // pace the sender so that the kernel buffer is not what drops them
                    Thread.sleep(5);
                }
            }
        }
        assertThat(l.counters().dropped.sum()).isGreaterThanOrEqualTo(100);
        assertThat(fx.bus.hasCapacity(EventBus.INGEST)).isFalse();
        assertThat(l.state()).isEqualTo(ComponentState.DEGRADED);
        Counters c = l.counters();
        await().untilAsserted(() -> assertThat(c.received.sum())
                .isEqualTo(c.acked.sum() + c.dropped.sum() + c.failed.sum() + c.queued.get()));
    }
}
