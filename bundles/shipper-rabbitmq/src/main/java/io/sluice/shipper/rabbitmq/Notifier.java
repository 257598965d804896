package io.sluice.shipper.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.sluice.api.component.ClientInfo;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * Publishes what happens on this node to a topic exchange, so that the web page of any node can
 * show the whole cluster live: a component's state changing ({@code <node>.<component>.state}),
 * a component appearing or going ({@code <node>.<component>.up|down}), a client connecting to or
 * leaving a receiver ({@code <node>.<component>.client.connect|disconnect}). Bodies are JSON.
 * Found by looking every {@code pollMillis}; best effort: while the broker is away nothing is kept,
 * and once it is back every component's state is published again ({@code .state}, {@code "resync":
 * true}) so that a page catches up.
 */
@Component(service = SluiceComponent.class, configurationPid = "io.sluice.notifications",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = SluiceComponent.NAME_PROPERTY + "=notifications")
@Designate(ocd = Notifier.Config.class)
public class Notifier implements SluiceComponent {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    @ObjectClassDefinition(name = "Sluice notifications", description = "Node events to a RabbitMQ topic exchange.")
    public @interface Config {
        @AttributeDefinition(description = "Broker URI: amqp://user:password@host:port/vhost.",
                type = AttributeType.PASSWORD)
        String uri() default "amqp://guest:guest@127.0.0.1:5672/%2F";

        @AttributeDefinition(description = "Topic exchange the notifications go to (declared durable).")
        String exchange() default "sluice.notifications";

        @AttributeDefinition(description = "This node's name, the first word of every routing key; empty: the "
                + "host name.")
        String node() default "";

        @AttributeDefinition(description = "How often components and clients are looked at, in ms.", min = "50")
        long pollMillis() default 1000;
    }

    private final Config config;
    private final String node;
    private final List<SluiceComponent> components = new CopyOnWriteArrayList<>();
    private final Map<String, ComponentState> states = new HashMap<>();
    private final Map<String, Set<String>> clients = new HashMap<>();
    private final ScheduledExecutorService timer;
    private final Counters counters = new Counters();
    private final BrokerLink link;
    private boolean resync = true;
    private volatile ComponentState state = ComponentState.STARTING;
    private volatile String detail = "connecting";

    @Activate
    public Notifier(Config config) {
        this.config = config;
        this.node = safe(config.node().isBlank() ? io.sluice.api.component.ComponentNames.hostName() : config.node().strip());
        this.link = new BrokerLink(config.uri(), "sluice notifications " + node, 5_000,
                ch -> ch.exchangeDeclare(config.exchange(), "topic", true));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-notifications");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::poll, 0, config.pollMillis(), TimeUnit.MILLISECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addComponent(SluiceComponent c) {
        if (c != this) {
            components.add(c);
        }
    }

    void removeComponent(SluiceComponent c) {
        components.remove(c);
    }

    @Deactivate
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
        state = ComponentState.STOPPED;
        detail = "stopped";
    }

    /** One look at the components (every pollMillis, on the timer thread). */
    void poll() {
        try {
            look();
        } catch (RuntimeException e) {
            // a component failing while it goes away must not end the timer (and the notifications)
            counters.failed.increment();
            LOG.warn("Notifications of node {}: {}", node, e.toString());
        }
    }

    private void look() {
        List<Object[]> out = new ArrayList<>(); // routing key, body
        Set<String> seen = new HashSet<>();
        for (SluiceComponent c : components) {
            String name = c.name();
            seen.add(name);
            ComponentState now = c.state();
            ComponentState before = states.put(name, now);
            if (before == null) {
                out.add(message(name, "up", c, Map.of()));
            }
            if (before != now || resync) {
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("from", before == null ? null : before.name().toLowerCase(Locale.ROOT));
                if (resync) {
                    extra.put("resync", true);
                }
                out.add(message(name, "state", c, extra));
            }
            if (c instanceof Receiver r) {
                Set<String> had = clients.getOrDefault(name, Set.of());
                Set<String> has = new HashSet<>();
                for (ClientInfo ci : r.clients()) {
                    has.add(ci.id());
                    if (!had.contains(ci.id())) {
                        out.add(message(name, "client.connect", c, client(ci)));
                    }
                }
                for (String gone : had) {
                    if (!has.contains(gone)) {
                        out.add(message(name, "client.disconnect", c, Map.of("client", Map.of("id", gone))));
                    }
                }
                clients.put(name, has);
            }
        }
        for (String name : new ArrayList<>(states.keySet())) {
            if (!seen.contains(name)) {
                states.remove(name);
                clients.remove(name);
                out.add(new Object[] {node + "." + safe(name) + ".down", body(Map.of("type", "down", "node", node,
                        "component", name, "at", Instant.now().toString()))});
            }
        }
        if (out.isEmpty()) {
            return;
        }
        try {
            Channel ch = link.channel();
            for (Object[] m : out) {
                ch.basicPublish(config.exchange(), (String) m[0], false, new AMQP.BasicProperties.Builder()
                        .contentType("application/json").deliveryMode(1).build(), (byte[]) m[1]);
            }
            counters.published.add(out.size());
            resync = false;
            state = ComponentState.RUNNING;
            detail = "node " + node + " to exchange " + config.exchange();
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            counters.failed.add(out.size());
            link.close();
            resync = true;
            if (state != ComponentState.DEGRADED) {
                LOG.warn("Notifications of node {}: cannot publish ({}); dropped until the broker is back, then "
                        + "every state is published again", node, e.getMessage());
            }
            state = ComponentState.DEGRADED;
            detail = "cannot publish: " + e.getMessage();
        }
    }

    private Object[] message(String name, String type, SluiceComponent c, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("node", node);
        m.put("component", name);
        m.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
        m.put("state", c.state().name().toLowerCase(Locale.ROOT));
        m.put("detail", c.stateDetail());
        m.put("at", Instant.now().toString());
        m.putAll(extra);
        return new Object[] {node + "." + safe(name) + "." + type, body(m)};
    }

    private static Map<String, Object> client(ClientInfo ci) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("id", ci.id());
        x.put("peer", ci.peer());
        x.put("local_port", ci.localPort());
        x.put("protocol", ci.protocol());
        x.put("since", ci.since().toString());
        return Map.of("client", x);
    }

    private static byte[] body(Map<String, Object> m) {
        StringBuilder b = new StringBuilder();
        Json.write(b, m);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A routing key word: no '.', '*', '#' or space. */
    private static String safe(String s) {
        return s.replaceAll("[.*#\\s]", "_");
    }


    @Override
    public String name() {
        return "notifications";
    }

    @Override
    public Kind kind() {
        return Kind.STAGE;
    }

    @Override
    public ComponentState state() {
        return state;
    }

    @Override
    public String stateDetail() {
        return detail;
    }

    @Override
    public Counters counters() {
        return counters;
    }
}
