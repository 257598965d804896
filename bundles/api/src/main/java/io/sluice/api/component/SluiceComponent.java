package io.sluice.api.component;

/**
 * Anything whose state and counters operators see: receivers, filters, shippers, capture handlers,
 * audit hooks. Register implementations as OSGi services (of this interface or a sub-interface);
 * the core's registry tracks them for {@code sluice:status}, the web page and the metrics endpoint.
 */
public interface SluiceComponent {
    /** Service property carrying {@link #name()}, for filters such as {@code (sluice.name=tcp-main)}. */
    String NAME_PROPERTY = "sluice.name";

    /**
     * Service property ({@code Boolean true}) of a component that stops when its configuration says
     * {@code enabled = false} and starts again with {@code enabled = true}, staying registered in state
     * {@link ComponentState#STOPPED} meanwhile. The web API and the web console offer stop and start
     * only for components that declare it; a shipper's events wait in its stream while it is stopped.
     */
    String STOPPABLE_PROPERTY = "sluice.stoppable";

    /**
     * Service property naming the external service a component works with ({@code postgresql},
     * {@code rabbitmq}, {@code redis}), so that pages can show the state of those services.
     */
    String SERVICE_PROPERTY = "sluice.service";

    /** Configuration property that stops (false) or starts (true) a {@link #STOPPABLE_PROPERTY stoppable} component. */
    String ENABLED_PROPERTY = "enabled";

    /** Unique among components, stable across restarts (it names consumer groups); e.g. {@code tcp-main}. */
    String name();

    Kind kind();

    ComponentState state();

    /** One line for people: what it is doing, or why it is not ("listening on 127.0.0.1:5514"). */
    String stateDetail();

    Counters counters();

    /** What a component does in the pipeline. */
    enum Kind { RECEIVER, STAGE, FILTER, SHIPPER, CAPTURE, AUDIT }
}
