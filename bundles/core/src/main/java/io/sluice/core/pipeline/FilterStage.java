package io.sluice.core.pipeline;

import io.sluice.api.Event;
import io.sluice.api.bus.Batch;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.Subscription;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.SluiceComponent;
import io.sluice.api.filter.FilterChains;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The filter stage: consumes {@code ingest} as consumer group {@code filter} with a pool of
 * members, runs the filter chain on each batch and publishes the result to {@code events}; it
 * acknowledges its input batch only once the output batch is durable. The chain is the
 * {@link FilterChains} service's chain named by {@code chain} (sluice-filter-core: the file
 * etc/sluice/filters/NAME.filter); with {@code chain} empty, events pass unchanged. With a chain
 * named, the stage never passes events on without it: while the service is missing (sluice-filter-core
 * not started yet, or being updated) it holds them, as it does for a chain that cannot run. A file
 * missing for the chain means no filtering (the service passes them). Events the chain drops are acknowledged with their batch and counted as dropped. A
 * chain that cannot run (a filter it calls is not installed) holds the batch: it is refused and
 * delivered again, never passed on unfiltered.
 */
@Component(service = SluiceComponent.class, immediate = true, configurationPid = "io.sluice.core.filter",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = {SluiceComponent.NAME_PROPERTY + "=filter", SluiceComponent.STOPPABLE_PROPERTY + ":Boolean=true"})
@Designate(ocd = FilterStage.Config.class)
public class FilterStage implements SluiceComponent {

    @ObjectClassDefinition(name = "Sluice filter stage", description = "Moves events from ingest to events.")
    public @interface Config {
        @AttributeDefinition(description = "Batches the filter stage holds at once: with two, the next batch is "
                + "taken while the previous one is being made durable. Order is kept: batches are taken, filtered "
                + "and published one after the other, in stream order.", min = "1")
        int workers() default 2;

        @AttributeDefinition(description = "Largest batch a worker takes, in events.", min = "1")
        int batchSize() default 5000;

        @AttributeDefinition(description = "Threads that run the chain over one batch: a batch of at least "
                + "2 x 256 events is cut into this many slices run in parallel, and put back in order. 0: one per "
                + "processor.", min = "0")
        int threads() default 0;

        @AttributeDefinition(description = "The filter chain run on every event (etc/sluice/filters/NAME.filter, "
                + "feature sluice-filter-core). Empty: none, events pass unchanged. When set, events wait while the "
                + "filter chains service is not running instead of passing unfiltered.")
        String chain() default "";

        @AttributeDefinition(description = "More input streams, each with its own chain: stream=chain pairs "
                + "(comma-separated), e.g. ingest-web=web. A listener with stream = ingest-web in its .cfg then has its "
                + "events filtered by etc/sluice/filters/web.filter; the result goes to events like the rest.")
        String[] bindings() default {};

        @AttributeDefinition(description = "Run the filter stage on this node. false: it consumes nothing (a node of "
                + "receivers only, or of shippers only, with the RabbitMQ transport); the input streams wait in the bus "
                + "for the nodes that filter them.")
        boolean enabled() default true;
    }

    /** One input stream and the chain run over its events (empty: none). */
    record Binding(String input, String chain) {
    }

    static final String GROUP = "filter";
    /** Smallest slice of a batch worth a thread of its own. */
    static final int MIN_SLICE = 256;
    private static final java.util.regex.Pattern STREAM = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private final EventBus bus;
    private final List<Binding> bindings;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FilterChains chains;
    private final Counters counters = new Counters();
    private final List<Subscription> members = new ArrayList<>();
    private final int threads;
    private final ExecutorService pool;
    private volatile ComponentState state = ComponentState.STARTING;
    private volatile String detail = "starting";

    @Activate
    public FilterStage(@Reference(policyOption = ReferencePolicyOption.GREEDY) EventBus bus, Config config) {
        this.bus = bus;
        this.bindings = bindings(config);
        this.threads = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
        AtomicInteger n = new AtomicInteger();
        boolean anyChain = bindings.stream().anyMatch(b -> !b.chain().isEmpty());
        this.pool = threads <= 1 || !anyChain ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "sluice-filter-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        if (!config.enabled()) {
            state = ComponentState.STOPPED;
            detail = "disabled on this node (enabled = false in io.sluice.core.filter.cfg)";
            return;
        }
        for (Binding b : bindings) {
            for (int i = 0; i < config.workers(); i++) {
                members.add(bus.subscribe(b.input(), GROUP, config.batchSize(), batch -> process(batch, b)));
            }
        }
        state = ComponentState.RUNNING;
        detail = running();
    }

    /** Sets the chains service, as DS does (for tests without OSGi). */
    void chains(FilterChains c) {
        this.chains = c;
    }

    @Deactivate
    public void stop() {
        members.forEach(Subscription::close);
        members.clear();
        if (pool != null) {
            pool.shutdown(); // slices already queued still run: a batch being filtered finishes
        }
        state = ComponentState.STOPPED;
        detail = "stopped";
    }

    private static List<Binding> bindings(Config config) {
        Map<String, Binding> out = new LinkedHashMap<>();
        out.put(EventBus.INGEST, new Binding(EventBus.INGEST, config.chain().strip()));
        for (String item : config.bindings()) {
            for (String pair : item.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String input = eq < 0 ? "" : pair.substring(0, eq).strip();
                String chain = eq < 0 ? "" : pair.substring(eq + 1).strip();
                if (!STREAM.matcher(input).matches() || input.equals(EventBus.EVENTS)) {
                    throw new IllegalArgumentException("bindings: '" + pair.strip() + "' is not stream=chain with a "
                            + "stream name other than events");
                }
                if (out.containsKey(input)) {
                    throw new IllegalArgumentException("bindings: stream " + input + " is bound twice (ingest is bound "
                            + "by chain)");
                }
                out.put(input, new Binding(input, chain));
            }
        }
        return List.copyOf(out.values());
    }

    private String running() {
        StringBuilder b = new StringBuilder();
        b.append(members.size()).append(" workers, ").append(pool == null ? 1 : threads).append(" thread(s), ");
        for (Binding x : bindings) {
            b.append(x.input()).append(" -> ").append(EventBus.EVENTS)
                    .append(x.chain().isEmpty() ? " (no chain)" : " (chain " + x.chain() + ")").append("; ");
        }
        return b.substring(0, b.length() - 2);
    }

    private void process(Batch batch, Binding binding) {
        String chain = binding.chain();
        List<Event> in = batch.events();
        counters.received.add(in.size());
        FilterChains.Output out;
        if (chain.isEmpty()) {
            out = FilterChains.Output.unchanged(in);
        } else {
            FilterChains c = chains;
            try {
                if (c == null) {
                    throw new FilterChains.ChainUnavailableException("chain " + chain + " waits for the filter chains "
                            + "service (feature sluice-filter-core)");
                }
                out = run(c, chain, in);
                if (out.routed().containsKey(binding.input())) {
                    throw new FilterChains.ChainUnavailableException("chain " + chain + " routes events to "
                            + binding.input() + ", its own input stream: a loop; fix the chain");
                }
            } catch (FilterChains.ChainUnavailableException e) {
                counters.failed.add(in.size());
                state = ComponentState.DEGRADED;
                detail = e.getMessage() + " (events wait in " + binding.input() + ")";
                batch.nack(e);
                return;
            }
        }
        counters.dropped.add(out.dropped());
        int published = out.published();
        if (published == 0) {
            counters.acked.add(in.size());
            batch.ack();
            return;
        }
        counters.queued.addAndGet(published);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        if (!out.events().isEmpty()) {
            writes.add(bus.publish(EventBus.EVENTS, out.events()).toCompletableFuture());
        }
        out.routed().forEach((stream, events) -> writes.add(bus.publish(stream, events).toCompletableFuture()));
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            counters.queued.addAndGet(-published);
            if (error == null) {
                counters.published.add(published);
                counters.acked.add(in.size());
                if (state == ComponentState.DEGRADED) {
                    state = ComponentState.RUNNING;
                    detail = running();
                }
                batch.ack();
            } else {
                // a stream that took its events keeps them: they come again with the redelivered batch
                // (at least once, as everywhere on the bus)
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                counters.failed.add(published);
                state = ComponentState.DEGRADED;
                detail = "cannot publish: " + cause.getMessage();
                batch.nack(cause);
            }
        });
    }

    /** Runs the chain over a batch, cut into slices run in parallel when it is large enough. */
    private FilterChains.Output run(FilterChains c, String chain, List<Event> in) throws FilterChains.ChainUnavailableException {
        int slices = pool == null ? 1 : Math.min(threads, in.size() / MIN_SLICE);
        if (slices <= 1) {
            return c.run(chain, in);
        }
        int size = (in.size() + slices - 1) / slices;
        List<List<Event>> cuts = new ArrayList<>();
        for (int from = 0; from < in.size(); from += size) {
            cuts.add(in.subList(from, Math.min(in.size(), from + size)));
        }
        List<CompletableFuture<FilterChains.Output>> rest = new ArrayList<>();
        for (List<Event> slice : cuts.subList(1, cuts.size())) {
            rest.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return c.run(chain, slice);
                } catch (FilterChains.ChainUnavailableException e) {
                    throw new CompletionException(e);
                }
            }, pool));
        }
        List<FilterChains.Output> parts = new ArrayList<>();
        FilterChains.ChainUnavailableException unavailable = null;
        try {
            parts.add(c.run(chain, cuts.get(0)));
        } catch (FilterChains.ChainUnavailableException e) {
            unavailable = e;
        }
        for (CompletableFuture<FilterChains.Output> f : rest) {
            try {
                parts.add(f.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof FilterChains.ChainUnavailableException u) {
                    unavailable = u;
                } else {
                    throw e;
                }
            }
        }
        if (unavailable != null) {
            throw unavailable;
        }
        boolean unchanged = true;
        for (int i = 0; i < parts.size(); i++) {
            FilterChains.Output p = parts.get(i);
            unchanged &= p.events() == cuts.get(i) && p.routed().isEmpty() && p.dropped() == 0;
        }
        if (unchanged) {
            // an empty chain: the batch stays the bus's own list, written on as stored, never decoded
            return FilterChains.Output.unchanged(in);
        }
        List<Event> events = new ArrayList<>(in.size());
        Map<String, List<Event>> routed = new LinkedHashMap<>();
        int dropped = 0;
        for (FilterChains.Output p : parts) {
            events.addAll(p.events());
            p.routed().forEach((stream, r) -> routed.computeIfAbsent(stream, k -> new ArrayList<>()).addAll(r));
            dropped += p.dropped();
        }
        return new FilterChains.Output(events, routed, dropped);
    }

    @Override
    public String name() {
        return GROUP;
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
