package io.sluice.api.component;

/**
 * Anything whose state and counters operators see: receivers, filters, shippers, capture handlers,
 * audit hooks. Register implementations as OSGi services (of this interface or a sub-interface);
 * the core's registry tracks them for {@code sluice:status}, the web page and the metrics endpoint.
 */
public interface SluiceComponent {
    /** Service property carrying {@link #name()}, for filters such as {@code (sluice.name=tcp-main)}. */
    String NAME_PROPERTY = "sluice.name";

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
