package io.sluice.syslog;

import io.netty.channel.ChannelFuture;
import io.sluice.api.bus.EventBus;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import io.sluice.syslog.frame.Framing;
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
 * A syslog listener over TCP: one per factory configuration {@code etc/io.sluice.syslog.tcp-NAME.cfg}.
 * Frames per RFC 6587 (octet-counted or LF, detected per frame); stops reading from a sender while
 * the bus cannot take more.
 */
@Component(service = {Receiver.class, SluiceComponent.class}, property = SluiceComponent.STOPPABLE_PROPERTY + ":Boolean=true", configurationPid = "io.sluice.syslog.tcp",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = TcpListener.Config.class, factory = true)
public class TcpListener extends Listener {

    @ObjectClassDefinition(name = "Sluice syslog TCP listener", description = "Receives syslog over TCP (RFC 6587).")
    public @interface Config {
        @AttributeDefinition(description = "Name in sluice:status and the client list; empty: tcp-<configuration name>.")
        String name() default "";

        @AttributeDefinition(description = "false stops the listener (its socket closed) while keeping its "
                + "configuration; the web page and console set it to stop and start it.")
        boolean enabled() default true;

        @AttributeDefinition(description = "Address to listen on; 0.0.0.0 or :: for every interface.")
        String bindAddress() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port.", min = "1", max = "65535")
        int port() default 5514;

        @AttributeDefinition(description = "Message format: auto, rfc5424, rfc3164, json (or a plugin's).")
        String format() default "auto";

        @AttributeDefinition(description = "Framing: auto (per frame: octet-counted if it starts with a digit, "
                + "else LF), octet-counted, lf.")
        String framing() default "auto";

        @AttributeDefinition(description = "Largest message, in bytes; longer frames are skipped and counted.", min = "1")
        int maxFrameBytes() default 65536;

        @AttributeDefinition(description = "Connections accepted at once; more are closed at once and counted.", min = "1")
        int maxConnections() default 1024;

        @AttributeDefinition(description = "Close a connection silent for this many seconds; 0: never.", min = "0")
        int idleTimeoutSeconds() default 0;

        @AttributeDefinition(description = "Read at most this many bytes per second per connection; 0: no limit.",
                min = "0")
        long maxReadBytesPerSecond() default 0;

        @AttributeDefinition(description = "Largest batch published to the bus at once, in events.", min = "1")
        int maxBatchEvents() default 2000;

        @AttributeDefinition(description = "Events a connection may hold before they are durable; beyond, reading "
                + "from it pauses.", min = "1")
        int maxPendingEvents() default 10000;

        @AttributeDefinition(description = "Events all connections of the listener together may hold before they "
                + "are durable: bounds the memory a flood from many senders can take (about 1 KB per event).",
                min = "1")
        int maxListenerPendingEvents() default 50000;

        @AttributeDefinition(description = "Socket receive buffer, in bytes; 0: the system default.", min = "0")
        int receiveBufferBytes() default 0;

        @AttributeDefinition(description = "After a read of at least readCoalesceBytes from a connection, wait this "
                + "many microseconds before reading it again, so that a busy sender's data is taken in fewer, larger "
                + "reads (fewer wake-ups and context switches for both sides); adds at most this much latency, and "
                + "only under load. 0: read as soon as data arrives. Not used with maxReadBytesPerSecond.",
                min = "0", max = "100000")
        long readCoalesceMicros() default 1000;

        @AttributeDefinition(description = "The smallest read burst, in bytes, that readCoalesceMicros follows.",
                min = "1")
        int readCoalesceBytes() default 4096;

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

    @Activate
    public TcpListener(@Reference(policyOption = ReferencePolicyOption.GREEDY) EventBus bus, @Reference Transports transports, BundleContext context, Config config,
            Map<String, Object> props) {
        this(bus, transports, new ServiceParsers(context), config, props);
    }

    TcpListener(EventBus bus, Transports transports, ParserSource parsers, Config config, Map<String, Object> props) {
        super(bus, transports, parsers, "tcp");
        start(() -> settings(config, props), nameOf(config.name(), "tcp", props, config.port()), config.enabled());
    }

    @Modified
    void modified(Config config, Map<String, Object> props) {
        modify(() -> settings(config, props), nameOf(config.name(), "tcp", props, config.port()), config.enabled());
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    static Settings settings(Config c, Map<String, Object> props) {
        return new Settings(nameOf(c.name(), "tcp", props, c.port()), c.bindAddress().strip(), c.port(), null,
                c.format().strip(), Framing.parse(c.framing()), c.maxFrameBytes(), c.maxConnections(),
                c.idleTimeoutSeconds(), c.maxReadBytesPerSecond(), c.maxBatchEvents(), c.maxPendingEvents(),
                c.maxListenerPendingEvents(), c.receiveBufferBytes(), null,
                c.tls() ? tlsSettings(c.tlsCertificate(), c.tlsKey(), c.tlsKeyPassword(), c.tlsClientAuth(),
                        c.tlsCaCertificates(), c.tlsPermittedPeers(), c.tlsProtocols(), c.tlsCiphers()) : null).withPacking(packing(c)).withStream(c.stream().strip())
                .withReadCoalescing(c.readCoalesceMicros(), c.readCoalesceBytes());
    }

    private static io.sluice.syslog.ingest.Packing packing(Config c) {
        return io.sluice.syslog.ingest.Packing.of(c.packer(), c.packerWindowMillis(), c.packerMaxAgeMillis(),
                c.packerStartFormats(), c.packerMaxLines(), c.packerMaxBytes());
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
