package io.sluice.api.component;

/** Life-cycle state of a {@link SluiceComponent}. */
public enum ComponentState {
    /** Being set up (binding a port, opening a file). */
    STARTING,
    /** Working. */
    RUNNING,
    /** Working, but held back (the bus is full, a destination is down and being retried). */
    DEGRADED,
    /** Stopped on purpose. */
    STOPPED,
    /** Cannot work until its configuration or environment changes; see the state detail. */
    FAILED
}
