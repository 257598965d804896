package io.sluice.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.component.ComponentState;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnixListenerTest {
    @TempDir
    Path dir;

    private ListenerFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void streamSocketTakesOctetCountedAndLfFramesAndNamesThePeerProcess() throws Exception {
        fx = new ListenerFixture(dir.resolve("bus"), Map.of());
        fx.drain();
        Path sock = dir.resolve("s.sock");
        UnixListener l = fx.unix(Map.of("path", sock.toString(), "socketType", "stream", "socketMode", "0660"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw----");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap("23 <13>1 - h a - - - first<13>1 - - a - - - second\n".getBytes(StandardCharsets.US_ASCII)));
            await().until(() -> fx.received.size() == 2);
            assertThat(l.clients()).singleElement().satisfies(c -> {
                assertThat(c.protocol()).isEqualTo("unix");
                assertThat(c.peer()).startsWith("unix:" + sock).contains("pid " + ProcessHandle.current().pid());
            });
        }
        assertThat(fx.messages()).containsExactly("first", "second");
        assertThat(fx.received.get(0).host()).isEqualTo("h");
        assertThat(fx.received.get(1).host()).as("a message naming no host gets the peer").isEqualTo("localhost");
    }

    @Test
    void datagramSocketTakesWhatTheLoggerToolSends() throws Exception {
        fx = new ListenerFixture(dir.resolve("bus"), Map.of());
        fx.drain();
        Path sock = dir.resolve("log.sock");
        UnixListener l = fx.unix(Map.of("path", sock.toString()));
        await().until(() -> l.state() == ComponentState.RUNNING);
        Process p = new ProcessBuilder("logger", "--socket-errors=on", "-u", sock.toString(), "-t", "unixtest",
                "-p", "local3.warning", "hello over a unix datagram socket").redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
        } finally {
            p.destroyForcibly();
        }
        await().until(() -> fx.received.size() == 1);
        assertThat(fx.received.get(0).message()).isEqualTo("hello over a unix datagram socket");
        assertThat(fx.received.get(0).appName()).isEqualTo("unixtest");
        assertThat(fx.received.get(0).facility().name()).isEqualToIgnoringCase("local3");
        assertThat(l.clients()).singleElement().satisfies(c -> assertThat(c.protocol()).isEqualTo("unix-dgram"));
    }

    @Test
    void changingTheSocketTypeRebindsAsTheOtherKind() throws Exception {
        fx = new ListenerFixture(dir.resolve("bus"), Map.of());
        fx.drain();
        Path sock = dir.resolve("switch.sock");
        UnixListener l = fx.unix(Map.of("path", sock.toString(), "socketType", "datagram"));
        await().until(() -> l.state() == ComponentState.RUNNING);
        l.modified(ListenerFixture.convert(Map.of("path", sock.toString(), "socketType", "stream"),
                UnixListener.Config.class), Map.of());
        await().until(() -> l.state() == ComponentState.RUNNING);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap("<13>1 - h a - - - now a stream\n".getBytes(StandardCharsets.US_ASCII)));
            await().until(() -> fx.received.size() == 1);
            assertThat(l.clients()).singleElement().satisfies(c -> assertThat(c.protocol()).isEqualTo("unix"));
        }
        await().until(() -> l.clients().isEmpty());
    }

    @Test
    void staleSocketFileIsReplacedButARegularFileIsNot() throws Exception {
        fx = new ListenerFixture(dir.resolve("bus"), Map.of());
        Path sock = dir.resolve("stale.sock");
        UnixListener first = fx.unix(Map.of("path", sock.toString(), "socketType", "stream"));
        await().until(() -> first.state() == ComponentState.RUNNING);
        Path regular = dir.resolve("not-a-socket");
        Files.writeString(regular, "keep me");
        // a crash leaves the socket file behind: a new listener on the same path takes it over
        UnixListener second = fx.unix(Map.of("path", sock.toString(), "socketType", "stream", "name", "again"));
        await().until(() -> second.state() == ComponentState.RUNNING);
        UnixListener refused = fx.unix(Map.of("path", regular.toString(), "name", "refused"));
        assertThat(refused.state()).isEqualTo(ComponentState.FAILED);
        assertThat(refused.stateDetail()).contains("exists and is not a socket");
        assertThat(Files.readString(regular)).isEqualTo("keep me");
    }
}
