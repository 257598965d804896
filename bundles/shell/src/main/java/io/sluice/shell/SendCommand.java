package io.sluice.shell;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.sluice.client.SendTool;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "sluice", name = "send", description = "Sends syslog messages (a message, or each line of a file) "
        + "to a listener, for testing. A message without <PRI> gets an RFC 5424 header (user.notice).")
@Service
public class SendCommand implements Action {

    @Argument(index = 0, name = "message", description = "The message (omit with --file)", required = false)
    String message;

    @Option(name = "-f", aliases = "--file", description = "Send each line of this file")
    String file;

    @Option(name = "-p", aliases = "--protocol", description = "tcp, relp (waits until every message is answered "
            + "200), udp, unix (stream) or unix-dgram")
    String protocol = "tcp";

    @Option(name = "--tls", description = "tcp and relp: use TLS")
    boolean tls;

    @Option(name = "--ca", description = "TLS: CA certificates (PEM) to trust; default: the JDK's")
    String ca;

    @Option(name = "--cert", description = "TLS: client certificate (PEM)")
    String cert;

    @Option(name = "--key", description = "TLS: client key (PEM PKCS#8)")
    String key;

    @Option(name = "--server-name", description = "TLS: name the server certificate must carry; default: the host")
    String serverName;

    @Option(name = "-z", aliases = "--lz4", description = "relp: send lz4 groups when the server agrees")
    boolean lz4;

    @Option(name = "-h", aliases = "--host", description = "Host of the listener")
    String host = "127.0.0.1";

    @Option(name = "-P", aliases = "--port", description = "Port of the listener")
    int port = 5514;

    @Option(name = "-u", aliases = "--path", description = "Socket path, for the unix protocols")
    String path;

    @Option(name = "--lf", description = "TCP: end frames with LF instead of octet counting (RFC 6587)")
    boolean lf;

    @Option(name = "-c", aliases = "--count", description = "Send the message(s) this many times")
    int count = 1;

    @Override
    public Object execute() throws Exception {
        List<String> messages = new ArrayList<>();
        if (file != null) {
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                if (!line.isEmpty()) {
                    messages.add(withHeader(line));
                }
            }
        } else if (message != null) {
            messages.add(withHeader(message));
        } else {
            System.err.println("Give a message or --file");
            return null;
        }
        long sent = 0;
        if (protocol.equals("relp") || (protocol.equals("tcp") && tls)) {
            List<String> args = new ArrayList<>(List.of("--host", host, "--protocol", protocol, "--count",
                    String.valueOf(count)));
            if (port != 5514 || protocol.equals("tcp")) {
                args.addAll(List.of("--port", String.valueOf(port)));
            }
            if (tls) {
                args.add("--tls");
                addIf(args, "--ca", ca);
                addIf(args, "--cert", cert);
                addIf(args, "--key", key);
                addIf(args, "--server-name", serverName);
            }
            if (lz4) {
                args.add("--lz4");
            }
            if (lf) {
                args.add("--lf");
            }
            if (file != null) {
                args.addAll(List.of("--file", file));
            } else {
                args.add(message);
            }
            SendTool.run(args.toArray(String[]::new), System.out, System.err);
            return null;
        }
        switch (protocol) {
            case "tcp":
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port), 5_000);
                    sent = stream(s.getOutputStream(), messages);
                }
                break;
            case "unix":
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(requirePath()));
                    sent = stream(Channels.newOutputStream(ch), messages);
                }
                break;
            case "udp":
                try (DatagramSocket s = new DatagramSocket()) {
                    InetSocketAddress to = new InetSocketAddress(host, port);
                    for (int i = 0; i < count; i++) {
                        for (String m : messages) {
                            byte[] b = m.getBytes(StandardCharsets.UTF_8);
                            s.send(new DatagramPacket(b, b.length, to));
                            sent++;
                        }
                    }
                }
                break;
            case "unix-dgram":
                // Java has no Unix datagram sockets; the stream path is the portable alternative.
                System.err.println("unix-dgram: not supported by the JDK; use 'logger --socket' or --protocol unix");
                return null;
            default:
                System.err.println("Unknown protocol '" + protocol + "': tcp, relp, udp, unix");
                return null;
        }
        System.out.println("Sent " + sent + " message(s) over " + protocol);
        return null;
    }

    private long stream(OutputStream raw, List<String> messages) throws IOException {
        long sent = 0;
        try (OutputStream out = new java.io.BufferedOutputStream(raw)) {
            for (int i = 0; i < count; i++) {
                for (String m : messages) {
                    byte[] b = m.getBytes(StandardCharsets.UTF_8);
                    if (lf) {
                        out.write(b);
                        out.write('\n');
                    } else {
                        out.write((b.length + " ").getBytes(StandardCharsets.US_ASCII));
                        out.write(b);
                    }
                    sent++;
                }
            }
        }
        return sent;
    }

    private String requirePath() {
        if (path == null) {
            throw new IllegalArgumentException("--path is required for the unix protocols");
        }
        return path;
    }

    static String withHeader(String m) {
        return SendTool.withHeader(m);
    }

    private static void addIf(List<String> args, String option, String value) {
        if (value != null) {
            args.addAll(List.of(option, value));
        }
    }
}
