package io.sluice.filter.chains;

import io.sluice.api.Event;
import io.sluice.api.filter.FilterChains;
import io.sluice.api.filter.FilterFactory;
import io.sluice.filter.lang.Chain;
import io.sluice.filter.lang.ChainSyntaxException;
import io.sluice.filter.lang.FilterStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the chain files of a directory ({@code etc/sluice/filters/NAME.filter}, one chain per file,
 * named by the file) and runs them for the filter stage. Files are checked every
 * {@code pollSeconds}: a changed file is loaded again; if it has an error, the error is logged with
 * file, line and column and the previous version keeps running. Filters come from
 * {@link FilterFactory} services: when one a chain calls goes away, that chain stops (the stage
 * keeps its events until the filter is back) and is made again from its file when it returns.
 */
@Component(service = {FilterChains.class, ChainRegistry.class}, immediate = true,
        configurationPid = "io.sluice.filter.chains", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ChainRegistry.Config.class)
public class ChainRegistry implements FilterChains {
    private static final Logger LOG = LoggerFactory.getLogger(ChainRegistry.class);

    @ObjectClassDefinition(name = "Sluice filter chains", description = "Where filter chain files are read from.")
    public @interface Config {
        @AttributeDefinition(description = "Directory of the chain files (NAME.filter); relative to Karaf's etc/.")
        String directory() default "sluice/filters";

        @AttributeDefinition(description = "How often the directory is checked for changed files, in seconds.",
                min = "1")
        int pollSeconds() default 2;
    }

    /** One chain file and what was made of it. */
    public static final class Entry {
        final Path file;
        volatile FileTime modified;
        volatile long size;
        volatile String source;
        /** The running version; null when the file never loaded. */
        volatile Chain chain;
        /** Why the chain cannot run now (an error in its only version, or a filter gone); null when it can. */
        volatile String unavailable;
        /** The filter whose arrival may let the file load (a chain waiting for it); null otherwise. */
        volatile String waitingFor;
        /** The last error of the file, kept while an older version runs. */
        volatile String lastError;

        Entry(Path file) {
            this.file = file;
        }

        public Chain chain() {
            return chain;
        }

        public String unavailable() {
            return unavailable;
        }

        public String lastError() {
            return lastError;
        }

        public Path file() {
            return file;
        }
    }

    private final Map<String, FilterFactory> factories = new ConcurrentHashMap<>();
    private final Map<String, Entry> chains = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private Path directory;
    private ScheduledExecutorService poller;

    public ChainRegistry() {
    }

    @Activate
    void activate(Config config) {
        String etc = System.getProperty("karaf.etc", "etc");
        start(Path.of(etc).resolve(config.directory()), config.pollSeconds());
    }

    /** Starts watching {@code dir} (also for tests without OSGi). */
    public void start(Path dir, int pollSeconds) {
        this.directory = dir;
        scan();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-filter-chains");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::scanSafely, pollSeconds, pollSeconds, TimeUnit.SECONDS);
        LOG.info("Filter chains from {} ({} loaded), checked every {} s", dir, chains.size(), pollSeconds);
    }

    @Deactivate
    public void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addFilter(FilterFactory f) {
        factories.put(f.name(), f);
        synchronized (lock) {
            // chains that waited for it (or failed to load without it) are made again
            for (Entry e : chains.values()) {
                if (f.name().equals(e.waitingFor) && e.source != null) {
                    load(e, e.source);
                }
            }
        }
    }

    public void removeFilter(FilterFactory f) {
        if (!factories.remove(f.name(), f)) {
            return;
        }
        synchronized (lock) {
            for (Map.Entry<String, Entry> c : chains.entrySet()) {
                Chain chain = c.getValue().chain;
                if (chain != null && chain.filters().contains(f.name())) {
                    c.getValue().waitingFor = f.name();
                    c.getValue().unavailable = "chain " + c.getKey() + " waits for filter '" + f.name()
                            + "', which is not installed any more";
                    LOG.warn("{}: its events wait until the filter is back", c.getValue().unavailable);
                }
            }
        }
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.error("Filter chains: checking {} failed", directory, e);
        }
    }

    /** Loads new and changed files, forgets deleted ones. */
    public void scan() {
        synchronized (lock) {
            Set<String> seen = new java.util.HashSet<>();
            if (Files.isDirectory(directory)) {
                try (Stream<Path> files = Files.list(directory)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        String n = p.getFileName().toString();
                        if (!n.endsWith(".filter") || !Files.isRegularFile(p)) {
                            continue;
                        }
                        String name = n.substring(0, n.length() - ".filter".length());
                        seen.add(name);
                        Entry e = chains.computeIfAbsent(name, k -> new Entry(p));
                        FileTime m = Files.getLastModifiedTime(p);
                        long size = Files.size(p);
                        if (!m.equals(e.modified) || size != e.size) {
                            e.modified = m;
                            e.size = size;
                            load(e, Files.readString(p, StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException e) {
                    LOG.error("Filter chains: cannot read {}: {}", directory, e.getMessage());
                    return;
                }
            }
            chains.keySet().removeIf(name -> {
                if (!seen.contains(name)) {
                    LOG.info("Filter chain {} removed (its file is gone): events pass unfiltered by it", name);
                    return true;
                }
                return false;
            });
        }
    }

    private void load(Entry e, String source) {
        String name = nameOf(e.file);
        try {
            Chain c = Chain.load(name, e.file.toString(), source, factories::get);
            e.source = source;
            e.chain = c;
            e.unavailable = null;
            e.waitingFor = null;
            e.lastError = null;
            LOG.info("Filter chain {} loaded from {} ({} filter call(s): {})", name, e.file, c.stats().size(),
                    c.filters());
        } catch (ChainSyntaxException ex) {
            e.source = source;
            e.lastError = ex.getMessage();
            e.waitingFor = ex.missingFilter();      // its arrival loads this version
            if (e.chain == null) {
                e.unavailable = "chain " + name + " cannot load: " + ex.getMessage();
                LOG.error("Filter chain {} not loaded: {}; its events wait until the file is fixed", name,
                        ex.getMessage());
            } else if (e.unavailable == null) {
                LOG.error("Filter chain {} not reloaded: {}; the previous version keeps running", name,
                        ex.getMessage());
            } else {
                LOG.error("Filter chain {} not loaded: {}", name, ex.getMessage());
            }
        }
    }

    private static String nameOf(Path file) {
        String n = file.getFileName().toString();
        return n.substring(0, n.length() - ".filter".length());
    }

    @Override
    public Output run(String name, List<Event> events) throws ChainUnavailableException {
        Entry e = chains.get(name);
        if (e == null) {
            return Output.unchanged(events);
        }
        String why = e.unavailable;
        Chain c = e.chain;
        if (why != null || c == null) {
            throw new ChainUnavailableException(why != null ? why : "chain " + name + " is not loaded");
        }
        if (c.isEmpty()) {
            // untouched: a batch read from the journal is then written on as stored, never decoded
            return Output.unchanged(events);
        }
        List<Event> out = new ArrayList<>(events.size());
        Map<String, List<Event>> routed = new java.util.LinkedHashMap<>();
        int[] dropped = new int[1];
        Chain.Sink sink = new Chain.Sink() {
            @Override
            public void output(Event event) {
                out.add(event);
            }

            @Override
            public void route(String stream, Event event) {
                routed.computeIfAbsent(stream, k -> new ArrayList<>()).add(event);
            }

            @Override
            public void dropped() {
                dropped[0]++;
            }
        };
        for (Event in : events) {
            c.apply(in, sink);
        }
        return new Output(out, routed, dropped[0]);
    }

    /** The chain files by name (for tests and diagnostics). */
    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(new TreeMap<>(chains));
    }

    @Override
    public List<ChainStatus> chains() {
        List<ChainStatus> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : new TreeMap<>(chains).entrySet()) {
            Entry en = e.getValue();
            Chain c = en.chain;
            List<CallStats> calls = new ArrayList<>();
            if (c != null) {
                for (FilterStats st : c.stats()) {
                    calls.add(new CallStats(st.filter(), st.line(), st.calls(), st.matched(), st.failed(), st.nanos()));
                }
            }
            out.add(new ChainStatus(e.getKey(), en.file.toString(), en.unavailable, en.lastError, calls));
        }
        return out;
    }

    @Override
    public ChainStatus reload(String name) {
        if (!name.matches("[A-Za-z0-9_.-]{1,100}") || name.startsWith(".")) {
            throw new java.util.NoSuchElementException("no chain named '" + name + "'");
        }
        synchronized (lock) {
            Path p = directory.resolve(name + ".filter");
            if (!Files.isRegularFile(p)) {
                if (chains.remove(name) == null) {
                    throw new java.util.NoSuchElementException("no chain '" + name + "' and no file " + p);
                }
                LOG.info("Filter chain {} removed on reload (its file is gone): events pass unfiltered by it", name);
                return new ChainStatus(name, p.toString(), "its file is gone", null, List.of());
            }
            Entry e = chains.computeIfAbsent(name, k -> new Entry(p));
            try {
                e.modified = Files.getLastModifiedTime(p);
                e.size = Files.size(p);
                load(e, Files.readString(p, StandardCharsets.UTF_8));
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException("cannot read " + p + ": " + ex.getMessage(), ex);
            }
            LOG.info("Filter chain {} reloaded on request", name);
        }
        return chains().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public Set<String> filters() {
        return Collections.unmodifiableSet(new java.util.TreeSet<>(factories.keySet()));
    }
}
