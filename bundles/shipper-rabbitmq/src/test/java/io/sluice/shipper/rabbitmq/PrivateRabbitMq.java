package io.sluice.shipper.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ broker of the test's own: Debian's rabbitmq-server, its own node name, data and log
 * directories under the test's temp dir, its own epmd, AMQP and distribution ports, all on
 * loopback and free; no plugin. As root it runs as the rabbitmq user. {@link #close()} stops it and
 * ends every process it started, by PID.
 */
public final class PrivateRabbitMq implements AutoCloseable {
    public final int port;
    private final Path dir;
    private final String node;
    private final boolean root = "root".equals(System.getProperty("user.name"));
    private Process epmd;
    private Process broker;

    private PrivateRabbitMq(Path dir) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.node = "sluicetest" + ProcessHandle.current().pid() + "x" + port + "@localhost";
    }

    public static PrivateRabbitMq start(Path dir) throws Exception {
        Files.createDirectories(dir);
        PrivateRabbitMq r = new PrivateRabbitMq(dir);
        r.boot();
        return r;
    }

    public String uri() {
        return "amqp://guest:guest@127.0.0.1:" + port + "/%2F";
    }

    public ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        return f;
    }

    private void boot() throws Exception {
        int epmdPort = freePort();
        int distPort = freePort();
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        Files.writeString(dir.resolve("env.sh"), String.join("\n",
                "export HOME=" + dir,
                "export RABBITMQ_NODENAME=" + node,
                "export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
                "export RABBITMQ_NODE_PORT=" + port,
                "export RABBITMQ_DIST_PORT=" + distPort,
                "export ERL_EPMD_PORT=" + epmdPort,
                "export ERL_EPMD_ADDRESS=127.0.0.1",
                "export RABBITMQ_MNESIA_BASE=" + dir.resolve("mnesia"),
                "export RABBITMQ_LOG_BASE=" + dir.resolve("log"),
                "export RABBITMQ_ENABLED_PLUGINS_FILE=" + dir.resolve("enabled_plugins"),
                "export RABBITMQ_PID_FILE=" + dir.resolve("broker.pid"),
                "export RABBITMQ_CONFIG_FILE=" + dir.resolve("none"),
                "export RABBITMQ_ADVANCED_CONFIG_FILE=" + dir.resolve("none-advanced.config"),
                "export RABBITMQ_CONF_ENV_FILE=" + dir.resolve("none-env"), ""));
        if (root) {
            run(List.of("chown", "-R", "rabbitmq:rabbitmq", dir.toString()));
            run(List.of("chmod", "755", dir.getParent().toString()));
        }
        epmd = new ProcessBuilder(as(List.of("/bin/sh", "-c", ". " + dir.resolve("env.sh")
                + "; exec epmd -address 127.0.0.1 -port " + epmdPort))).redirectErrorStream(true)
                .redirectOutput(dir.resolve("epmd.log").toFile()).start();
        broker = new ProcessBuilder(as(List.of("/bin/sh", "-c", ". " + dir.resolve("env.sh")
                + "; exec /usr/lib/rabbitmq/bin/rabbitmq-server"))).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile()).start();
        awaitAmqp(true);
    }

    /** Stops the RabbitMQ application (the AMQP port closes; the node stays up). */
    public void stopApp() throws Exception {
        ctl("stop_app");
        awaitAmqp(false);
    }

    /** Starts the RabbitMQ application again. */
    public void startApp() throws Exception {
        ctl("start_app");
        awaitAmqp(true);
    }

    private void ctl(String command) throws Exception {
        run(as(List.of("/bin/sh", "-c", ". " + dir.resolve("env.sh") + "; exec /usr/lib/rabbitmq/bin/rabbitmqctl -n "
                + node + " " + command)));
    }

    private void awaitAmqp(boolean up) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            boolean open;
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                open = true;
            } catch (IOException e) {
                open = false;
            }
            if (open == up) {
                if (up) {
                    try (com.rabbitmq.client.Connection c = factory().newConnection()) {
                        return;
                    } catch (Exception notYet) {
                        // the port opens a moment before the broker takes connections
                    }
                } else {
                    return;
                }
            }
            if (broker != null && !broker.isAlive()) {
                throw new IllegalStateException("rabbitmq-server exited: " + Files.readString(dir.resolve("broker.log")));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("RabbitMQ did not " + (up ? "open" : "close") + " port " + port + ": "
                + Files.readString(dir.resolve("broker.log")));
    }

    @Override
    public void close() throws Exception {
        try {
            if (broker != null && broker.isAlive()) {
                ctl("stop");
            }
        } catch (RuntimeException | IOException e) {
            // killed below
        } finally {
            for (Process p : new Process[] {broker, epmd}) {
                if (p != null) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private List<String> as(List<String> cmd) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "rabbitmq", "--"));
        }
        full.addAll(cmd);
        return full;
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed (" + p.exitValue() + "): " + new String(out));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
