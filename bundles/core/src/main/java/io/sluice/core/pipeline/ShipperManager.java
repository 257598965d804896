package io.sluice.core.pipeline;

import io.sluice.api.Event;
import io.sluice.api.bus.Batch;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.Subscription;
import io.sluice.api.component.EventShipper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whiteboard of {@link EventShipper} services: each is subscribed to its stream ({@code events} unless
 * configured otherwise) as its own
 * consumer group, named after the shipper, and unsubscribed when its service goes away (its events
 * then wait in the bus). A bus batch is acknowledged only when the shipper's {@code ship} completed.
 */
@Component(immediate = true)
public class ShipperManager {
    private static final Logger LOG = LoggerFactory.getLogger(ShipperManager.class);

    private final EventBus bus;
    private final Map<EventShipper, List<Subscription>> subscriptions = new ConcurrentHashMap<>();

    @Activate
    public ShipperManager(@Reference(policyOption = ReferencePolicyOption.GREEDY) EventBus bus) {
        this.bus = bus;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addShipper(EventShipper shipper, Map<String, Object> props) {
        if (!enabled(props)) {
            LOG.info("Shipper {} is stopped (enabled = false in its configuration); its events wait in stream {}",
                    shipper.name(), shipper.stream());
            return;
        }
        // One member per batch the shipper may hold: the group's dispatcher hands them over in order.
        List<Subscription> members = new java.util.ArrayList<>();
        for (int i = 0; i < Math.max(1, shipper.maxInFlight()); i++) {
            members.add(bus.subscribe(shipper.stream(), shipper.name(), shipper.maxBatch(),
                    batch -> ship(shipper, batch)));
        }
        subscriptions.put(shipper, members);
        LOG.info("Shipper {} consumes stream {} ({} batch(es) in flight)", shipper.name(), shipper.stream(),
                members.size());
    }

    void removeShipper(EventShipper shipper) {
        List<Subscription> members = subscriptions.remove(shipper);
        if (members != null) {
            members.forEach(Subscription::close);
            LOG.info("Shipper {} stopped consuming; its events wait in stream {}", shipper.name(), shipper.stream());
        }
    }

    /** Adds a shipper that has no configuration (tests). */
    void addShipper(EventShipper shipper) {
        addShipper(shipper, Map.of());
    }

    /** {@code enabled} of a component's configuration, as a Boolean or as the text a .cfg file gives. */
    static boolean enabled(Map<String, Object> props) {
        Object v = props.get(io.sluice.api.component.SluiceComponent.ENABLED_PROPERTY);
        return v == null || !"false".equalsIgnoreCase(String.valueOf(v).strip());
    }

    @Deactivate
    void stop() {
        subscriptions.values().forEach(members -> members.forEach(Subscription::close));
        subscriptions.clear();
    }

    private static void ship(EventShipper shipper, Batch batch) {
        List<Event> events = batch.events();
        shipper.ship(events).whenComplete((ok, error) -> {
            if (error == null) {
                batch.ack();
            } else {
                batch.nack(error);
            }
        });
    }
}
