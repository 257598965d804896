package io.sluice.transport.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.sluice.api.Event;
import io.sluice.api.bus.BatchConsumer;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.RescueQueue;
import io.sluice.api.bus.StreamStats;
import io.sluice.api.bus.Subscription;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus over RabbitMQ (docs/rabbitmq.md). Configured by {@code etc/io.sluice.transport.rabbitmq.cfg};
 * it then outranks the embedded journal, and every stage of the node (listeners, the filter stage,
 * shippers) publishes and consumes through the broker instead, so that stages run on any node and
 * several nodes share a stage as competing consumers.
 *
 * <p>A publish completes once the broker confirmed every event of it (persistent messages,
 * {@code mandatory}: an event no queue would take fails its batch). While the broker cannot be
 * reached, a publish goes to the {@link RescueQueue} (sluice-rescue-redis) if one is available and
 * completes once Redis holds it durably; a collector moves rescued events back into RabbitMQ, with
 * confirms, when the broker returns. With neither, a publish fails: receivers stop acknowledging and
 * their state says why. The connection is re-established with a bounded back-off; topology and
 * consumers are declared again on every connect.
 */
@Component(service = {EventBus.class, SluiceComponent.class}, immediate = true,
        configurationPid = "io.sluice.transport.rabbitmq", configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {SluiceComponent.NAME_PROPERTY + "=bus-rabbitmq", "service.ranking:Integer=100",
            "sluice.transport=rabbitmq", SluiceComponent.SERVICE_PROPERTY + "=rabbitmq"})
@Designate(ocd = RabbitMqEventBus.Config.class)
public class RabbitMqEventBus implements EventBus, SluiceComponent {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqEventBus.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final long MAX_BACKOFF_MS = 5_000;

    @ObjectClassDefinition(name = "Sluice RabbitMQ transport",
            description = "The event bus over RabbitMQ, with the Redis rescue queue while the broker is away.")
    public @interface Config {
        @AttributeDefinition(description = "Broker URI: amqp://user:password@host:port/vhost (amqps:// for TLS).",
                type = AttributeType.PASSWORD)
        String uri() default "amqp://guest:guest@127.0.0.1:5672/%2F";

        @AttributeDefinition(description = "Prefix of the exchanges and queues Sluice declares.")
        String prefix() default "sluice";

        @AttributeDefinition(description = "Type of the queues Sluice declares: quorum (replicated, delivery limit) "
                + "or classic. A queue that exists with another type is refused by the broker: delete it first.")
        String queueType() default "quorum";

        @AttributeDefinition(description = "Quorum queues: deliveries of one event (consumer crashes, lost "
                + "connections) after which the queue dead-letters it to <prefix>.dead. A batch a shipper refuses "
                + "(its store is down) stays with the consumer and does not count. 0: no limit.", min = "0")
        int deliveryLimit() default 20;

        @AttributeDefinition(description = "Queues declared at every connect, as stream/group (e.g. ingest/filter, "
                + "events/pgsql-main), so that receivers may publish before any consumer of the stream has started. "
                + "A consumer declares its own queue too.")
        String[] queues() default {"ingest/filter"};

        @AttributeDefinition(description = "Unacknowledged messages the broker sends one consumer at most. 0: enough "
                + "for twice the consumer's batch size (at least 10).", min = "0", max = "65535")
        int prefetch() default 0;

        @AttributeDefinition(description = "Most events carried by one message: a published batch becomes messages of "
                + "up to this many events (one confirm, delivery and ack each).", min = "1", max = "100000")
        int eventsPerMessage() default 100;

        @AttributeDefinition(description = "Most bytes of one message (events beyond go to the next; one larger event "
                + "is sent alone).", min = "1024")
        int maxMessageBytes() default 256 * 1024;

        @AttributeDefinition(description = "Longest wait for a consumer's batch to fill, in milliseconds.", min = "0")
        long lingerMillis() default 5;

        @AttributeDefinition(description = "Delay before a batch a consumer refused is handed to it again, in "
                + "milliseconds; doubles on each refusal up to 30 s.", min = "1")
        long redeliveryDelayMillis() default 500;

        @AttributeDefinition(description = "Channels publishing in parallel.", min = "1", max = "64")
        int publishChannels() default 2;

        @AttributeDefinition(description = "How long a publish waits for the broker's confirms, in milliseconds.",
                min = "100")
        long confirmTimeoutMillis() default 30_000;

        @AttributeDefinition(description = "Connection timeout, in milliseconds.", min = "100")
        int connectTimeoutMillis() default 5_000;

        @AttributeDefinition(description = "Use the Redis rescue queue (feature sluice-redis, etc/io.sluice.redis.cfg) "
                + "while the broker cannot be reached.")
        boolean rescue() default true;

        @AttributeDefinition(description = "Events the collector moves back from Redis per round.", min = "1")
        int rescueBatch() default 2_000;

        @AttributeDefinition(description = "This node's name in connection names; empty: the host name.")
        String node() default "";
    }

    private final Config config;
    private final Topology topology;
    private final String node;
    private final Counters counters = new Counters();
    private final LongAdder undecodable = new LongAdder();
    private final LongAdder rescued = new LongAdder();
    private final LongAdder recovered = new LongAdder();
    private final List<GroupMember> members = new CopyOnWriteArrayList<>();
    private final Set<String> declared = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> groups = new LinkedHashMap<>();
    private final Map<String, List<Consumer<Event>>> observers = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService collector;
    private final AtomicInteger nextPublisher = new AtomicInteger();
    private volatile RescueQueue rescue;
    private volatile List<Publisher> publishers = List.of();
    private volatile Connection publishing;
    private volatile Connection consuming;
    private volatile String brokerProblem = "connecting";
    private volatile boolean open = true;
    private volatile boolean collecting;
    private long backoffMs = 100;

    @Activate
    public RabbitMqEventBus(Config config) {
        this.config = config;
        this.topology = new Topology(config.prefix().strip(), config.queueType().strip(), config.deliveryLimit());
        this.node = config.node().isBlank() ? io.sluice.api.component.ComponentNames.hostName() : config.node().strip();
        for (String q : config.queues()) {
            for (String item : q.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                String[] sg = item.strip().split("/", -1);
                if (sg.length != 2) {
                    throw new IllegalArgumentException("queues: '" + item.strip() + "' is not stream/group");
                }
                checkName("stream", sg[0]);
                checkName("consumer group", sg[1]);
                group(sg[0], sg[1]);
            }
        }
        this.timer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "sluice-rabbitmq-link");
            t.setDaemon(true);
            return t;
        });
        this.collector = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-rabbitmq-collector");
            t.setDaemon(true);
            return t;
        });
        timer.execute(this::connect);
        timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setRescue(RescueQueue r) {
        this.rescue = r;
    }

    void unsetRescue(RescueQueue r) {
        if (this.rescue == r) {
            this.rescue = null;
        }
    }

    @Deactivate
    public void close() {
        open = false;
        members.forEach(GroupMember::close);
        members.clear();
        timer.shutdownNow();
        collector.shutdownNow();
        disconnect("closed");
    }

    // ---- EventBus --------------------------------------------------------------------------------

    @Override
    public CompletionStage<Void> publish(String stream, List<Event> events) {
        if (!open) {
            return CompletableFuture.failedFuture(new IllegalStateException("the RabbitMQ transport is closed"));
        }
        checkName("stream", stream);
        counters.received.add(events.size());
        CompletableFuture<Void> done = new CompletableFuture<>();
        toBroker(stream, events).whenComplete((ok, error) -> {
            if (error == null) {
                counters.acked.add(events.size());
                done.complete(null);
                notifyObservers(stream, events);
                return;
            }
            Throwable cause = unwrap(error);
            RescueQueue r = config.rescue() ? rescue : null;
            if (cause instanceof Publisher.UnroutableException || r == null) {
                counters.failed.add(events.size());
                done.completeExceptionally(r == null && !(cause instanceof Publisher.UnroutableException)
                        ? new IOException("RabbitMQ: " + cause.getMessage() + "; no rescue queue (feature sluice-redis, "
                                + "etc/io.sluice.redis.cfg)", cause) : cause);
                return;
            }
            r.push(stream, events).whenComplete((ok2, rescueError) -> {
                if (rescueError == null) {
                    rescued.add(events.size());
                    counters.acked.add(events.size());
                    done.complete(null);
                    notifyObservers(stream, events);
                } else {
                    counters.failed.add(events.size());
                    done.completeExceptionally(new IOException("RabbitMQ: " + cause.getMessage() + "; Redis rescue queue: "
                            + unwrap(rescueError).getMessage(), rescueError));
                }
            });
        });
        return done;
    }

    @Override
    public boolean hasCapacity(String stream) {
        if (publishers.stream().anyMatch(Publisher::isOpen)) {
            return true;
        }
        RescueQueue r = config.rescue() ? rescue : null;
        return r != null && r.available();
    }

    @Override
    public String unavailable(String stream) {
        if (publishers.stream().anyMatch(Publisher::isOpen)) {
            return null;
        }
        RescueQueue r = config.rescue() ? rescue : null;
        if (r != null && r.available()) {
            return null;
        }
        return "RabbitMQ: " + (brokerProblem == null ? "not connected" : brokerProblem)
                + (r == null ? "; no rescue queue" : "; Redis rescue queue: " + r.describe());
    }

    @Override
    public Subscription subscribe(String stream, String group, int maxBatch, BatchConsumer consumer) {
        checkName("stream", stream);
        checkName("consumer group", group);
        group(stream, group);
        int prefetch = config.prefetch() > 0 ? config.prefetch()
                : Math.min(65_535, Math.max(10, 2 * Math.max(1, maxBatch) / config.eventsPerMessage()));
        GroupMember[] self = new GroupMember[1];
        GroupMember m = new GroupMember(stream, group, topology.queue(stream, group), Math.max(1, maxBatch), prefetch,
                config.lingerMillis(), config.redeliveryDelayMillis(), consumer, timer, undecodable,
                () -> members.remove(self[0]));
        self[0] = m;
        members.add(m);
        timer.execute(() -> startMember(m));
        return m;
    }

    @Override
    public Subscription observe(String stream, Consumer<Event> observer) {
        List<Consumer<Event>> list = observers.computeIfAbsent(stream, s -> new CopyOnWriteArrayList<>());
        list.add(observer);
        return () -> list.remove(observer);
    }

    /**
     * Per consumer group, the events its queue holds that are not delivered yet (as lag; the broker
     * does not expose offsets: firstOffset is 0 and endOffset the deepest queue's count). Null when
     * the broker cannot be asked or the stream has no known group.
     */
    @Override
    public StreamStats stats(String stream) {
        Set<String> gs;
        synchronized (groups) {
            gs = groups.get(stream) == null ? null : new LinkedHashSet<>(groups.get(stream));
        }
        Connection c = consuming;
        if (gs == null || c == null || !c.isOpen()) {
            return null;
        }
        Map<String, Long> depth = new LinkedHashMap<>();
        try (Channel ch = c.createChannel()) {
            for (String g : gs) {
                try {
                    depth.put(g, (long) ch.queueDeclarePassive(topology.queue(stream, g)).getMessageCount());
                } catch (IOException missing) {
                    return null; // the channel is closed by the broker: not declared yet
                }
            }
        } catch (Exception e) {
            return null;
        }
        long end = depth.values().stream().mapToLong(Long::longValue).max().orElse(0);
        Map<String, Long> committed = new LinkedHashMap<>();
        depth.forEach((g, d) -> committed.put(g, end - d));
        return new StreamStats(stream, 0, end, 0, 0, committed);
    }

    @Override
    public List<String> streams() {
        synchronized (groups) {
            return List.copyOf(groups.keySet());
        }
    }

    // ---- SluiceComponent -------------------------------------------------------------------------

    @Override
    public String name() {
        return "bus-rabbitmq";
    }

    @Override
    public Kind kind() {
        return Kind.STAGE;
    }

    @Override
    public ComponentState state() {
        if (!open) {
            return ComponentState.STOPPED;
        }
        return brokerProblem == null ? ComponentState.RUNNING : ComponentState.DEGRADED;
    }

    @Override
    public String stateDetail() {
        StringBuilder sb = new StringBuilder(topology.queueType).append(" queues on ").append(safeUri());
        if (brokerProblem != null) {
            sb.append("; broker: ").append(brokerProblem);
        }
        RescueQueue r = config.rescue() ? rescue : null;
        if (r != null) {
            sb.append("; rescue: ").append(r.describe());
        } else if (brokerProblem != null) {
            sb.append("; no rescue queue: publishing fails until the broker returns");
        }
        if (rescued.sum() > 0) {
            sb.append("; ").append(rescued.sum()).append(" event(s) rescued, ").append(recovered.sum())
                    .append(" moved back");
        }
        if (undecodable.sum() > 0) {
            sb.append("; ").append(undecodable.sum()).append(" undecodable message(s) dead-lettered to ")
                    .append(topology.deadExchange());
        }
        long notConsuming = members.stream().filter(m -> !m.consuming()).count();
        if (notConsuming > 0 && brokerProblem == null) {
            sb.append("; ").append(notConsuming).append(" consumer(s) not consuming yet");
        }
        return sb.toString();
    }

    @Override
    public Counters counters() {
        counters.queued.set(publishers.stream().mapToLong(Publisher::waiting).sum());
        return counters;
    }

    /** Events put in the rescue queue, and moved back into the broker. */
    public long rescuedEvents() {
        return rescued.sum();
    }

    public long recoveredEvents() {
        return recovered.sum();
    }

    public long undecodableMessages() {
        return undecodable.sum();
    }

    /** Whether connected to the broker now. */
    public boolean connected() {
        return brokerProblem == null;
    }

    // ---- the link --------------------------------------------------------------------------------

    private CompletableFuture<Void> toBroker(String stream, List<Event> events) {
        List<Publisher> ps = publishers.stream().filter(Publisher::isOpen).toList();
        if (ps.isEmpty()) {
            return CompletableFuture.failedFuture(new IOException("not connected to the broker ("
                    + (brokerProblem == null ? "connecting" : brokerProblem) + ")"));
        }
        Publisher p = ps.get(Math.floorMod(nextPublisher.getAndIncrement(), ps.size()));
        List<byte[]> bodies = new ArrayList<>();
        for (Packed.Message m : Packed.pack(events, config.eventsPerMessage(), config.maxMessageBytes())) {
            bodies.add(m.body());
        }
        counters.published.add(events.size());
        return p.publish(stream, bodies);
    }

    private void connect() {
        if (!open || brokerProblem == null) {
            return;
        }
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(config.uri());
            f.setConnectionTimeout(config.connectTimeoutMillis());
            f.setAutomaticRecoveryEnabled(false); // our own: topology, publishers and consumers together
            f.setRequestedHeartbeat(10);
            Connection pub = f.newConnection("sluice " + node + " publish");
            Connection sub;
            try {
                sub = f.newConnection("sluice " + node + " consume");
            } catch (IOException | java.util.concurrent.TimeoutException e) {
                pub.abort();
                throw e;
            }
            try (Channel ch = pub.createChannel()) {
                topology.declareExchanges(ch);
            }
            List<Publisher> ps = new ArrayList<>();
            for (int i = 0; i < config.publishChannels(); i++) {
                ps.add(newPublisher(pub));
            }
            declared.clear();
            publishing = pub;
            consuming = sub;
            List<String[]> known = new ArrayList<>();
            synchronized (groups) {
                groups.forEach((s, gs) -> gs.forEach(g -> known.add(new String[] {s, g})));
            }
            for (String[] sg : known) {
                declare(sg[0], sg[1]);
            }
            pub.addShutdownListener(cause -> linkLost(pub, cause));
            sub.addShutdownListener(cause -> linkLost(sub, cause));
            publishers = List.copyOf(ps);
            brokerProblem = null;
            backoffMs = 100;
            LOG.info("Event bus on RabbitMQ {} ({} queues, prefix {})", safeUri(), topology.queueType, topology.prefix);
            for (GroupMember m : members) {
                startMember(m);
            }
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (!why.equals(brokerProblem)) {
                LOG.warn("Cannot use RabbitMQ at {}: {} (trying again with back-off up to {} ms)", safeUri(), why,
                        MAX_BACKOFF_MS);
            }
            disconnect(why);
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            if (open) {
                timer.schedule(this::connect, backoffMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void declare(String stream, String group) throws IOException {
        String q = topology.queue(stream, group);
        if (declared.contains(q)) {
            return;
        }
        Connection c = publishing;
        if (c == null) {
            throw new IOException("not connected");
        }
        try (Channel ch = c.createChannel()) {
            topology.declareGroup(ch, stream, group);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        } catch (IOException e) {
            Throwable why = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot declare queue " + q + ": " + why.getMessage(), e);
        }
        declared.add(q);
    }

    private Publisher newPublisher(Connection c) throws IOException {
        return new Publisher(c.createChannel(), topology.exchange());
    }

    private void startMember(GroupMember m) {
        Connection c = consuming;
        if (c == null || !c.isOpen() || brokerProblem != null || m.consuming()) {
            return;
        }
        try {
            declare(m.stream, m.group);
            m.start(c);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot consume queue {}: {}", m.queue, e.getMessage());
        }
    }

    private void linkLost(Connection which, com.rabbitmq.client.ShutdownSignalException cause) {
        if (!open || cause.isInitiatedByApplication()) {
            return;
        }
        if (which == publishing || which == consuming) {
            timer.execute(() -> {
                if (which != publishing && which != consuming) {
                    return;
                }
                String why = "connection lost: " + cause.getMessage();
                LOG.warn("RabbitMQ at {}: {}; events go to the rescue queue meanwhile, reconnecting", safeUri(), why);
                disconnect(why);
                timer.schedule(this::connect, backoffMs, TimeUnit.MILLISECONDS);
            });
        }
    }

    private void disconnect(String why) {
        brokerProblem = why;
        List<Publisher> ps = publishers;
        publishers = List.of();
        ps.forEach(Publisher::abort);
        for (Connection c : new Connection[] {publishing, consuming}) {
            if (c != null) {
                try {
                    c.abort(2_000);
                } catch (RuntimeException ignored) {
                    // gone
                }
            }
        }
        publishing = null;
        consuming = null;
    }

    /** Every second: confirm timeouts, members to start, the collector. */
    private void tick() {
        long timeout = TimeUnit.MILLISECONDS.toNanos(config.confirmTimeoutMillis());
        publishers.forEach(p -> p.expire(timeout));
        if (brokerProblem != null) {
            return;
        }
        Connection pub = publishing;
        if (pub != null && pub.isOpen() && publishers.stream().anyMatch(p -> !p.isOpen())) {
            // A channel the broker closed (a channel error): a new one in its place.
            List<Publisher> ps = new ArrayList<>();
            for (Publisher p : publishers) {
                try {
                    ps.add(p.isOpen() ? p : newPublisher(pub));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Cannot open a publishing channel: {}", e.getMessage());
                    ps.add(p);
                }
            }
            publishers = List.copyOf(ps);
        }
        for (GroupMember m : members) {
            if (!m.consuming()) {
                startMember(m);
            }
        }
        RescueQueue r = config.rescue() ? rescue : null;
        if (r != null && !collecting && r.held() > 0) {
            collecting = true;
            collector.execute(() -> collect(r));
        }
    }

    /** Moves rescued events back into the broker, with confirms, until Redis holds none or the broker fails. */
    private void collect(RescueQueue r) {
        try {
            int moved;
            do {
                moved = r.drain(config.rescueBatch(), (stream, events) -> toBroker(stream, events)
                        .thenRun(() -> recovered.add(events.size())));
            } while (moved > 0 && open && brokerProblem == null);
        } catch (Exception e) {
            LOG.info("Rescue collector paused: {}", unwrap(e).getMessage());
        } finally {
            collecting = false;
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void group(String stream, String group) {
        synchronized (groups) {
            groups.computeIfAbsent(stream, s -> new LinkedHashSet<>()).add(group);
        }
    }

    private void notifyObservers(String stream, List<Event> events) {
        List<Consumer<Event>> list = observers.get(stream);
        if (list == null || list.isEmpty()) {
            return;
        }
        for (Event e : events) {
            for (Consumer<Event> o : list) {
                try {
                    o.accept(e);
                } catch (RuntimeException ignored) {
                    // an observer's problem is its own
                }
            }
        }
    }

    private String safeUri() {
        return config.uri().replaceAll("//[^@/]*@", "//");
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name
                    + "' must be 1-64 characters of a-z 0-9 _ . - starting with a letter or digit");
        }
    }

}
