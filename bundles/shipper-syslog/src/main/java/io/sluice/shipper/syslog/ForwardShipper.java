package io.sluice.shipper.syslog;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.sluice.api.Event;
import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterFactory;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.codec.ParserFactory;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.EventShipper;
import io.sluice.api.component.SluiceComponent;
import io.sluice.client.ClientOptions;
import io.sluice.client.RelpClient;
import io.sluice.client.SyslogClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards events to a remote syslog server: over RELP (a batch completes only once the remote
 * peer answered {@code 200} to every message of it), or over plain TCP or TLS (a batch completes
 * once written and flushed to the socket: plain syslog has no acknowledgement, so what was in
 * flight when a connection breaks can be lost — use RELP where that matters). One per factory
 * configuration {@code etc/io.sluice.shipper.syslog-NAME.cfg}.
 */
@Component(service = {EventShipper.class, SluiceComponent.class}, property = SluiceComponent.STOPPABLE_PROPERTY + ":Boolean=true", configurationPid = "io.sluice.shipper.syslog",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = ForwardShipper.Config.class, factory = true)
public class ForwardShipper implements EventShipper {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardShipper.class);

    @ObjectClassDefinition(name = "Sluice syslog forwarding shipper",
            description = "Ships events to a remote syslog server over RELP, TCP or TLS.")
    public @interface Config {
        @AttributeDefinition(description = "Name in sluice:status; also the consumer group on the events stream. "
                + "Empty: forward-<configuration name>.")
        String name() default "";

        @AttributeDefinition(description = "false stops the shipper (it takes no events; they wait in its stream) "
                + "while keeping its configuration; the web page and console set it to stop and start it.")
        boolean enabled() default true;

        @AttributeDefinition(description = "The stream consumed: events (every filtered event), or a stream the "
                + "router filter sends events to.")
        String stream() default "events";

        @AttributeDefinition(description = "Remote host.")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "Remote port.", min = "1", max = "65535")
        int port() default 2514;

        @AttributeDefinition(description = "relp (acknowledged per message) or tcp (RFC 6587; RFC 5425 with tls).")
        String protocol() default "relp";

        @AttributeDefinition(description = "Output format: rfc5424, rfc3164, json, rsyslog-file or template.")
        String format() default "rfc5424";

        @AttributeDefinition(description = "The template, for format = template.")
        String template() default "";

        @AttributeDefinition(description = "tcp: octet-counted or lf.")
        String framing() default "octet-counted";

        @AttributeDefinition(description = "RELP: frames sent and not yet answered, at most.", min = "1")
        int window() default 1024;

        @AttributeDefinition(description = "RELP: send batches as lz4 groups when the server agrees (Sluice does).")
        boolean lz4() default false;

        @AttributeDefinition(description = "Use TLS.")
        boolean tls() default false;

        @AttributeDefinition(description = "CA certificates (PEM) the server's certificate must chain to; relative "
                + "to etc/; empty: the JDK's trusted CAs.")
        String tlsCaCertificates() default "";

        @AttributeDefinition(description = "Client certificate chain (PEM) to present; relative to etc/; empty: none.")
        String tlsCertificate() default "";

        @AttributeDefinition(description = "Its private key (PEM PKCS#8); relative to etc/.")
        String tlsKey() default "";

        @AttributeDefinition(description = "Password of an encrypted key.", type = AttributeType.PASSWORD)
        String tlsKeyPassword() default "";

        @AttributeDefinition(description = "Name the server's certificate must carry; empty: host.")
        String tlsServerName() default "";

        @AttributeDefinition(description = "TLS versions, comma-separated.")
        String tlsProtocols() default "TLSv1.3,TLSv1.2";

        @AttributeDefinition(description = "Events per batch.", min = "1")
        int batchSize() default 1000;

        @AttributeDefinition(description = "Batches sent and not yet confirmed at once.", min = "1")
        int maxInFlightBatches() default 4;
    }

    private final String name;
    private final Config config;
    private final String format;
    private final FormatterOptions formatterOptions;
    private final Function<String, FormatterFactory> formatters;
    private final RelpClient relp;
    private final SyslogClient tcp;
    private final Counters counters = new Counters();
    private volatile String problem;

    /** Formatter factories registered by the codec bundle (or plugins), by format name. */
    private static final class Registry implements Function<String, FormatterFactory> {
        final Map<String, FormatterFactory> byFormat = new ConcurrentHashMap<>();

        @Override
        public FormatterFactory apply(String format) {
            return byFormat.get(format);
        }
    }

    private final Registry registry;

    @Activate
    public ForwardShipper(Config config, Map<String, Object> props) {
        this(config, props, null);
    }

    ForwardShipper(Config config, Map<String, Object> props, Function<String, FormatterFactory> formatters) {
        this.config = config;
        this.name = io.sluice.api.component.ComponentNames.of(config.name(), props, "forward");
        this.format = config.format().strip();
        this.formatterOptions = new FormatterOptions(config.template().isEmpty() ? null : config.template(),
                ZoneId.systemDefault());
        this.registry = formatters == null ? new Registry() : null;
        this.formatters = formatters == null ? registry : formatters;
        ClientOptions o = ClientOptions.of(config.host().strip(), config.port()).withWindow(config.window())
                .withLz4(config.lz4());
        if (config.tls()) {
            o = o.withTls(tlsContext(config), config.tlsServerName().isBlank() ? null : config.tlsServerName().strip());
        }
        switch (config.protocol().strip().toLowerCase(Locale.ROOT)) {
            case "relp" -> {
                relp = new RelpClient(o);
                tcp = null;
            }
            case "tcp" -> {
                relp = null;
                tcp = new SyslogClient(o, "lf".equalsIgnoreCase(config.framing().strip())
                        ? SyslogClient.Framing.LF : SyslogClient.Framing.OCTET_COUNTED);
            }
            default -> throw new IllegalArgumentException("protocol (" + config.protocol() + ") must be relp or tcp");
        }
        LOG.info("forwarding shipper {}: {} to {}:{}{} as {}", name, config.protocol(), config.host(), config.port(),
                config.tls() ? " (TLS)" : "", format);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addFormatter(FormatterFactory f, Map<String, Object> props) {
        if (registry != null) {
            registry.byFormat.put(String.valueOf(props.get(ParserFactory.FORMAT_PROPERTY)), f);
        }
    }

    void removeFormatter(FormatterFactory f, Map<String, Object> props) {
        if (registry != null) {
            registry.byFormat.remove(String.valueOf(props.get(ParserFactory.FORMAT_PROPERTY)), f);
        }
    }

    static SslContext tlsContext(Config c) {
        Path etc = Paths.get(System.getProperty("karaf.etc", "etc"));
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .protocols(c.tlsProtocols().split("\\s*,\\s*"));
            if (!c.tlsCaCertificates().isBlank()) {
                b.trustManager(etc.resolve(c.tlsCaCertificates().strip()).toFile());
            }
            if (!c.tlsCertificate().isBlank()) {
                b.keyManager(etc.resolve(c.tlsCertificate().strip()).toFile(), etc.resolve(c.tlsKey().strip()).toFile(),
                        c.tlsKeyPassword().isEmpty() ? null : c.tlsKeyPassword());
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<Void> ship(List<Event> events) {
        counters.received.add(events.size());
        FormatterFactory factory = formatters.apply(format);
        if (factory == null) {
            return failed(events.size(), new IOException("no formatter for format '" + format
                    + "' (feature sluice-codec, or a plugin)"));
        }
        EventFormatter formatter;
        try {
            formatter = factory.create(formatterOptions);
        } catch (RuntimeException e) {
            return failed(events.size(), e);
        }
        List<byte[]> messages = new ArrayList<>(events.size());
        StringBuilder sb = new StringBuilder(512);
        long bytes = 0;
        for (Event e : events) {
            sb.setLength(0);
            formatter.format(e, sb);
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            bytes += b.length;
            messages.add(b);
        }
        counters.published.add(events.size());
        counters.bytes.add(bytes);
        counters.queued.addAndGet(events.size());
        CompletableFuture<Void> sent = relp != null ? relp.send(messages) : tcp.send(messages);
        return sent.handle((ok, error) -> {
            counters.queued.addAndGet(-events.size());
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                counters.failed.add(events.size());
                if (problem == null) {
                    LOG.error("forwarding shipper {}: {} (the batch waits in the bus and is sent again)", name, cause
                            .getMessage());
                }
                problem = cause.getMessage();
                throw new java.util.concurrent.CompletionException(cause);
            }
            counters.acked.add(events.size());
            if (problem != null) {
                LOG.info("forwarding shipper {}: delivering again", name);
                problem = null;
            }
            return null;
        });
    }

    private CompletionStage<Void> failed(int events, Exception e) {
        counters.failed.add(events);
        problem = e.getMessage();
        return CompletableFuture.failedFuture(e);
    }

    @Override
    public int maxBatch() {
        return config.batchSize();
    }

    @Override
    public int maxInFlight() {
        return config.maxInFlightBatches();
    }

    @Deactivate
    void deactivate() {
        if (relp != null) {
            relp.close(Duration.ofSeconds(5));
        }
        if (tcp != null) {
            tcp.close();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String stream() {
        return config.stream();
    }

    @Override
    public ComponentState state() {
        if (!config.enabled()) {
            return ComponentState.STOPPED;
        }
        if (problem != null || (relp != null && !relp.connected() && counters.queued.get() > 0)) {
            return ComponentState.DEGRADED;
        }
        return ComponentState.RUNNING;
    }

    @Override
    public String stateDetail() {
        if (!config.enabled()) {
            return "stopped (enabled = false in its configuration): its events wait in stream " + stream();
        }
        String base = config.protocol() + (config.tls() ? "+tls" : "") + " to " + config.host() + ":" + config.port()
                + " as " + format;
        if (relp != null) {
            base += relp.connected() ? "; session open" : "; connecting";
        }
        String p = problem;
        return p == null ? base : base + "; failing: " + p + " (retrying; events wait in the bus)";
    }

    @Override
    public Counters counters() {
        return counters;
    }
}
