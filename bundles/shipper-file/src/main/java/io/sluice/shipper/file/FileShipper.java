package io.sluice.shipper.file;

import io.sluice.api.Event;
import io.sluice.api.codec.ByteSink;
import io.sluice.api.codec.EncodedFormatter;
import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.EventShipper;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to files whose names come from the events ({@code $SOURCE/$APP_NAME/$DATE.log}),
 * one line per event in any output format, rotating by size and age. A batch completes only after
 * every file it touched is fsynced, so the bus forgets events only once they are on disk. After a
 * crash between a write and its fsync the batch is written again: duplicates, never loss.
 * One per factory configuration {@code etc/io.sluice.shipper.file-NAME.cfg}.
 */
@Component(service = {EventShipper.class, SluiceComponent.class}, property = SluiceComponent.STOPPABLE_PROPERTY + ":Boolean=true", configurationPid = "io.sluice.shipper.file",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = FileShipper.Config.class, factory = true)
public class FileShipper implements EventShipper {
    private static final Logger LOG = LoggerFactory.getLogger(FileShipper.class);
    private static final DateTimeFormatter ROTATED = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @ObjectClassDefinition(name = "Sluice file shipper", description = "Writes events to files.")
    public @interface Config {
        @AttributeDefinition(description = "Name in sluice:status; also the consumer group on the events stream, so "
                + "renaming it starts from the oldest retained event. Empty: file-<configuration name>.")
        String name() default "";

        @AttributeDefinition(description = "false stops the shipper (it takes no events; they wait in its stream) "
                + "while keeping its configuration; the web page and console set it to stop and start it.")
        boolean enabled() default true;

        @AttributeDefinition(description = "The stream consumed: events (every filtered event), or a stream the "
                + "router filter sends events to.")
        String stream() default "events";

        @AttributeDefinition(description = "Directory the paths are relative to. Empty: ${karaf.data}/sluice/log.")
        String directory() default "";

        @AttributeDefinition(description = "Path of each event's file, relative to the directory, with variables "
                + "$SOURCE $HOST $APP_NAME $FACILITY $SEVERITY $DATE $YEAR $MONTH $DAY $HOUR.")
        String path() default "$SOURCE/$APP_NAME/$DATE.log";

        @AttributeDefinition(description = "Output format: rsyslog-file, json, rfc5424, rfc3164 or template.")
        String format() default "rsyslog-file";

        @AttributeDefinition(description = "The template, for format = template.")
        String template() default "";

        @AttributeDefinition(description = "Time zone of dates in paths and formats; empty: the system's.")
        String zone() default "";

        @AttributeDefinition(description = "Rotate a file once it reaches this size, in bytes; 0: never.", min = "0")
        long maxFileBytes() default 100L << 20;

        @AttributeDefinition(description = "Rotate a file this many seconds after it was opened; 0: never.", min = "0")
        long maxFileAgeSeconds() default 0;

        @AttributeDefinition(description = "Rotated files kept per path (older ones are deleted); 0: keep all.",
                min = "0")
        int maxRotatedFiles() default 10;

        @AttributeDefinition(description = "Files kept open at once; the least recently written is closed.", min = "1")
        int maxOpenFiles() default 256;

        @AttributeDefinition(description = "Events per batch.", min = "1")
        int batchSize() default 5000;

        @AttributeDefinition(description = "fsync before a batch completes. false: a power loss can lose what the "
                + "bus already forgot.")
        boolean fsync() default true;

        @AttributeDefinition(description = "Batches written and waiting for their fsync at once: with two, the next "
                + "batch is written while the previous one is being synced. Lines stay in stream order.", min = "1")
        int maxInFlightBatches() default 2;
    }

    private final String name;
    private final Path directory;
    private final PathTemplate template;
    private final String format;
    private final FormatterOptions formatterOptions;
    private final FormatterSource formatters;
    private final Config config;
    private final Clock clock;
    private final Counters counters = new Counters();
    /** Open files, least recently written first. */
    private final LinkedHashMap<Path, LogFile> open = new LinkedHashMap<>(16, 0.75f, true);
    private volatile ComponentState state = ComponentState.RUNNING;
    private volatile String problem;
    private volatile int openCount;
    private boolean closed;
    /** Makes written batches durable, in the order they were written. */
    private final java.util.concurrent.ExecutorService syncer;

    @Activate
    public FileShipper(BundleContext context, Config config, Map<String, Object> props) {
        this(new ServiceFormatters(context), config, props, Clock.systemUTC());
    }

    FileShipper(FormatterSource formatters, Config config, Map<String, Object> props, Clock clock) {
        this.formatters = formatters;
        this.config = config;
        this.clock = clock;
        this.name = io.sluice.api.component.ComponentNames.of(config.name(), props, "file");
        this.directory = (config.directory().isBlank()
                ? Paths.get(System.getProperty("karaf.data", "data"), "sluice", "log")
                : Paths.get(config.directory().strip())).toAbsolutePath().normalize();
        ZoneId zone = config.zone().isBlank() ? ZoneId.systemDefault() : ZoneId.of(config.zone().strip());
        this.template = new PathTemplate(config.path(), zone);
        this.format = config.format().strip();
        this.formatterOptions = new FormatterOptions(config.template().isEmpty() ? null : config.template(), zone);
        this.syncer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-file-sync-" + name);
            t.setDaemon(true);
            return t;
        });
        LOG.info("file shipper {}: {}/{} as {}", name, directory, template, format);
    }

    /**
     * Kept between batches (ship is synchronized): the first file's buffer (most batches have one
     * file), up to {@link #MAX_REUSED_BYTES}, so that it does not grow again for every batch; the line
     * of a decoded event; the reader of stored encodings.
     */
    private ByteSink scratch = new ByteSink(64 * 1024);
    private boolean scratchTaken;
    private final StringBuilder line = new StringBuilder(512);
    private final io.sluice.api.EventBinary.View view = new io.sluice.api.EventBinary.View();
    private static final int MAX_REUSED_BYTES = 16 << 20;

    /** The buffer for the next file of a batch: the reused one for the first. */
    private ByteSink sink(String path) {
        if (!scratchTaken) {
            scratchTaken = true;
            scratch.reset();
            return scratch;
        }
        return new ByteSink(8192);
    }

    /** After a batch's files are written: the reused buffer is free again (and dropped if it grew too big). */
    private void releaseScratch() {
        scratchTaken = false;
        if (scratch.capacity() > MAX_REUSED_BYTES) {
            scratch = new ByteSink(64 * 1024);
        }
    }

    private void formatDecoded(EventFormatter formatter, Event e, ByteSink out) {
        line.setLength(0);
        formatter.format(e, line);
        out.writeUtf8(line);
    }

    @Override
    public synchronized CompletionStage<Void> ship(List<Event> events) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("file shipper " + name + " is stopped"));
        }
        counters.received.add(events.size());
        scratchTaken = false; // a batch that failed half-way left it taken
        try {
            EventFormatter formatter = formatters.formatter(format, formatterOptions);
            if (formatter == null) {
                throw new IOException("no formatter for format '" + format + "' (feature sluice-codec, or a plugin)");
            }
            // Grouped by rendered path: Path objects are made once per file per batch, not per event.
            Map<String, ByteSink> byFile = new LinkedHashMap<>();
            // Events still in their stored encoding are written from it when the format can (no decoding).
            io.sluice.api.bus.EncodedEvents stored = events instanceof io.sluice.api.bus.EncodedEvents x
                    && formatter instanceof EncodedFormatter ? x : null;
            for (int i = 0, n = events.size(); i < n; i++) {
                byte[] record = stored == null ? null : stored.encoded(i);
                if (record != null && view.read(record)) {
                    ByteSink sink = byFile.computeIfAbsent(template.render(view), this::sink);
                    if (!((EncodedFormatter) formatter).formatEncoded(view, sink)) {
                        formatDecoded(formatter, events.get(i), sink);
                    }
                    sink.write('\n');
                } else {
                    Event e = events.get(i);
                    ByteSink sink = byFile.computeIfAbsent(template.render(e), this::sink);
                    formatDecoded(formatter, e, sink);
                    sink.write('\n');
                }
            }
            List<LogFile> written = new ArrayList<>(byFile.size());
            long bytes = 0;
            for (Map.Entry<String, ByteSink> f : byFile.entrySet()) {
                ByteBuffer data = f.getValue().buffer();
                int size = data.remaining();
                LogFile file = fileFor(PathTemplate.resolve(directory, f.getKey()), size);
                file.write(data);
                written.add(file);
                bytes += size;
            }
            releaseScratch();
            counters.published.add(events.size());
            counters.bytes.add(bytes);
            if (!config.fsync()) {
                written(events.size());
                return CompletableFuture.completedFuture(null);
            }
            // Written in order here; made durable on the sync thread, while the next batch is written.
            CompletableFuture<Void> durable = new CompletableFuture<>();
            syncer.execute(() -> {
                try {
                    for (LogFile file : written) {
                        file.force();
                    }
                    written(events.size());
                    durable.complete(null);
                } catch (IOException | RuntimeException e) {
                    failed(events.size(), e);
                    durable.completeExceptionally(e);
                }
            });
            return durable;
        } catch (IOException | RuntimeException e) {
            failed(events.size(), e);
            closeAll();
            return CompletableFuture.failedFuture(e);
        }
    }

    private void written(int events) {
        counters.acked.add(events);
        if (problem != null) {
            LOG.info("file shipper {}: writing again", name);
        }
        problem = null;
        state = ComponentState.RUNNING;
    }

    private void failed(int events, Exception e) {
        counters.failed.add(events);
        String why = e instanceof IOException ? e.toString() : e.getMessage();
        if (problem == null) {
            LOG.error("file shipper {}: cannot write ({}); the events wait in the bus and are retried", name, why);
        }
        problem = why;
        state = ComponentState.DEGRADED;
    }

    /** The open file for {@code path}, rotated first if adding {@code adding} bytes calls for it. */
    private LogFile fileFor(Path path, int adding) throws IOException {
        LogFile f = open.get(path);
        if (f != null && dueForRotation(f, adding)) {
            open.remove(path);
            f.force();
            f.close();
            rotate(path);
            f = null;
        }
        if (f == null) {
            f = LogFile.open(path, clock.instant());
            if (dueForRotation(f, adding) && f.size() > 0) {
                f.close();
                rotate(path);
                f = LogFile.open(path, clock.instant());
            }
            open.put(path, f);
            closeEldestBeyondLimit();
            openCount = open.size();
        }
        return f;
    }

    private boolean dueForRotation(LogFile f, int adding) {
        if (f.size() == 0) {
            return false;
        }
        if (config.maxFileBytes() > 0 && f.size() + adding > config.maxFileBytes()) {
            return true;
        }
        return config.maxFileAgeSeconds() > 0
                && Duration.between(f.opened, clock.instant()).getSeconds() >= config.maxFileAgeSeconds();
    }

    /** Renames {@code path} to {@code path.yyyyMMdd-HHmmss[-n]} and deletes rotated files beyond the limit. */
    private void rotate(Path path) throws IOException {
        String stamp = ROTATED.format(clock.instant().atZone(ZoneId.systemDefault()));
        Path target = path.resolveSibling(path.getFileName() + "." + stamp);
        for (int n = 1; Files.exists(target); n++) {
            target = path.resolveSibling(path.getFileName() + "." + stamp + "-" + n);
        }
        Files.move(path, target);
        LogFile.syncDirectories(path.getParent());
        LOG.info("file shipper {}: rotated {} to {}", name, path, target.getFileName());
        if (config.maxRotatedFiles() > 0) {
            String prefix = path.getFileName() + ".";
            List<Path> rotated;
            try (Stream<Path> s = Files.list(path.getParent())) {
                rotated = s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
            }
            for (int i = 0; i < rotated.size() - config.maxRotatedFiles(); i++) {
                Files.deleteIfExists(rotated.get(i));
            }
        }
    }

    private void closeEldestBeyondLimit() throws IOException {
        Iterator<LogFile> it = open.values().iterator();
        while (open.size() > config.maxOpenFiles() && it.hasNext()) {
            LogFile eldest = it.next();
            it.remove();
            eldest.close();
        }
    }

    private void closeAll() {
        for (LogFile f : open.values()) {
            try {
                f.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", f.path, e.toString());
            }
        }
        open.clear();
        openCount = 0;
    }

    @Deactivate
    public synchronized void close() {
        closed = true;
        syncer.shutdown();
        try {
            syncer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAll();
        formatters.close();
        state = ComponentState.STOPPED;
    }

    @Override
    public int maxBatch() {
        return config.batchSize();
    }

    @Override
    public int maxInFlight() {
        return config.maxInFlightBatches();
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
        return state;
    }

    @Override
    public String stateDetail() {
        if (!config.enabled()) {
            return "stopped (enabled = false in its configuration): its events wait in stream " + stream();
        }
        String p = problem;
        String base = "writing " + directory.resolve(template.toString()) + " as " + format;
        if (p != null) {
            return base + "; failing: " + p + " (retrying; events wait in the bus)";
        }
        return base + "; " + openCount + " open file(s)";
    }

    @Override
    public Counters counters() {
        return counters;
    }
}
