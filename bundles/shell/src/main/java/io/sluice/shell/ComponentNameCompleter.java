package io.sluice.shell;

import io.sluice.api.component.SluiceComponent;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;

/** Completes the names of the running components. */
@Service
public class ComponentNameCompleter implements Completer {
    @Reference
    BundleContext context;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        try (Services services = new Services(context)) {
            StringsCompleter names = new StringsCompleter();
            for (SluiceComponent c : services.all(SluiceComponent.class, null)) {
                names.getStrings().add(c.name());
            }
            return names.complete(session, commandLine, candidates);
        }
    }
}
