package io.sluice.syslog;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.sluice.api.bus.EventBus;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import io.sluice.syslog.frame.Framing;
import io.sluice.syslog.ingest.Clients;
import io.sluice.syslog.ingest.Ingest;
import io.sluice.syslog.relp.codec.RelpFrameDecoder;
import io.sluice.syslog.relp.RelpOptions;
import io.sluice.syslog.relp.RelpSessionHandler;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A RELP listener: one per factory configuration {@code etc/io.sluice.syslog.relp-NAME.cfg}. Answers
 * {@code 200 OK} to a message only once it is durable in the bus; see docs/protocols.md for the
 * protocol as Sluice speaks it, including the {@code lz4} extension.
 */
@Component(service = {Receiver.class, SluiceComponent.class}, property = SluiceComponent.STOPPABLE_PROPERTY + ":Boolean=true", configurationPid = "io.sluice.syslog.relp",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = RelpListener.Config.class, factory = true)
public class RelpListener extends Listener {

    @ObjectClassDefinition(name = "Sluice RELP listener",
            description = "Receives syslog over RELP (as rsyslog's omrelp sends it), acknowledging durable events only.")
    public @interface Config {
        @AttributeDefinition(description = "Name in sluice:status and the client list; empty: relp-<configuration name>.")
        String name() default "";

        @AttributeDefinition(description = "false stops the listener (its socket closed) while keeping its "
                + "configuration; the web page and console set it to stop and start it.")
        boolean enabled() default true;

        @AttributeDefinition(description = "Address to listen on; 0.0.0.0 or :: for every interface.")
        String bindAddress() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port.", min = "1", max = "65535")
        int port() default 2514;

        @AttributeDefinition(description = "Message format: auto, rfc5424, rfc3164, json (or a plugin's).")
        String format() default "auto";

        @AttributeDefinition(description = "Largest DATALEN of a frame, in bytes; a larger frame ends the session "
                + "with a 500 answer.", min = "1")
        int maxDataBytes() default 131072;

        @AttributeDefinition(description = "Frames a session may have unanswered; reading from it pauses beyond.",
                min = "1")
        int window() default 128;

        @AttributeDefinition(description = "When the bus cannot store events (the RabbitMQ broker and the Redis rescue "
                + "queue both down) for this many milliseconds, answer the frames waiting, and new ones, 500 with the "
                + "reason, until it can again: the sender keeps them and sends them again. A full journal never "
                + "causes this (senders are held back instead). 0: never, sessions hold their frames.", min = "0")
        long refuseWhenUnavailableMillis() default 10_000;

        @AttributeDefinition(description = "Take the lz4 command (a group of messages in one LZ4 block).")
        boolean lz4() default true;

        @AttributeDefinition(description = "Largest uncompressed lz4 group, in bytes.", min = "1")
        int maxLz4Bytes() default 4 << 20;

        @AttributeDefinition(description = "Largest uncompressed/compressed ratio of an lz4 group: a higher one "
                + "is refused as a decompression bomb.", min = "1")
        int maxLz4Ratio() default 100;

        @AttributeDefinition(description = "Connections accepted at once; more are closed at once and counted.", min = "1")
        int maxConnections() default 1024;

        @AttributeDefinition(description = "Close a session silent for this many seconds; 0: never.", min = "0")
        int idleTimeoutSeconds() default 0;

        @AttributeDefinition(description = "Read at most this many bytes per second per connection; 0: no limit.",
                min = "0")
        long maxReadBytesPerSecond() default 0;

        @AttributeDefinition(description = "Largest batch published to the bus at once, in events.", min = "1")
        int maxBatchEvents() default 2000;

        @AttributeDefinition(description = "Events a session may hold before they are durable; beyond, reading "
                + "from it pauses.", min = "1")
        int maxPendingEvents() default 10000;

        @AttributeDefinition(description = "Events all sessions of the listener together may hold before they "
                + "are durable.", min = "1")
        int maxListenerPendingEvents() default 50000;

        @AttributeDefinition(description = "Socket receive buffer, in bytes; 0: the system default.", min = "0")
        int receiveBufferBytes() default 0;

        @AttributeDefinition(description = "Serve TLS on this port (Netty SslHandler, JDK provider).")
        boolean tls() default false;

        @AttributeDefinition(description = "Server certificate chain, PEM, leaf first; relative to etc/.")
        String tlsCertificate() default "sluice/tls/server.crt";

        @AttributeDefinition(description = "Server private key, PEM PKCS#8; relative to etc/.")
        String tlsKey() default "sluice/tls/server.key";

        @AttributeDefinition(description = "Password of an encrypted key; empty for none.", type = AttributeType.PASSWORD)
        String tlsKeyPassword() default "";

        @AttributeDefinition(description = "Client certificates: none, optional or required.")
        String tlsClientAuth() default "none";

        @AttributeDefinition(description = "CA certificates (PEM) that client certificates must chain to; relative to "
                + "etc/; empty: the JDK's trusted CAs.")
        String tlsCaCertificates() default "";

        @AttributeDefinition(description = "Client certificates permitted (comma-separated): SHA256:<fingerprint> or "
                + "host names, *.domain for one leftmost label; empty: any the CA trusts. Needs tlsClientAuth = required.")
        String tlsPermittedPeers() default "";

        @AttributeDefinition(description = "TLS versions taken, comma-separated: TLSv1.3, TLSv1.2.")
        String tlsProtocols() default "TLSv1.3,TLSv1.2";

        @AttributeDefinition(description = "Cipher suites taken, comma-separated (JSSE names); empty: the JDK's defaults.")
        String tlsCiphers() default "";

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

    private final String software;
    private volatile RelpOptions options;

    @Activate
    public RelpListener(@Reference(policyOption = ReferencePolicyOption.GREEDY) EventBus bus, @Reference Transports transports, BundleContext context,
            Config config, Map<String, Object> props) {
        this(bus, transports, new ServiceParsers(context), context.getBundle().getVersion().toString(), config, props);
    }

    RelpListener(EventBus bus, Transports transports, ParserSource parsers, String version, Config config,
            Map<String, Object> props) {
        super(bus, transports, parsers, "relp");
        this.software = "sluice," + version;
        start(() -> settings(config, props), nameOf(config.name(), "relp", props, config.port()), config.enabled());
    }

    @Modified
    void modified(Config config, Map<String, Object> props) {
        modify(() -> settings(config, props), nameOf(config.name(), "relp", props, config.port()), config.enabled());
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    private Settings settings(Config c, Map<String, Object> props) {
        options = new RelpOptions(c.maxDataBytes(), c.window(), c.lz4(), c.maxLz4Bytes(), c.maxLz4Ratio(), software,
                c.refuseWhenUnavailableMillis());
        return new Settings(nameOf(c.name(), "relp", props, c.port()), c.bindAddress().strip(), c.port(), null,
                c.format().strip(), Framing.AUTO, c.maxDataBytes(), c.maxConnections(), c.idleTimeoutSeconds(),
                c.maxReadBytesPerSecond(), c.maxBatchEvents(), c.maxPendingEvents(), c.maxListenerPendingEvents(),
                c.receiveBufferBytes(), null,
                c.tls() ? tlsSettings(c.tlsCertificate(), c.tlsKey(), c.tlsKeyPassword(), c.tlsClientAuth(),
                        c.tlsCaCertificates(), c.tlsPermittedPeers(), c.tlsProtocols(), c.tlsCiphers()) : null).withPacking(packing(c)).withStream(c.stream().strip());
    }

    private static io.sluice.syslog.ingest.Packing packing(Config c) {
        return io.sluice.syslog.ingest.Packing.of(c.packer(), c.packerWindowMillis(), c.packerMaxAgeMillis(),
                c.packerStartFormats(), c.packerMaxLines(), c.packerMaxBytes());
    }

    @Override
    protected void addStreamHandlers(Channel ch, Settings s, Ingest ingest, Clients clients) {
        RelpOptions o = options;
        ch.pipeline().addLast("relp-framing", new RelpFrameDecoder(o.maxDataBytes()));
        ch.pipeline().addLast("relp", new RelpSessionHandler(ingest, clients, clientProtocol(s), o, s.maxBatchEvents(),
                s.maxPendingEvents()));
    }

    @Override
    protected ChannelFuture open(Settings s) {
        return bindTcp(s);
    }

    @Override
    protected String where(Settings s) {
        return hostPort(s);
    }
}
