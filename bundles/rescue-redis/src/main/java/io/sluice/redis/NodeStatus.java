package io.sluice.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.api.component.ClientInfo;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Transaction;

/**
 * Writes the live status of this node to Redis every {@code intervalSeconds}, for the web page of
 * any node to show the whole cluster: the hash {@code <prefix>:node:<node>} holds one JSON value
 * per component (kind, state, detail, counters, and a receiver's clients) plus {@code _node}, and
 * expires after {@code ttlSeconds} unless written again, so a node that stops vanishes by itself;
 * the sorted set {@code <prefix>:nodes} has each node scored by its last write (epoch ms). Written
 * in one MULTI/EXEC, so a reader never sees half a status. Redis down: the write is skipped and
 * retried at the next interval (this is status, not events: nothing waits for it).
 */
@Component(service = {SluiceComponent.class, io.sluice.api.component.ClusterStatus.class}, configurationPid = "io.sluice.redis",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = {SluiceComponent.NAME_PROPERTY + "=redis-status", SluiceComponent.SERVICE_PROPERTY + "=redis"})
@Designate(ocd = RedisConfig.class)
public class NodeStatus implements SluiceComponent, io.sluice.api.component.ClusterStatus {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStatus.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final RedisConfig config;
    private final String node;
    private final String key;
    private final Clock clock;
    private final JedisPool pool;
    private final ScheduledExecutorService timer;
    private final List<SluiceComponent> components = new CopyOnWriteArrayList<>();
    private final Counters counters = new Counters();
    private volatile ComponentState state = ComponentState.STARTING;
    private volatile String detail = "connecting";

    @Activate
    public NodeStatus(RedisConfig config) {
        this(config, Clock.systemUTC());
    }

    NodeStatus(RedisConfig config, Clock clock) {
        if (config.ttlSeconds() <= config.intervalSeconds()) {
            throw new IllegalArgumentException("ttlSeconds (" + config.ttlSeconds() + ") must be longer than "
                    + "intervalSeconds (" + config.intervalSeconds() + ")");
        }
        this.config = config;
        this.node = config.node().isBlank() ? io.sluice.api.component.ComponentNames.hostName() : config.node().strip();
        this.key = config.prefix() + ":node:" + node;
        this.clock = clock;
        this.pool = new JedisPool(new org.apache.commons.pool2.impl.GenericObjectPoolConfig<>(),
                URI.create(config.uri()), 5_000, 5_000);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-redis-status");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::write, 0, config.intervalSeconds(), TimeUnit.SECONDS);
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
        pool.close();
        state = ComponentState.STOPPED;
        detail = "stopped";
    }

    /** Writes the status once (every interval; at once for tests). */
    void write() {
        long now = clock.millis();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("_node", json(Map.of("node", node, "updated", now, "components", components.size())));
        for (SluiceComponent c : components) {
            try {
                fields.put(c.name(), json(describe(c)));
            } catch (RuntimeException e) {
                // a component going away while it is described: it is left out this time, and the
                // timer (the node's whole status) goes on
                LOG.debug("Redis status: component {} skipped: {}", c, e.toString());
            }
        }
        try (Jedis j = pool.getResource()) {
            Transaction t = j.multi();
            t.del(key); // components gone since the last write go with it
            t.hset(key, fields);
            t.expire(key, config.ttlSeconds());
            t.zadd(config.prefix() + ":nodes", now, node);
            // nodes silent for longer than a status lives are dropped from the index
            t.zremrangeByScore(config.prefix() + ":nodes", 0, now - config.ttlSeconds() * 1000L);
            t.exec();
            counters.published.increment();
            if (state == ComponentState.DEGRADED) {
                LOG.info("Redis status of node {}: writing again to {}", node, where());
            }
            state = ComponentState.RUNNING;
            detail = "node " + node + " every " + config.intervalSeconds() + " s to " + where() + " (key " + key + ")";
        } catch (RuntimeException e) {
            counters.failed.increment();
            if (state != ComponentState.DEGRADED) {
                LOG.warn("Redis status of node {}: cannot write to {} ({}); retrying every {} s", node, where(),
                        e.getMessage(), config.intervalSeconds());
            }
            state = ComponentState.DEGRADED;
            detail = "cannot write to " + where() + ": " + e.getMessage();
        }
    }

    /** Most nodes {@link #nodes()} reads. */
    static final int MAX_NODES = 500;

    @Override
    public List<io.sluice.api.component.ClusterStatus.Node> nodes() {
        long now = clock.millis();
        List<io.sluice.api.component.ClusterStatus.Node> out = new java.util.ArrayList<>();
        try (Jedis j = pool.getResource()) {
            List<String> names = j.zrangeByScore(config.prefix() + ":nodes", now - config.ttlSeconds() * 1000L,
                    Double.POSITIVE_INFINITY, 0, MAX_NODES);
            redis.clients.jedis.Pipeline p = j.pipelined();
            List<redis.clients.jedis.Response<Map<String, String>>> hashes = new java.util.ArrayList<>();
            for (String n : names) {
                hashes.add(p.hgetAll(config.prefix() + ":node:" + n));
            }
            p.sync();
            for (int i = 0; i < names.size(); i++) {
                Map<String, String> h = new java.util.TreeMap<>(hashes.get(i).get());
                String head = h.remove("_node");
                if (head == null) {
                    continue; // expired between the two reads
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"updated\":(\\d+)").matcher(head);
                Instant updated = m.find() ? Instant.ofEpochMilli(Long.parseLong(m.group(1))) : null;
                out.add(new io.sluice.api.component.ClusterStatus.Node(names.get(i), updated, h));
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the cluster's status from " + where() + ": " + e.getMessage(), e);
        }
        out.sort(java.util.Comparator.comparing(io.sluice.api.component.ClusterStatus.Node::name));
        return out;
    }

    private static Map<String, Object> describe(SluiceComponent c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("state", c.state().name().toLowerCase(java.util.Locale.ROOT));
        m.put("detail", c.stateDetail());
        m.put("counters", c.counters().snapshot());
        if (c instanceof Receiver r) {
            List<Map<String, Object>> clients = new java.util.ArrayList<>();
            for (ClientInfo ci : r.clients()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("id", ci.id());
                x.put("peer", ci.peer());
                x.put("local_port", ci.localPort());
                x.put("protocol", ci.protocol());
                x.put("since", ci.since().toString());
                x.put("events", ci.events());
                clients.add(x);
            }
            m.put("clients", clients);
        }
        return m;
    }

    private static String json(Map<String, ?> map) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            writeValue(g, map);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object x : l) {
                writeValue(g, x);
            }
            g.writeEndArray();
        } else if (v instanceof Number n) {
            g.writeNumber(n.longValue());
        } else {
            g.writeString(v.toString());
        }
    }

    private String where() {
        URI u = URI.create(config.uri());
        return u.getScheme() + "://" + u.getHost() + ":" + u.getPort() + u.getPath(); // without the password
    }


    @Override
    public String name() {
        return "redis-status";
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
