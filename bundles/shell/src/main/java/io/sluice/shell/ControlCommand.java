package io.sluice.shell;

import io.sluice.api.component.ComponentControl;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/**
 * {@code sluice:stop}, {@code sluice:start}, {@code sluice:restart}: the administrators' actions of
 * the web page and console, from the shell (the core's {@link ComponentControl}: stop and start
 * write {@code enabled} into the component's configuration, so they last across restarts).
 */
public abstract class ControlCommand implements Action {
    @Reference
    BundleContext context;

    @Reference(optional = true)
    Session session;

    @Argument(index = 0, name = "component", description = "The component (name, as sluice:status shows it)",
            required = true)
    @Completion(ComponentNameCompleter.class)
    String name;

    abstract ComponentControl.Action action();

    @Override
    public Object execute() throws Exception {
        try (Services services = new Services(context)) {
            ComponentControl control = services.one(ComponentControl.class, null,
                    "The core's component control is not running (feature sluice-core)");
            String user = session == null ? "shell" : "shell:" + session.get("USER");
            try {
                String pid = control.apply(name, action(), user);
                System.out.println(switch (action()) {
                    case STOP -> "Stopping ";
                    case START -> "Starting ";
                    case RESTART -> "Restarting ";
                } + name + " (configuration " + pid + "); sluice:status " + name + " shows when it is "
                        + (action() == ComponentControl.Action.STOP ? "stopped" : "running") + ".");
            } catch (NoSuchElementException | UnsupportedOperationException e) {
                System.err.println("Cannot " + action().name().toLowerCase(Locale.ROOT) + " " + name + ": " + e.getMessage());
            }
            return null;
        }
    }
}
