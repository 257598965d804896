package io.sluice.syslog;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketAddress;
import io.sluice.api.bus.EventBus;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import io.sluice.syslog.frame.Framing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A syslog listener on a Unix domain socket, datagram (like {@code /dev/log}) or stream: one per
 * factory configuration {@code etc/io.sluice.syslog.unix-NAME.cfg}. A stale socket file left by a
 * crash is replaced; any other file at the path is left alone and the listener reports it.
 */
@Component(service = {Receiver.class, SluiceComponent.class}, property = SluiceComponent.STOPPABLE_PROPERTY + ":Boolean=true", configurationPid = "io.sluice.syslog.unix",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = UnixListener.Config.class, factory = true)
public class UnixListener extends Listener {
    private static final Logger LOG = LoggerFactory.getLogger(UnixListener.class);

    @ObjectClassDefinition(name = "Sluice syslog Unix socket listener",
            description = "Receives syslog on a Unix domain socket.")
    public @interface Config {
        @AttributeDefinition(description = "Name in sluice:status and the client list; empty: unix-<configuration name>.")
        String name() default "";

        @AttributeDefinition(description = "false stops the listener (its socket closed) while keeping its "
                + "configuration; the web page and console set it to stop and start it.")
        boolean enabled() default true;

        @AttributeDefinition(description = "Path of the socket file; empty: ${karaf.data}/sluice/<name>.sock.")
        String path() default "";

        @AttributeDefinition(description = "datagram (one message per datagram, like /dev/log) or stream "
                + "(RFC 6587 framing, like TCP).")
        String socketType() default "datagram";

        @AttributeDefinition(description = "Permissions of the socket file, in octal.")
        String socketMode() default "0666";

        @AttributeDefinition(description = "Message format: auto, rfc5424, rfc3164, json (or a plugin's).")
        String format() default "auto";

        @AttributeDefinition(description = "Stream sockets: framing auto, octet-counted or lf.")
        String framing() default "auto";

        @AttributeDefinition(description = "Largest message, in bytes.", min = "1")
        int maxFrameBytes() default 65536;

        @AttributeDefinition(description = "Stream sockets: connections accepted at once.", min = "1")
        int maxConnections() default 1024;

        @AttributeDefinition(description = "Largest batch published to the bus at once, in events.", min = "1")
        int maxBatchEvents() default 2000;

        @AttributeDefinition(description = "Events held before they are durable; beyond, stream connections pause "
                + "and datagrams are dropped and counted.", min = "1")
        int maxPendingEvents() default 10000;

        @AttributeDefinition(description = "Events all connections of the listener together may hold before they "
                + "are durable: bounds the memory a flood from many senders can take (about 1 KB per event).",
                min = "1")
        int maxListenerPendingEvents() default 50000;

        @AttributeDefinition(description = "Multi-line messages rebuilt from the lines of one source (host, app name, "
                + "process id): none; merge_by_time (a line within packerWindowMillis of the previous one joins it); "
                + "merge_by_format (a line matching one of packerStartFormats begins a message, the others join it). "
                + "A merged message carries the tag multiline.")
        String packer() default "none";

        @AttributeDefinition(description = "The stream the listener publishes to: ingest (filtered by the chain of "
                + "io.sluice.core.filter.cfg), or another input stream bound to its own chain there (bindings).")
        String stream() default "ingest";

        @AttributeDefinition(description = "merge_by_time: the longest pause between two lines of one message, in ms.",
                min = "1")
        long packerWindowMillis() default 1000;

        @AttributeDefinition(description = "A merged message is closed this long after its first line, in ms.", min = "1")
        long packerMaxAgeMillis() default 5000;

        @AttributeDefinition(description = "merge_by_format: regular expressions (Java) that the start of a message's "
                + "first line matches; in a .cfg file one, with | between alternatives.")
        String[] packerStartFormats() default {};

        @AttributeDefinition(description = "Most lines in one merged message.", min = "2")
        int packerMaxLines() default 500;

        @AttributeDefinition(description = "Most characters in one merged message.", min = "1")
        int packerMaxBytes() default 1048576;
    }


    @Activate
    public UnixListener(@Reference(policyOption = ReferencePolicyOption.GREEDY) EventBus bus, @Reference Transports transports, BundleContext context,
            Config config, Map<String, Object> props) {
        this(bus, transports, new ServiceParsers(context), config, props);
    }

    UnixListener(EventBus bus, Transports transports, ParserSource parsers, Config config, Map<String, Object> props) {
        super(bus, transports, parsers, protocolOrDatagram(config));
        start(() -> settings(config, props), nameOf(config.name(), "unix", props, 0), config.enabled());
    }

    @Modified
    void modified(Config config, Map<String, Object> props) {
        String wanted = protocolOrDatagram(config);
        if (!wanted.equals(protocol())) {
            restartAs(wanted, () -> settings(config, props), nameOf(config.name(), "unix", props, 0), config.enabled());
            return;
        }
        modify(() -> settings(config, props), nameOf(config.name(), "unix", props, 0), config.enabled());
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    /** The protocol for the component's lifetime; a bad socketType is reported by {@link #settings}. */
    private static String protocolOrDatagram(Config c) {
        try {
            return protocolOf(c);
        } catch (IllegalArgumentException e) {
            return "unix-dgram";
        }
    }

    private static String protocolOf(Config c) {
        switch (c.socketType().strip().toLowerCase(Locale.ROOT)) {
            case "stream":
                return "unix";
            case "datagram":
            case "dgram":
                return "unix-dgram";
            default:
                throw new IllegalArgumentException("socketType '" + c.socketType() + "' is not datagram or stream");
        }
    }

    static Settings settings(Config c, Map<String, Object> props) {
        String protocol = protocolOf(c);
        String name = nameOf(c.name(), "unix", props, 0);
        String path = c.path().isBlank()
                ? Paths.get(System.getProperty("karaf.data", "data"), "sluice", name + ".sock").toString()
                : c.path().strip();
        modeOf(c.socketMode());
        return new Settings(name, null, 0, path, c.format().strip(),
                protocol.equals("unix") ? Framing.parse(c.framing()) : Framing.AUTO, c.maxFrameBytes(),
                c.maxConnections(), 0, 0, c.maxBatchEvents(), c.maxPendingEvents(), c.maxListenerPendingEvents(), 0,
                c.socketMode().strip()).withPacking(packing(c)).withStream(c.stream().strip());
    }

    private static io.sluice.syslog.ingest.Packing packing(Config c) {
        return io.sluice.syslog.ingest.Packing.of(c.packer(), c.packerWindowMillis(), c.packerMaxAgeMillis(),
                c.packerStartFormats(), c.packerMaxLines(), c.packerMaxBytes());
    }

    @Override
    protected String unavailable() {
        return transports.unixUnavailable();
    }

    @Override
    protected ChannelFuture open(Settings s) throws IOException {
        Path path = Paths.get(s.path());
        prepare(path);
        DomainSocketAddress address = new DomainSocketAddress(path.toFile());
        ChannelFuture bound;
        if (protocol().equals("unix")) {
            bound = new ServerBootstrap()
                    .group(transports.group())
                    .channel(transports.serverDomainSocket())
                    .childHandler(streamPipeline())
                    .bind(address);
        } else {
            bound = new Bootstrap()
                    .group(transports.group())
                    .channel(transports.domainDatagram())
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(s.maxFrameBytes() + 1))
                    .handler(datagramHandler())
                    .bind(address);
        }
        return bound.addListener(f -> {
            if (f.isSuccess()) {
                try {
                    Files.setPosixFilePermissions(path, modeOf(s.socketMode()));
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.warn("listener {}: cannot set mode {} on {}: {}", s.name(), s.socketMode(), path, e.toString());
                }
            }
        });
    }

    /** Makes the parent directory, and removes a socket file a previous run left behind. */
    private static void prepare(Path path) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            boolean socket = !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(path);
            if (!socket) {
                throw new IOException(path + " exists and is not a socket; not replacing it");
            }
            Files.delete(path);
        }
    }

    @Override
    protected void closed(Settings s) {
        try {
            Files.deleteIfExists(Paths.get(s.path()));
        } catch (IOException e) {
            LOG.warn("listener {}: cannot remove socket file {}: {}", s.name(), s.path(), e.toString());
        }
    }

    @Override
    protected String where(Settings s) {
        return s.path();
    }

    /** Parses an octal mode such as {@code 0660}. */
    static Set<PosixFilePermission> modeOf(String octal) {
        int mode;
        try {
            mode = Integer.parseInt(octal.strip(), 8);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("socketMode '" + octal + "' is not an octal mode such as 0660");
        }
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("socketMode '" + octal + "' is not an octal mode such as 0660");
        }
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }
}
