package io.sluice.redis;

import io.sluice.api.Event;
import io.sluice.api.EventBinary;
import io.sluice.api.bus.RescueQueue;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.SetParams;

/**
 * The rescue queue of the RabbitMQ transport in Redis (docs/rabbitmq.md): the events of stream S are
 * the list {@code <prefix>:rescue:S}, one element per event (Sluice's binary encoding), pushed at the
 * tail; {@code <prefix>:rescue:streams} names the streams. A push completes once Redis answered the
 * RPUSH and, by {@code rescueDurability}, the server fsyncs its append-only file before answering
 * (aof, checked every second) or replicas took it (wait). The collector of any node takes the oldest
 * events of a stream under a lock ({@code <prefix>:rescue:lock:S}, with expiry), publishes them to the
 * broker, and trims them from the list only after the broker's confirms. An element that cannot be
 * decoded is moved to {@code <prefix>:rescue:dead:S} and counted.
 */
@Component(service = {RescueQueue.class, SluiceComponent.class}, configurationPid = "io.sluice.redis",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = {SluiceComponent.NAME_PROPERTY + "=redis-rescue", SluiceComponent.SERVICE_PROPERTY + "=redis"})
public class RedisRescueQueue implements RescueQueue, SluiceComponent {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRescueQueue.class);
    private static final long LOCK_MS = 120_000;
    private static final long MOVE_TIMEOUT_MS = 100_000;
    private static final String UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

    enum Durability { AOF, WAIT, NONE }

    private final RedisConfig config;
    private final Durability durability;
    private final String prefix;
    private final JedisPool pool;
    private final ExecutorService writers;
    private final ScheduledExecutorService checker;
    private final Counters counters = new Counters();
    private final LongAdder undecodable = new LongAdder();
    private final AtomicLong held = new AtomicLong();
    private final String lockOwner = UUID.randomUUID().toString();
    /** Null when pushes may go through; otherwise why not. */
    private volatile String problem = "not checked yet";
    private volatile boolean open = true;

    @Activate
    public RedisRescueQueue(RedisConfig config) {
        this.config = config;
        try {
            this.durability = Durability.valueOf(config.rescueDurability().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rescueDurability must be aof, wait or none, not '"
                    + config.rescueDurability() + "'");
        }
        this.prefix = config.prefix();
        var poolConfig = new org.apache.commons.pool2.impl.GenericObjectPoolConfig<Jedis>();
        poolConfig.setMaxTotal(8);
        poolConfig.setMaxWait(java.time.Duration.ofSeconds(5));
        this.pool = new JedisPool(poolConfig, URI.create(config.uri()), 5_000, 5_000);
        this.writers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "sluice-redis-rescue");
            t.setDaemon(true);
            return t;
        });
        this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-redis-rescue-check");
            t.setDaemon(true);
            return t;
        });
        checker.scheduleWithFixedDelay(this::check, 0, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    public void close() {
        open = false;
        checker.shutdownNow();
        writers.shutdown();
        try {
            writers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    @Override
    public CompletionStage<Void> push(String stream, List<Event> events) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        counters.received.add(events.size());
        try {
            writers.execute(() -> {
                try {
                    write(stream, events);
                    counters.acked.add(events.size());
                    done.complete(null);
                } catch (Exception e) {
                    counters.failed.add(events.size());
                    done.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            done.completeExceptionally(new IOException("the rescue queue is closed"));
        }
        return done;
    }

    private void write(String stream, List<Event> events) throws IOException {
        String why = problem;
        if (why != null) {
            throw new IOException(why);
        }
        if (held.get() + events.size() > config.rescueMaxEvents()) {
            throw new IOException("the rescue queue is full (" + held.get() + " events, rescueMaxEvents "
                    + config.rescueMaxEvents() + ")");
        }
        byte[][] bodies = new byte[events.size()][];
        long bytes = 0;
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = EventBinary.encode(events.get(i));
            bytes += bodies[i].length;
        }
        try (Jedis j = pool.getResource()) {
            j.sadd(streamsKey(), stream);
            j.rpush(key(stream), bodies);
            if (durability == Durability.WAIT) {
                long replicas = j.waitReplicas(config.rescueWaitReplicas(), config.rescueWaitMillis());
                if (replicas < config.rescueWaitReplicas()) {
                    throw new IOException("only " + replicas + " of " + config.rescueWaitReplicas()
                            + " Redis replica(s) confirmed the rescued events within " + config.rescueWaitMillis()
                            + " ms");
                }
            }
        } catch (RuntimeException e) {
            problem = "cannot write to " + where() + ": " + e.getMessage();
            throw new IOException(problem, e);
        }
        held.addAndGet(events.size());
        counters.bytes.add(bytes);
        counters.queued.set(held.get());
    }

    @Override
    public boolean available() {
        return open && problem == null && held.get() < config.rescueMaxEvents();
    }

    @Override
    public String describe() {
        String why = problem;
        if (why != null) {
            return "Redis " + where() + " cannot take events: " + why;
        }
        return "Redis " + where() + " (" + durability.name().toLowerCase(Locale.ROOT) + "), " + held.get()
                + " event(s) held";
    }

    @Override
    public long held() {
        return held.get();
    }

    @Override
    public int drain(int max, BiFunction<String, List<Event>, CompletionStage<Void>> mover) throws Exception {
        List<String> streams;
        try (Jedis j = pool.getResource()) {
            streams = new ArrayList<>(j.smembers(streamsKey()));
        }
        for (String stream : streams) {
            int moved = drain(stream, max, mover);
            if (moved > 0) {
                return moved;
            }
        }
        return 0;
    }

    private int drain(String stream, int max, BiFunction<String, List<Event>, CompletionStage<Void>> mover)
            throws Exception {
        byte[] key = key(stream);
        String lock = prefix + ":rescue:lock:" + stream;
        List<byte[]> items;
        try (Jedis j = pool.getResource()) {
            if (j.set(lock, lockOwner, SetParams.setParams().nx().px(LOCK_MS)) == null) {
                return 0; // another collector moves this stream now
            }
            items = j.lrange(key, 0, max - 1);
        }
        try {
            if (items.isEmpty()) {
                return 0;
            }
            List<Event> events = new ArrayList<>(items.size());
            List<byte[]> bad = new ArrayList<>();
            for (byte[] item : items) {
                try {
                    events.add(EventBinary.decodeOwned(item));
                } catch (RuntimeException e) {
                    bad.add(item);
                }
            }
            if (!events.isEmpty()) {
                mover.apply(stream, events).toCompletableFuture().get(MOVE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            try (Jedis j = pool.getResource()) {
                if (!bad.isEmpty()) {
                    j.rpush((prefix + ":rescue:dead:" + stream).getBytes(StandardCharsets.UTF_8),
                            bad.toArray(new byte[0][]));
                    undecodable.add(bad.size());
                    LOG.warn("Rescue queue {}: {} element(s) are not events; moved to {}:rescue:dead:{}", stream,
                            bad.size(), prefix, stream);
                }
                j.ltrim(key, items.size(), -1);
            }
            held.updateAndGet(h -> Math.max(0, h - items.size()));
            counters.published.add(events.size());
            counters.queued.set(held.get());
            return items.size();
        } finally {
            try (Jedis j = pool.getResource()) {
                j.eval(UNLOCK, List.of(lock), List.of(lockOwner));
            } catch (RuntimeException e) {
                LOG.debug("cannot release the rescue lock of {} (it expires by itself)", stream, e);
            }
        }
    }

    /** Every second: can pushes go through, and how much is held. */
    void check() {
        try (Jedis j = pool.getResource()) {
            String why = null;
            if (durability == Durability.AOF) {
                Map<String, String> aof = j.configGet("append*");
                if (!"yes".equals(aof.get("appendonly")) || !"always".equals(aof.get("appendfsync"))) {
                    why = "not durable: the server runs with appendonly " + aof.get("appendonly") + ", appendfsync "
                            + aof.get("appendfsync") + " (rescueDurability aof needs appendonly yes and appendfsync "
                            + "always; or set rescueDurability to wait or none)";
                }
            }
            long n = 0;
            for (String s : j.smembers(streamsKey())) {
                n += j.llen(key(s));
            }
            held.set(n);
            counters.queued.set(n);
            if (why != null && !why.equals(problem)) {
                LOG.warn("Redis rescue queue at {}: {}", where(), why);
            } else if (why == null && problem != null) {
                LOG.info("Redis rescue queue at {}: ready ({} event(s) held)", where(), n);
            }
            problem = why;
        } catch (RuntimeException e) {
            String why = "unreachable: " + e.getMessage();
            if (problem == null) {
                LOG.warn("Redis rescue queue at {}: {}", where(), why);
            }
            problem = why;
        }
    }

    private String streamsKey() {
        return prefix + ":rescue:streams";
    }

    private byte[] key(String stream) {
        return (prefix + ":rescue:" + stream).getBytes(StandardCharsets.UTF_8);
    }

    private String where() {
        URI u = URI.create(config.uri());
        return u.getScheme() + "://" + u.getHost() + ":" + u.getPort() + u.getPath();
    }

    @Override
    public String name() {
        return "redis-rescue";
    }

    @Override
    public Kind kind() {
        return Kind.STAGE;
    }

    @Override
    public ComponentState state() {
        return !open ? ComponentState.STOPPED : problem == null ? ComponentState.RUNNING : ComponentState.DEGRADED;
    }

    @Override
    public String stateDetail() {
        String d = describe();
        return undecodable.sum() == 0 ? d : d + "; " + undecodable.sum() + " undecodable element(s) set aside";
    }

    @Override
    public Counters counters() {
        return counters;
    }
}
