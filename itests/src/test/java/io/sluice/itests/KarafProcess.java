package io.sluice.itests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built distribution unpacked in a private directory and run as a real process ({@code bin/karaf
 * server}), for tests that need what Pax Exam cannot give: SIGKILL and a restart on the same data.
 * Every process it starts is ended by PID.
 */
final class KarafProcess implements AutoCloseable {
    final Path home;
    private Process script;

    private KarafProcess(Path home) {
        this.home = home;
    }

    /** Unpacks the distribution under {@code parent}. */
    static KarafProcess unpack(Path parent) throws Exception {
        Path tarGz = Path.of(System.getProperty("sluice.distribution"));
        Files.createDirectories(parent);
        run(List.of("tar", "-xzf", tarGz.toString(), "-C", parent.toString()));
        try (var dirs = Files.list(parent)) {
            Path home = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
            KarafProcess k = new KarafProcess(home);
            // Never collide with a developer's Sluice or another build.
            k.setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", SluiceOptions.freePort());
            k.setProperty("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", SluiceOptions.freePort());
            k.setProperty("etc/org.apache.karaf.management.cfg", "rmiServerPort", SluiceOptions.freePort());
            return k;
        }
    }

    /** The ports of the default TCP, UDP and RELP listeners. */
    record Ports(int tcp, int udp, int relp) {
    }

    /** Moves every default listener to a free loopback port, and the Unix socket to {@code socket}. */
    Ports listenOnFreePorts(Path socket) throws IOException {
        Ports p = new Ports(Integer.parseInt(SluiceOptions.freePort()), Integer.parseInt(SluiceOptions.freeUdpPort()),
                Integer.parseInt(SluiceOptions.freePort()));
        setProperty("etc/io.sluice.syslog.tcp-main.cfg", "port", Integer.toString(p.tcp()));
        setProperty("etc/io.sluice.syslog.udp-main.cfg", "port", Integer.toString(p.udp()));
        setProperty("etc/io.sluice.syslog.relp-main.cfg", "port", Integer.toString(p.relp()));
        setProperty("etc/io.sluice.syslog.unix-local.cfg", "path", socket.toString());
        return p;
    }

    /**
     * The default file shipper writes every event to {@code file} (one file, never rotated) in
     * {@code format}; with format "template", as {@code $MESSAGE} alone.
     */
    void shipAllTo(Path file, String format) throws IOException {
        String cfg = "etc/io.sluice.shipper.file-main.cfg";
        setProperty(cfg, "directory", file.getParent().toString());
        setProperty(cfg, "path", file.getFileName().toString());
        setProperty(cfg, "format", format);
        if (format.equals("template")) {
            setProperty(cfg, "template", "$MESSAGE");
        }
    }

    /**
     * Runs the distribution's {@code bin/sluice-send} with {@code args}, its output going to
     * {@code log}; returns that output once it exited with 0 (over RELP: every message durable in
     * the server). Fails when it exits otherwise or runs for more than two minutes.
     */
    String sluiceSend(Path log, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/sluice-send").toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("sluice-send " + args + " did not finish within 120 s: " + Files.readString(log));
            }
            String said = Files.readString(log);
            if (p.exitValue() != 0) {
                throw new AssertionError("sluice-send " + args + " exited with " + p.exitValue() + ": " + said);
            }
            return said;
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Sends {@code count} numbered messages ("event N", from {@code from}) over RELP with
     * bin/sluice-send; returns once every one is answered 200 (durable in Sluice).
     */
    void sendNumbered(Path work, int port, int from, int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            lines.add("<13>1 2026-12-03T10:00:00Z host app - - - event " + i);
        }
        Path input = Files.write(work.resolve("send" + from + ".txt"), lines, StandardCharsets.UTF_8);
        sluiceSend(work.resolve("send" + from + ".log"), List.of("-P", Integer.toString(port), "-f", input.toString()));
    }

    /** Sets {@code key = value} in a .cfg file, replacing the line that sets it. */
    /** Adds a feature to those Karaf installs at boot, as a user editing etc/org.apache.karaf.features.cfg does. */
    void bootFeature(String feature) throws IOException {
        Path features = home.resolve("etc/org.apache.karaf.features.cfg");
        String boot = Files.readString(features).replaceFirst("(?m)^(\\s*)(wrap/[0-9.]+)\\s*$",
                "$1$2, \\\\\n$1" + feature);
        Files.writeString(features, boot);
    }

    void setProperty(String cfg, String key, String value) throws IOException {
        Path file = home.resolve(cfg);
        List<String> out = new ArrayList<>();
        boolean found = false;
        Pattern p = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*$");
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (p.matcher(line).matches()) {
                out.add(key + " = " + value);
                found = true;
            } else {
                out.add(line);
            }
        }
        if (!found) {
            out.add(key + " = " + value);
        }
        Files.write(file, out, StandardCharsets.UTF_8);
    }

    /** Starts {@code bin/karaf server} and waits until {@code port} accepts connections. */
    void start(int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_MAX_MEM", "512m");
        script = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!script.isAlive()) {
                throw new IllegalStateException("Karaf exited with " + script.exitValue() + "; see " + home
                        + "/console.log");
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                script.waitFor(200, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("Karaf did not open port " + port + " within 90 s; see " + home + "/data/log");
    }

    /** The JVM that bin/karaf started (a child of the script). */
    Optional<ProcessHandle> jvm() {
        return script == null ? Optional.empty()
                : script.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                        .findFirst();
    }

    /** SIGKILL to the Karaf JVM, then to the script: no shutdown hook, no flush, like a power cut of the process. */
    void kill() throws InterruptedException {
        Optional<ProcessHandle> java = jvm();
        java.ifPresent(ProcessHandle::destroyForcibly);
        java.ifPresent(j -> j.onExit().join());
        if (script != null) {
            script.destroyForcibly();
            script.waitFor(30, TimeUnit.SECONDS);
        }
        script = null;
    }

    @Override
    public void close() throws InterruptedException {
        if (script != null) {
            kill();
        }
    }

    String log() throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The karaf.log lines matching {@code regex}. */
    java.util.List<String> logLinesMatching(String regex) throws IOException {
        Pattern p = Pattern.compile(regex);
        return log().lines().filter(l -> p.matcher(l).find()).collect(java.util.stream.Collectors.toList());
    }

    /** Counts of "pattern" lines in karaf.log, e.g. warnings of journal recovery. */
    long logLines(String regex) throws IOException {
        Matcher m = Pattern.compile(regex).matcher(log());
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed: "
                        + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            p.destroyForcibly();
        }
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
