package io.sluice.api.component;

import java.io.IOException;
import java.util.Set;

/**
 * Administrators' actions on components, by name (the core's service; the web API, the web
 * console and the shell use it). They go through the component's configuration, so that Karaf keeps
 * them: Felix FileInstall writes the change back to the component's .cfg file in etc/, and a
 * stopped component stays stopped after a restart.
 */
public interface ComponentControl {

    /** What can be done to a component. */
    enum Action {
        /** {@code enabled = false}: the component stays registered in state STOPPED (see {@link SluiceComponent#STOPPABLE_PROPERTY}). */
        STOP,
        /** {@code enabled = true}. */
        START,
        /**
         * Stops and starts the component with its configuration: a {@link Restartable} one by itself
         * (components that take configuration changes in place, like the listeners), any other by
         * applying its configuration again (Declarative Services stops it and starts it with it).
         */
        RESTART;

        /**
         * The action named {@code name} ({@code stop}, {@code start}, {@code restart}, as the web API
         * and the console name them), or null.
         */
        public static Action named(String name) {
            return switch (String.valueOf(name)) {
                case "stop" -> STOP;
                case "start" -> START;
                case "restart" -> RESTART;
                default -> null;
            };
        }
    }

    /**
     * The actions component {@code name} takes: none for a component running on its defaults
     * (no configuration to change), RESTART for any other, STOP and START too for the
     * {@link SluiceComponent#STOPPABLE_PROPERTY stoppable} ones.
     *
     * @throws java.util.NoSuchElementException when there is no such component
     */
    Set<Action> actions(String name);

    /**
     * Applies {@code action} to component {@code name} on behalf of {@code user} (logged) and returns
     * the configuration PID it changed. The component follows within moments, when Declarative
     * Services has applied the configuration.
     *
     * @throws java.util.NoSuchElementException when there is no such component
     * @throws UnsupportedOperationException when the component does not take this action (the message says why)
     * @throws IOException when the configuration cannot be read or written
     */
    String apply(String name, Action action, String user) throws IOException;
}
