package io.sluice.shipper.pgsql;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own: Debian's binaries (package postgresql), a data directory
 * under the test's temp dir, a free loopback port, trust authentication for user sluice. As root,
 * the server runs as the postgres user (initdb refuses root). Stopped by {@link #stop()} and ended
 * for good by {@link #close()}, which kills the postmaster by its PID if it did not stop.
 */
public final class PrivatePostgres implements AutoCloseable {
    public final int port;
    private final Path bin;
    private final Path data;
    private final Path log;
    private final boolean root;

    private PrivatePostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.data = dir.resolve("data");
        this.log = dir.resolve("postgres.log");
        this.port = port;
        this.root = "root".equals(System.getProperty("user.name"));
    }

    /** Creates the cluster and starts it. */
    public static PrivatePostgres start(Path dir) throws Exception {
        PrivatePostgres pg = new PrivatePostgres(binaries(), dir, freePort());
        Files.createDirectories(dir);
        if (pg.root) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
            run(List.of("chmod", "755", dir.getParent().toString()));
        }
        pg.as(List.of(pg.bin.resolve("initdb").toString(), "-D", pg.data.toString(), "-U", "sluice", "--auth=trust",
                "-E", "UTF8", "--no-locale"));
        pg.startServer();
        try (Connection c = pg.connect("postgres")) {
            c.createStatement().execute("CREATE DATABASE sluice");
        }
        return pg;
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/sluice";
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "sluice", "");
    }

    /** Rows of the shipper's events table in database sluice, schema sluice; -1 while it cannot be read. */
    public long events() {
        try (Connection c = connect("sluice"); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM sluice.events")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException notYet) {
            return -1;
        }
    }

    /** Starts the server (again), waiting until it accepts connections. */
    public void startServer() throws Exception {
        as(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
    }

    /** Stops the server now (fast shutdown: open sessions are ended). */
    public void stop() throws Exception {
        as(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
    }

    @Override
    public void close() throws Exception {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        try {
            stop();
        } finally {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().join();
            });
        }
    }

    private void as(List<String> cmd) throws Exception {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        run(full);
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

    /** The newest PostgreSQL server binaries Debian installed. */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("PostgreSQL is not installed (Debian package postgresql; the README's "
                    + "test command installs it)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(p -> Files.isExecutable(p.resolve("bin/pg_ctl")))
                    .max(Comparator.comparing(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under " + root))
                    .resolve("bin");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
