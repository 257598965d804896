package io.sluice.core.pipeline;

import io.sluice.api.Event;
import io.sluice.api.bus.Batch;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.Subscription;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.SluiceComponent;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The filter stage: consumes {@code ingest} as consumer group {@code filter} with a pool of
 * members, runs the filter chain on each batch and publishes the result to {@code events}; it
 * acknowledges its input batch only once the output batch is durable. Until filter chains exist
 * (issue 5) the chain passes every event through unchanged.
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
    }

    static final String GROUP = "filter";

    private final EventBus bus;
    private final Counters counters = new Counters();
    private final List<Subscription> members = new ArrayList<>();
    private volatile ComponentState state = ComponentState.STARTING;
    private volatile String detail = "starting";

    @Activate
    public FilterStage(@Reference EventBus bus, Config config) {
        this.bus = bus;
        for (int i = 0; i < config.workers(); i++) {
            members.add(bus.subscribe(EventBus.INGEST, GROUP, config.batchSize(), this::process));
        }
        state = ComponentState.RUNNING;
        detail = config.workers() + " workers, " + EventBus.INGEST + " -> " + EventBus.EVENTS + " (pass-through)";
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
        counters.queued.addAndGet(in.size());
        bus.publish(EventBus.EVENTS, in).whenComplete((ok, error) -> {
            counters.queued.addAndGet(-in.size());
            if (error == null) {
                counters.published.add(in.size());
                counters.acked.add(in.size());
                if (state == ComponentState.DEGRADED) {
                    state = ComponentState.RUNNING;
                }
                batch.ack();
            } else {
                counters.failed.add(in.size());
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
