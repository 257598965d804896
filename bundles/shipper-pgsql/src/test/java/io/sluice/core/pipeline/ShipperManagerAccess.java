package io.sluice.core.pipeline;

import io.sluice.api.bus.EventBus;
import io.sluice.api.component.EventShipper;

/** The core's shipper whiteboard driven by hand, as DS drives it (tests only; same package). */
public final class ShipperManagerAccess {
    private ShipperManagerAccess() {
    }

    /** Subscribes {@code shipper} to its stream as its own consumer group; close to unsubscribe. */
    public static AutoCloseable start(EventBus bus, EventShipper shipper) {
        ShipperManager m = new ShipperManager(bus);
        m.addShipper(shipper);
        return m::stop;
    }
}
