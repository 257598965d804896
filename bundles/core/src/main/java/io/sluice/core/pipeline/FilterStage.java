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
import java.util.List;
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
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = SluiceComponent.NAME_PROPERTY + "=filter")
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

        @AttributeDefinition(description = "The filter chain run on every event (etc/sluice/filters/NAME.filter, "
                + "feature sluice-filter-core). Empty: none, events pass unchanged. When set, events wait while the "
                + "filter chains service is not running instead of passing unfiltered.")
        String chain() default "";
    }

    static final String GROUP = "filter";

    private final EventBus bus;
    private final String chain;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FilterChains chains;
    private final Counters counters = new Counters();
    private final List<Subscription> members = new ArrayList<>();
    private volatile ComponentState state = ComponentState.STARTING;
    private volatile String detail = "starting";

    @Activate
    public FilterStage(@Reference EventBus bus, Config config) {
        this.bus = bus;
        this.chain = config.chain();
        for (int i = 0; i < config.workers(); i++) {
            members.add(bus.subscribe(EventBus.INGEST, GROUP, config.batchSize(), this::process));
        }
        state = ComponentState.RUNNING;
        detail = config.workers() + " workers, " + EventBus.INGEST + " -> " + EventBus.EVENTS + (chain.isEmpty() ? " (no chain)" : " (chain " + chain + ")");
    }

    /** Sets the chains service, as DS does (for tests without OSGi). */
    void chains(FilterChains c) {
        this.chains = c;
    }

    @Deactivate
    public void stop() {
        members.forEach(Subscription::close);
        members.clear();
        state = ComponentState.STOPPED;
        detail = "stopped";
    }

    private void process(Batch batch) {
        List<Event> in = batch.events();
        counters.received.add(in.size());
        List<Event> out;
        if (chain.isEmpty()) {
            out = in;
        } else {
            FilterChains c = chains;
            try {
                if (c == null) {
                    throw new FilterChains.ChainUnavailableException("chain " + chain + " waits for the filter chains "
                            + "service (feature sluice-filter-core)");
                }
                out = c.run(chain, in);
            } catch (FilterChains.ChainUnavailableException e) {
                counters.failed.add(in.size());
                state = ComponentState.DEGRADED;
                detail = e.getMessage() + " (events wait in " + EventBus.INGEST + ")";
                batch.nack(e);
                return;
            }
        }
        int dropped = in.size() - out.size();
        counters.dropped.add(dropped);
        if (out.isEmpty()) {
            counters.acked.add(in.size());
            batch.ack();
            return;
        }
        counters.queued.addAndGet(out.size());
        bus.publish(EventBus.EVENTS, out).whenComplete((ok, error) -> {
            counters.queued.addAndGet(-out.size());
            if (error == null) {
                counters.published.add(out.size());
                counters.acked.add(in.size());
                if (state == ComponentState.DEGRADED) {
                    state = ComponentState.RUNNING;
                    detail = "running, " + EventBus.INGEST + " -> " + EventBus.EVENTS
                            + (chain.isEmpty() ? " (no chain)" : " (chain " + chain + ")");
                }
                batch.ack();
            } else {
                counters.failed.add(out.size());
                state = ComponentState.DEGRADED;
                detail = "cannot publish to " + EventBus.EVENTS + ": " + error.getMessage();
                batch.nack(error);
            }
        });
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
