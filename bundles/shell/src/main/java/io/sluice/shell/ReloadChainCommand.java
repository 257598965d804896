package io.sluice.shell;

import io.sluice.api.filter.FilterChains;
import java.util.NoSuchElementException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

@Command(scope = "sluice", name = "reload-chain", description = "Reads a filter chain's file (etc/sluice/filters/"
        + "NAME.filter) again now; chains also reload by themselves when their file changes.")
@Service
public class ReloadChainCommand implements Action {
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "chain", description = "The chain's name (its file name without .filter)",
            required = true)
    String name;

    @Override
    public Object execute() {
        try (Services services = new Services(context)) {
            FilterChains chains = services.one(FilterChains.class, null,
                    "No filter chains are loaded (feature sluice-filter-core)");
            try {
                FilterChains.ChainStatus st = chains.reload(name);
                if (st.lastError() != null) {
                    System.err.println("Chain " + name + ": the new version is refused, the previous one keeps running: "
                            + st.lastError());
                } else if (st.problem() != null) {
                    System.out.println("Chain " + name + ": " + st.problem());
                } else {
                    System.out.println("Chain " + name + " reloaded (" + st.calls().size() + " filter call(s)).");
                }
            } catch (NoSuchElementException e) {
                System.err.println(e.getMessage());
            }
            return null;
        }
    }
}
