package io.sluice.api.component;

/**
 * A component that takes configuration changes in place (Declarative Services' modified method),
 * so that applying its configuration again would not restart it: it restarts itself instead, for
 * {@link ComponentControl.Action#RESTART}.
 */
public interface Restartable {

    /** Stops and starts again with the configuration in force (a listener closes its socket and binds again). */
    void restart();
}
