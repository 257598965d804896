package io.sluice.shell;

import io.sluice.api.component.SluiceComponent;
import io.sluice.api.filter.FilterChains;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

@Command(scope = "sluice", name = "status", description = "Shows every component with its state and counters, "
        + "and the counters of each filter call of the filter chains.")
@Service
public class StatusCommand implements Action {
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "component", description = "Only this component (name)", required = false)
    @Completion(ComponentNameCompleter.class)
    String only;

    @Override
    public Object execute() {
        try (Services services = new Services(context)) {
            List<SluiceComponent> components = services.all(SluiceComponent.class, null);
            components.sort(Comparator.comparing((SluiceComponent c) -> c.kind()).thenComparing(SluiceComponent::name));
            ShellTable table = new ShellTable();
            table.column("Name");
            table.column("Kind");
            table.column("State");
            for (String counter : List.of("Received", "Published", "Acked", "Failed", "Dropped", "Queued", "Bytes")) {
                table.column(counter).alignRight();
            }
            table.column("Detail").maxSize(60);
            int shown = 0;
            for (SluiceComponent c : components) {
                if (only != null && !only.equals(c.name())) {
                    continue;
                }
                Map<String, Long> n = c.counters().snapshot();
                table.addRow().addContent(c.name(), c.kind().name().toLowerCase(), c.state().name().toLowerCase(),
                        n.get("received"), n.get("published"), n.get("acked"), n.get("failed"), n.get("dropped"),
                        n.get("queued"), n.get("bytes"), c.stateDetail());
                shown++;
            }
            if (only != null && shown == 0) {
                System.err.println("No component named '" + only + "'");
                return null;
            }
            table.print(System.out);
            List<FilterChains> chains = services.all(FilterChains.class, null);
            if (!chains.isEmpty() && (only == null || only.equals("filter"))) {
                StringBuilder problems = new StringBuilder();
                ShellTable calls = FiltersCommand.table(chains.get(0), problems);
                System.out.println();
                System.out.println("Filter calls of the chains in etc/sluice/filters:");
                calls.print(System.out);
                System.out.print(problems);
            }
            return null;
        }
    }
}
