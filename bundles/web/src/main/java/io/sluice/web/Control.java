package io.sluice.web;

import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Map;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrators' actions on a component, shared by the REST API and the web console, done
 * through its configuration so that Karaf keeps them (Felix FileInstall writes the change back to
 * the component's .cfg file in etc/, so a stopped component stays stopped after a restart):
 * <ul>
 *   <li>stop: {@code enabled = false}; the component stays registered in state STOPPED (a listener
 *       closes its socket, a shipper takes no events and they wait in its stream);</li>
 *   <li>start: {@code enabled = true};</li>
 *   <li>restart: the configuration applied again unchanged (Declarative Services stops the component
 *       and starts it with it).</li>
 * </ul>
 * Stop and start are offered only for components that declare {@link SluiceComponent#STOPPABLE_PROPERTY};
 * all three need a component made from a configuration ({@code service.pid}).
 */
final class Control {
    private static final Logger LOG = LoggerFactory.getLogger(Control.class);

    /** What an administrator may do to a component. */
    enum Action { STOP, START, RESTART }

    /** Why an action cannot be done: 404 (no such component) or 409 (not for this component). */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private Control() {
    }

    static boolean stoppable(Map<String, Object> props) {
        Object v = props.get(SluiceComponent.STOPPABLE_PROPERTY);
        return v != null && "true".equalsIgnoreCase(String.valueOf(v));
    }

    /** The configuration PID a component was made from, or null when it runs on its defaults. */
    static String pid(Map<String, Object> props) {
        return props.get("service.pid") instanceof String p ? p : null;
    }

    static Action action(String name) throws Refused {
        return switch (name) {
            case "stop" -> Action.STOP;
            case "start" -> Action.START;
            case "restart" -> Action.RESTART;
            default -> throw new Refused(404, "no action '" + name + "' (stop, start, restart)");
        };
    }

    /**
     * Applies {@code action} to the component {@code name} of {@code components} (with its service
     * properties) and returns the configuration PID changed. The component changes state shortly
     * after, when Declarative Services has applied the configuration.
     */
    static String apply(ConfigurationAdmin configAdmin, Map<SluiceComponent, Map<String, Object>> components,
            String name, Action action, String user) throws Refused, IOException {
        Map.Entry<SluiceComponent, Map<String, Object>> target = components.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name)).findFirst()
                .orElseThrow(() -> new Refused(404, "no component '" + name + "'"));
        Map<String, Object> props = target.getValue();
        String pid = pid(props);
        if (pid == null) {
            throw new Refused(409, "component '" + name + "' runs on its defaults, without a configuration to change: "
                    + "create its .cfg file in etc/ first");
        }
        if (action != Action.RESTART && !stoppable(props)) {
            throw new Refused(409, "component '" + name + "' cannot be stopped and started (only restarted)");
        }
        if (configAdmin == null) {
            throw new Refused(409, "the configuration admin service is not running");
        }
        Configuration cfg = configAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> current = cfg.getProperties();
        if (current == null) {
            throw new Refused(404, "the configuration " + pid + " of component '" + name + "' is gone");
        }
        switch (action) {
            // Text, as a .cfg file holds it; the components read it as a boolean.
            case STOP -> current.put(SluiceComponent.ENABLED_PROPERTY, "false");
            case START -> current.put(SluiceComponent.ENABLED_PROPERTY, "true");
            case RESTART -> {
            }
        }
        cfg.update(current);
        LOG.info("web: user {} {} component {} (configuration {})", user, switch (action) {
            case STOP -> "stopped";
            case START -> "started";
            case RESTART -> "restarted";
        }, name, pid);
        return pid;
    }
}
