package io.sluice.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends messages or the lines of a file to a syslog server, over RELP (waiting for every answer)
 * or TCP/TLS: what {@code sluice:send} and the distribution's {@code bin/sluice-send} run.
 */
public final class SendTool {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    private SendTool() {
    }

    /** A message starting with {@code <} is sent as it is; others get an RFC 5424 header (user.notice). */
    public static String withHeader(String m) {
        if (m.startsWith("<")) {
            return m;
        }
        String hostname;
        try {
            hostname = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            hostname = "-";
        }
        return "<13>1 " + OffsetDateTime.now().format(TIMESTAMP) + " " + hostname + " sluice-send - - - " + m;
    }

    /** A client TLS context: trust {@code ca} (null: the JDK's CAs), present {@code cert}/{@code key} if given. */
    public static SslContext tls(Path ca, Path cert, Path key) throws IOException {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (ca != null) {
            b.trustManager(ca.toFile());
        }
        if (cert != null) {
            b.keyManager(cert.toFile(), key.toFile());
        }
        return b.build();
    }

    /** Sends over RELP and waits (up to {@code timeout}) until every message was answered 200. */
    public static void relp(ClientOptions o, List<byte[]> messages, Duration timeout) throws Exception {
        try (RelpClient c = new RelpClient(o)) {
            c.send(messages).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Sends over TCP or TLS; returns once everything is written to the socket. */
    public static void tcp(ClientOptions o, SyslogClient.Framing framing, List<byte[]> messages, Duration timeout)
            throws Exception {
        try (SyslogClient c = new SyslogClient(o, framing)) {
            c.send(messages).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** {@code bin/sluice-send}: see {@link #usage(PrintStream)}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static void usage(PrintStream out) {
        out.println("usage: sluice-send [options] [message...]");
        out.println("  -H, --host HOST        server (default 127.0.0.1)");
        out.println("  -P, --port PORT        port (default 2514 for relp, 5514 for tcp)");
        out.println("  -p, --protocol P       relp (default: every message answered 200 before exit) or tcp");
        out.println("  -f, --file FILE        send each line of FILE");
        out.println("  -c, --count N          send everything N times (default 1)");
        out.println("  -z, --lz4              relp: send lz4 groups when the server agrees");
        out.println("  -w, --window N         relp: frames in flight, unanswered (default 128, librelp's)");
        out.println("      --lf               tcp: LF framing instead of octet counting");
        out.println("      --tls              use TLS;  --ca FILE  --cert FILE --key FILE  --server-name NAME");
        out.println("  -t, --timeout SECONDS  give up after this long (default 60)");
        out.println("A message without <PRI> gets an RFC 5424 header (user.notice, app sluice-send).");
    }

    /** Runs with these arguments, printing to out and err; returns the exit code (0 sent, 1 failed, 2 usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String host = "127.0.0.1";
        String protocol = "relp";
        Integer port = null;
        String file = null;
        int count = 1;
        boolean lz4 = false;
        int window = 128;
        boolean lf = false;
        boolean useTls = false;
        Path ca = null;
        Path cert = null;
        Path key = null;
        String serverName = null;
        long timeout = 60;
        List<String> texts = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-H", "--host" -> host = args[++i];
                    case "-P", "--port" -> port = Integer.parseInt(args[++i]);
                    case "-p", "--protocol" -> protocol = args[++i];
                    case "-f", "--file" -> file = args[++i];
                    case "-c", "--count" -> count = Integer.parseInt(args[++i]);
                    case "-z", "--lz4" -> lz4 = true;
                    case "-w", "--window" -> window = Integer.parseInt(args[++i]);
                    case "--lf" -> lf = true;
                    case "--tls" -> useTls = true;
                    case "--ca" -> ca = Path.of(args[++i]);
                    case "--cert" -> cert = Path.of(args[++i]);
                    case "--key" -> key = Path.of(args[++i]);
                    case "--server-name" -> serverName = args[++i];
                    case "-t", "--timeout" -> timeout = Long.parseLong(args[++i]);
                    case "-h", "--help" -> {
                        usage(out);
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("-")) {
                            err.println("unknown option " + a);
                            usage(err);
                            return 2;
                        }
                        texts.add(a);
                    }
                }
            }
            List<String> lines = new ArrayList<>();
            if (file != null) {
                for (String l : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                    if (!l.isEmpty()) {
                        lines.add(withHeader(l));
                    }
                }
            }
            if (!texts.isEmpty()) {
                lines.add(withHeader(String.join(" ", texts)));
            }
            if (lines.isEmpty()) {
                err.println("nothing to send: give a message or --file");
                return 2;
            }
            List<byte[]> messages = new ArrayList<>(lines.size() * count);
            for (int n = 0; n < count; n++) {
                for (String l : lines) {
                    messages.add(l.getBytes(StandardCharsets.UTF_8));
                }
            }
            boolean relp = protocol.equals("relp");
            if (!relp && !protocol.equals("tcp")) {
                err.println("protocol must be relp or tcp");
                return 2;
            }
            ClientOptions o = ClientOptions.of(host, port != null ? port : relp ? 2514 : 5514).withLz4(lz4).withWindow(window)
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(Math.max(5, timeout)), Duration.ofSeconds(2));
            if (useTls) {
                o = o.withTls(tls(ca, cert, key), serverName);
            }
            if (relp) {
                relp(o, messages, Duration.ofSeconds(timeout));
                out.println("sent " + messages.size() + " message(s) over relp" + (useTls ? "+tls" : "")
                        + " to " + host + ":" + o.port() + ", every one answered 200");
            } else {
                tcp(o, lf ? SyslogClient.Framing.LF : SyslogClient.Framing.OCTET_COUNTED, messages,
                        Duration.ofSeconds(timeout));
                out.println("sent " + messages.size() + " message(s) over tcp" + (useTls ? "+tls" : "") + " to "
                        + host + ":" + o.port() + " (written; plain syslog has no acknowledgement)");
            }
            return 0;
        } catch (java.util.concurrent.TimeoutException e) {
            err.println("not every message was answered within " + timeout + " s (is the server up?)");
            return 1;
        } catch (Exception e) {
            Throwable c = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            err.println("failed: " + c.getMessage());
            return 1;
        }
    }
}
