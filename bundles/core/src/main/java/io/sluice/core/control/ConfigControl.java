package io.sluice.core.control;

import io.sluice.api.component.ComponentControl;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ComponentControl} through Configuration Admin: stop writes {@code enabled = false} into the
 * component's configuration, start {@code enabled = true}, restart applies it again unchanged.
 */
@Component(service = ComponentControl.class)
public class ConfigControl implements ComponentControl {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigControl.class);

    private final ConfigurationAdmin configAdmin;
    private final Map<SluiceComponent, Map<String, Object>> components = new ConcurrentHashMap<>();

    @Activate
    public ConfigControl(@Reference ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addComponent(SluiceComponent c, Map<String, Object> props) {
        components.put(c, props);
    }

    void removeComponent(SluiceComponent c) {
        components.remove(c);
    }

    @Override
    public Set<Action> actions(String name) {
        return actions(properties(name));
    }

    static Set<Action> actions(Map<String, Object> props) {
        if (!(props.get("service.pid") instanceof String)) {
            return EnumSet.noneOf(Action.class);
        }
        Object stoppable = props.get(SluiceComponent.STOPPABLE_PROPERTY);
        return stoppable != null && "true".equalsIgnoreCase(String.valueOf(stoppable))
                ? EnumSet.allOf(Action.class) : EnumSet.of(Action.RESTART);
    }

    @Override
    public String apply(String name, Action action, String user) throws IOException {
        SluiceComponent component = components.keySet().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no component '" + name + "'"));
        Map<String, Object> props = properties(name);
        if (!(props.get("service.pid") instanceof String pid)) {
            throw new UnsupportedOperationException("component '" + name + "' runs on its defaults, without a "
                    + "configuration to change: create its .cfg file in etc/ first");
        }
        if (!actions(props).contains(action)) {
            throw new UnsupportedOperationException("component '" + name + "' cannot be stopped and started "
                    + "(only restarted)");
        }
        Configuration cfg = configAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> current = cfg.getProperties();
        if (current == null) {
            throw new NoSuchElementException("the configuration " + pid + " of component '" + name + "' is gone");
        }
        switch (action) {
            // Text, as a .cfg file holds it; the components read it as a boolean.
            case STOP -> current.put(SluiceComponent.ENABLED_PROPERTY, "false");
            case START -> current.put(SluiceComponent.ENABLED_PROPERTY, "true");
            case RESTART -> {
            }
        }
        if (action == Action.RESTART && component instanceof io.sluice.api.component.Restartable r) {
            // It takes an unchanged configuration in place: it restarts itself instead.
            r.restart();
        } else {
            cfg.update(current);
        }
        LOG.info("user {} {} component {} (configuration {})", user, switch (action) {
            case STOP -> "stopped";
            case START -> "started";
            case RESTART -> "restarted";
        }, name, pid);
        return pid;
    }

    private Map<String, Object> properties(String name) {
        return components.entrySet().stream().filter(e -> e.getKey().name().equals(name)).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new NoSuchElementException("no component '" + name + "'"));
    }
}
