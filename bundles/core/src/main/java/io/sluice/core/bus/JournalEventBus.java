package io.sluice.core.bus;

import io.sluice.api.Event;
import io.sluice.api.bus.BatchConsumer;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.StreamStats;
import io.sluice.api.bus.Subscription;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.SluiceComponent;
import io.sluice.core.journal.Journal;
import io.sluice.core.journal.JournalConfig;
import io.sluice.core.journal.JournalHealth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus over the embedded journal: one journal per stream under the configured directory.
 * A publish completes when the journal has fsynced the batch (group-committed with every other
 * publisher); consumer groups read from their saved position.
 */
@Component(service = {EventBus.class, SluiceComponent.class}, immediate = true,
        configurationPid = "io.sluice.core", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = SluiceComponent.NAME_PROPERTY + "=bus")
@Designate(ocd = BusConfig.class)
public class JournalEventBus implements EventBus, SluiceComponent {
    private static final Logger LOG = LoggerFactory.getLogger(JournalEventBus.class);
    private static final Pattern STREAM_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private final Map<String, StreamLog> streams = new LinkedHashMap<>();
    /** The same streams, for the lookup on every publish without a lock. */
    private final Map<String, StreamLog> byName = new java.util.concurrent.ConcurrentHashMap<>();
    private final Counters counters = new Counters();
    private Path directory;
    private JournalConfig journalConfig;
    private long redeliveryDelayMs;
    private ScheduledExecutorService flusher;
    private volatile boolean open;

    /** For DS. */
    public JournalEventBus() {
    }

    /** Opens a bus outside OSGi (tests, tools). */
    public JournalEventBus(Path directory, BusConfig config) throws IOException {
        start(directory, config);
    }

    @Activate
    void activate(BusConfig config) throws IOException {
        String dir = config.directory().strip();
        Path path = dir.isEmpty() ? Paths.get(System.getProperty("karaf.data", "data"), "sluice", "journal") : Paths.get(dir);
        start(path, config);
    }

    private void start(Path dir, BusConfig config) throws IOException {
        this.directory = dir;
        this.journalConfig = new JournalConfig(config.segmentBytes(), config.maxStreamBytes(), config.fsync(),
                config.maxEventBytes(), config.groupCommitMicros(), config.tailCacheBytes());
        this.redeliveryDelayMs = config.redeliveryDelayMillis();
        Files.createDirectories(dir);
        try (var existing = Files.list(dir)) {
            for (Path p : (Iterable<Path>) existing::iterator) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && STREAM_NAME.matcher(name).matches()) {
                    stream(name);
                }
            }
        }
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-bus-positions");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushPositions, config.offsetFlushMillis(), config.offsetFlushMillis(),
                TimeUnit.MILLISECONDS);
        open = true;
        LOG.info("Event bus journal in {} (stream limit {} bytes, fsync {})", dir, config.maxStreamBytes(),
                config.fsync());
    }

    @Deactivate
    public void close() {
        open = false;
        if (flusher != null) {
            flusher.shutdownNow();
        }
        List<StreamLog> all;
        synchronized (streams) {
            all = new ArrayList<>(streams.values());
            streams.clear();
            byName.clear();
        }
        for (StreamLog s : all) {
            s.close();
        }
    }

    @Override
    public CompletionStage<Void> publish(String stream, List<Event> events) {
        if (!open) {
            return CompletableFuture.failedFuture(new IllegalStateException("the event bus is closed"));
        }
        counters.received.add(events.size());
        return stream(stream).publish(events).whenComplete((ok, error) -> {
            if (error == null) {
                counters.acked.add(events.size());
            } else {
                counters.failed.add(events.size());
            }
        });
    }

    @Override
    public boolean hasCapacity(String stream) {
        return stream(stream).journal().hasCapacity();
    }

    @Override
    public Subscription subscribe(String stream, String group, int maxBatch, BatchConsumer consumer) {
        checkName("consumer group", group);
        return stream(stream).subscribe(group, maxBatch, consumer);
    }

    @Override
    public Subscription observe(String stream, Consumer<Event> observer) {
        return stream(stream).observe(observer);
    }

    @Override
    public StreamStats stats(String stream) {
        StreamLog s;
        synchronized (streams) {
            s = streams.get(stream);
        }
        return s == null ? null : s.stats();
    }

    @Override
    public List<String> streams() {
        synchronized (streams) {
            return List.copyOf(streams.keySet());
        }
    }

    /** Health of a stream's journal (damage found at start-up, fsyncs), or null. */
    public JournalHealth health(String stream) {
        synchronized (streams) {
            StreamLog s = streams.get(stream);
            return s == null ? null : s.journal().health();
        }
    }

    /** Members per consumer group of a stream. */
    public Map<String, Integer> members(String stream) {
        synchronized (streams) {
            StreamLog s = streams.get(stream);
            return s == null ? Map.of() : s.members();
        }
    }

    /** Forgets a consumer group with no members, so it no longer holds back retention. */
    public boolean removeGroup(String stream, String group) throws IOException {
        StreamLog s;
        synchronized (streams) {
            s = streams.get(stream);
        }
        return s != null && s.removeGroup(group);
    }

    @Override
    public String name() {
        return "bus";
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
        synchronized (streams) {
            for (StreamLog s : streams.values()) {
                if (!s.journal().hasCapacity()) {
                    return ComponentState.DEGRADED;
                }
            }
        }
        return ComponentState.RUNNING;
    }

    @Override
    public String stateDetail() {
        StringBuilder sb = new StringBuilder("journal ").append(directory);
        synchronized (streams) {
            for (StreamLog s : streams.values()) {
                if (!s.journal().hasCapacity()) {
                    sb.append("; stream ").append(s.name()).append(" is full (publishers are held back)");
                }
                JournalHealth h = s.journal().health();
                if (h.damaged()) {
                    sb.append("; stream ").append(s.name()).append(" recovered from damage:");
                    if (h.damagedRecords() > 0) {
                        sb.append(' ').append(h.damagedRecords()).append(" damaged record(s) skipped");
                    }
                    if (h.truncatedBytes() > 0) {
                        sb.append(' ').append(h.truncatedBytes()).append(" byte(s) of an interrupted write cut");
                    }
                    if (h.emptySegmentsRemoved() > 0) {
                        sb.append(' ').append(h.emptySegmentsRemoved()).append(" empty segment(s) removed");
                    }
                    if (h.offsetsReset()) {
                        sb.append(" consumer positions were reset (events delivered again)");
                    }
                }
                if (s.undecodable.sum() > 0) {
                    sb.append("; stream ").append(s.name()).append(": ").append(s.undecodable.sum())
                            .append(" undecodable event(s) passed on tagged _undecodable");
                }
            }
        }
        return sb.toString();
    }

    @Override
    public Counters counters() {
        return counters;
    }

    private void flushPositions() {
        List<StreamLog> all;
        synchronized (streams) {
            all = new ArrayList<>(streams.values());
        }
        for (StreamLog s : all) {
            s.flushPositions();
        }
    }

    private StreamLog stream(String name) {
        StreamLog known = byName.get(name);
        if (known != null) {
            return known;
        }
        checkName("stream", name);
        synchronized (streams) {
            StreamLog s = streams.get(name);
            if (s == null) {
                try {
                    Journal j = Journal.open(directory.resolve(name), journalConfig);
                    JournalHealth h = j.health();
                    if (h.damagedRecords() > 0 || h.truncatedBytes() > 0 || h.emptySegmentsRemoved() > 0
                            || h.offsetsReset()) {
                        LOG.warn("stream {}: journal recovered from damage: {}", name, h);
                    }
                    s = new StreamLog(name, j, redeliveryDelayMs);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open the journal of stream '" + name + "' in "
                            + directory.resolve(name), e);
                }
                streams.put(name, s);
                byName.put(name, s);
            }
            return s;
        }
    }

    private static void checkName(String what, String name) {
        if (name == null || !STREAM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name
                    + "' must be 1-64 characters of a-z 0-9 _ . - starting with a letter or digit");
        }
    }
}
