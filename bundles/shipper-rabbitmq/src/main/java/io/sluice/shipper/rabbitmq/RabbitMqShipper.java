package io.sluice.shipper.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.sluice.api.Event;
import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterFactory;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.codec.ParserFactory;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.EventShipper;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to a RabbitMQ exchange for other systems to consume: one message per event,
 * persistent, in any output format, with a routing key made from the event. A batch completes only
 * once RabbitMQ has confirmed every message (publisher confirms) and none came back unroutable
 * ({@code mandatory}): an event no queue takes is not a success, and the batch waits (state
 * degraded, saying which key found no queue) until a queue is bound. Broker down: bounded back-off,
 * a new connection per attempt, nothing acknowledged. One per factory configuration
 * {@code etc/io.sluice.shipper.rabbitmq-NAME.cfg}.
 */
@Component(service = {EventShipper.class, SluiceComponent.class}, property = {SluiceComponent.STOPPABLE_PROPERTY + ":Boolean=true", SluiceComponent.SERVICE_PROPERTY + "=rabbitmq"}, configurationPid = "io.sluice.shipper.rabbitmq",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = RabbitMqShipper.Config.class, factory = true)
public class RabbitMqShipper implements EventShipper {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqShipper.class);

    @ObjectClassDefinition(name = "Sluice RabbitMQ shipper", description = "Publishes events to a RabbitMQ exchange.")
    public @interface Config {
        @AttributeDefinition(description = "Name in sluice:status; also the consumer group on its stream. Empty: "
                + "rabbitmq-<configuration name>.")
        String name() default "";

        @AttributeDefinition(description = "false stops the shipper (it takes no events; they wait in its stream) "
                + "while keeping its configuration; the web page and console set it to stop and start it.")
        boolean enabled() default true;

        @AttributeDefinition(description = "The stream consumed: events, or a stream the router filter feeds.")
        String stream() default "events";

        @AttributeDefinition(description = "Broker URI: amqp://user:password@host:port/vhost (amqps:// for TLS).",
                type = AttributeType.PASSWORD)
        String uri() default "amqp://guest:guest@127.0.0.1:5672/%2F";

        @AttributeDefinition(description = "Exchange the events are published to.")
        String exchange() default "sluice.events";

        @AttributeDefinition(description = "Its type, when the shipper declares it: topic, direct, fanout, headers.")
        String exchangeType() default "topic";

        @AttributeDefinition(description = "Declare the exchange (durable) at connect; false: it must exist.")
        boolean declareExchange() default true;

        @AttributeDefinition(description = "Routing key template: $HOST $APP_NAME $PROCID $MSGID $SEVERITY $FACILITY "
                + "$FIELD:name ($$ for a $); '.' '*' '#' and spaces in values become '_', a missing value '-'.")
        String routingKey() default "$HOST.$APP_NAME.$SEVERITY";

        @AttributeDefinition(description = "Message body format: json, rfc5424, rfc3164, rsyslog-file or template.")
        String format() default "json";

        @AttributeDefinition(description = "The template, for format = template.")
        String template() default "";

        @AttributeDefinition(description = "Events per batch (published, then confirmed together).", min = "1")
        int batchSize() default 1000;

        @AttributeDefinition(description = "Longest wait for the broker's confirms of a batch, in seconds.", min = "1")
        int confirmTimeoutSeconds() default 30;

        @AttributeDefinition(description = "Longest wait between two attempts while the broker fails, in ms.",
                min = "100")
        long maxBackoffMillis() default 5000;
    }

    private final Config config;
    private final String name;
    private final RoutingKey routingKey;
    private final Function<String, EventFormatter> formatters;
    private final Counters counters = new Counters();
    private final ExecutorService worker;
    private volatile EventFormatter formatter;
    private final BrokerLink link;
    private final AtomicReference<String> returned = new AtomicReference<>();
    private final AtomicInteger returns = new AtomicInteger();
    private final java.util.Set<String> returnedIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Ids of the events RabbitMQ confirmed and routed in an attempt that failed only because others
     * came back unroutable: the batch is offered again whole, and these are not published twice.
     */
    private final java.util.Set<String> alreadyRouted = new java.util.HashSet<>();
    private long backoffMs;
    private volatile boolean closed;
    private volatile ComponentState state = ComponentState.STARTING;
    private volatile String detail = "connecting";

    @Activate
    public RabbitMqShipper(BundleContext context, Config config, Map<String, Object> props) {
        this(config, props, format -> serviceFormatter(context, format, config.template()));
    }

    RabbitMqShipper(Config config, Map<String, Object> props, Function<String, EventFormatter> formatters) {
        this.config = config;
        this.name = io.sluice.api.component.ComponentNames.of(config.name(), props, "rabbitmq");
        this.routingKey = new RoutingKey(config.routingKey());
        this.formatters = formatters;
        this.link = new BrokerLink(config.uri(), "sluice " + name, 10_000, ch -> {
            ch.confirmSelect();
            ch.addReturnListener(r -> {
                returns.incrementAndGet();
                if (r.getProperties() != null && r.getProperties().getMessageId() != null) {
                    returnedIds.add(r.getProperties().getMessageId());
                }
                returned.compareAndSet(null, "routing key '" + r.getRoutingKey() + "' (" + r.getReplyCode() + " "
                        + r.getReplyText() + ")");
            });
            if (config.declareExchange()) {
                ch.exchangeDeclare(config.exchange(), config.exchangeType(), true);
            }
        });
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-rabbitmq-" + name);
            t.setDaemon(true);
            return t;
        });
        LOG.info("RabbitMQ shipper {}: exchange {} ({}), routing key {}, format {}", name, config.exchange(),
                config.exchangeType(), config.routingKey(), config.format());
    }

    @Deactivate
    public void close() {
        closed = true;
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
        state = ComponentState.STOPPED;
        detail = "stopped";
    }

    @Override
    public CompletionStage<Void> ship(List<Event> events) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("RabbitMQ shipper " + name + " is stopped"));
        }
        counters.received.add(events.size());
        counters.queued.addAndGet(events.size());
        return CompletableFuture.runAsync(() -> {
            try {
                publish(events);
            } finally {
                counters.queued.addAndGet(-events.size());
            }
        }, worker);
    }

    private void publish(List<Event> events) {
        if (backoffMs > 0) {
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            EventFormatter f = formatter();
            Channel ch = link.channel();
            returns.set(0);
            returned.set(null);
            returnedIds.clear();
            long bytes = 0;
            for (Event e : events) {
                if (alreadyRouted.contains(e.id())) {
                    continue;
                }
                byte[] body = f.format(e).getBytes(StandardCharsets.UTF_8);
                bytes += body.length;
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2)
                        .contentType(config.format().equals("json") ? "application/json" : "text/plain")
                        .contentEncoding("utf-8").messageId(e.id()).timestamp(Date.from(e.timegenerated())).build();
                ch.basicPublish(config.exchange(), routingKey.of(e), true, props, body);
            }
            ch.waitForConfirmsOrDie(TimeUnit.SECONDS.toMillis(config.confirmTimeoutSeconds()));
            if (returns.get() > 0) {
                for (Event e : events) {
                    if (!returnedIds.contains(e.id())) {
                        alreadyRouted.add(e.id());
                    }
                }
                throw new IOException("unroutable: RabbitMQ returned " + returns.get() + " message(s) of the batch, "
                        + returned.get() + " (bind a queue to exchange " + config.exchange() + ")");
            }
            alreadyRouted.clear();
            counters.published.add(events.size());
            counters.acked.add(events.size());
            counters.bytes.add(bytes);
            if (state == ComponentState.DEGRADED) {
                LOG.info("RabbitMQ shipper {}: publishing again", name);
            }
            backoffMs = 0;
            state = ComponentState.RUNNING;
            detail = "publishing to exchange " + config.exchange() + " on " + host();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            counters.failed.add(events.size());
            link.close();
            throw new CompletionException(e);
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            counters.failed.add(events.size());
            boolean unroutable = returns.get() > 0;
            if (!unroutable) {
                // confirms lost with the connection: what was routed is not known, all goes again
                alreadyRouted.clear();
                link.close();
            }
            backoffMs = Math.min(config.maxBackoffMillis(), Math.max(100, backoffMs * 2));
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (state != ComponentState.DEGRADED) {
                LOG.warn("RabbitMQ shipper {}: cannot publish ({}); events wait in the bus, retrying", name, why);
            }
            state = ComponentState.DEGRADED;
            detail = "cannot publish to " + host() + ": " + why + "; next attempt in " + backoffMs + " ms";
            throw new CompletionException(e);
        }
    }

    private EventFormatter formatter() throws IOException {
        EventFormatter f = formatter;
        if (f == null) {
            f = formatters.apply(config.format());
            if (f == null) {
                throw new IOException("no formatter for format '" + config.format() + "' (feature sluice-codec)");
            }
            formatter = f;
        }
        return f;
    }

    private String host() {
        String u = config.uri();
        int at = u.lastIndexOf('@');
        return at >= 0 ? u.substring(0, u.indexOf("//") + 2) + u.substring(at + 1) : u; // without credentials
    }

    private static EventFormatter serviceFormatter(BundleContext context, String format, String template) {
        try {
            for (ServiceReference<FormatterFactory> ref : context.getServiceReferences(FormatterFactory.class,
                    "(" + ParserFactory.FORMAT_PROPERTY + "=" + format + ")")) {
                FormatterFactory f = context.getService(ref);
                if (f != null) {
                    try {
                        return f.create(template.isEmpty() ? FormatterOptions.defaults()
                                : FormatterOptions.template(template));
                    } finally {
                        context.ungetService(ref);
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("format '" + format + "' is not a valid format name", e);
        }
        return null;
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
    public int maxBatch() {
        return config.batchSize();
    }

    @Override
    public ComponentState state() {
        if (!config.enabled()) {
            return ComponentState.STOPPED;
        }
        return state;
    }

    @Override
    public String stateDetail() {
        if (!config.enabled()) {
            return "stopped (enabled = false in its configuration): its events wait in stream " + stream();
        }
        return detail;
    }

    @Override
    public Counters counters() {
        return counters;
    }
}
