package io.sluice.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of the test's own: Debian's redis-server on a free loopback port, its data in the
 * test's temp dir; stopped and started again by PID, never the machine's.
 */
public final class PrivateRedis implements AutoCloseable {
    public final int port;
    private final Path dir;
    private Process server;
    private boolean aof;

    private PrivateRedis(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static PrivateRedis start(Path dir) throws Exception {
        return start(dir, false);
    }

    /**
     * With {@code aof}, the server keeps an append-only file and fsyncs it before every answer
     * (appendonly yes, appendfsync always): what the rescue queue requires by default.
     */
    public static PrivateRedis start(Path dir, boolean aof) throws Exception {
        Files.createDirectories(dir);
        PrivateRedis r;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            r = new PrivateRedis(dir, s.getLocalPort());
        }
        r.aof = aof;
        r.startServer();
        return r;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    public void startServer() throws Exception {
        server = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", aof ? "yes" : "no", "--appendfsync", "always", "--daemonize", "no"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log")
                        .toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (!server.isAlive()) {
                    throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port);
    }

    public void stopServer() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws Exception {
        stopServer();
    }
}
