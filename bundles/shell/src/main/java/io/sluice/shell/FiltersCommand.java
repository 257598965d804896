package io.sluice.shell;

import io.sluice.api.filter.FilterChains;
import io.sluice.api.filter.FilterChains.CallStats;
import io.sluice.api.filter.FilterChains.ChainStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

@Command(scope = "sluice", name = "filters",
        description = "Shows the filter chains (etc/sluice/filters/), their state and last error, the counters of "
                + "each filter call, and the filters installed.")
@Service
public class FiltersCommand implements Action {
    @Reference
    BundleContext context;

    @Override
    public Object execute() {
        try (Services services = new Services(context)) {
            FilterChains chains = services.one(FilterChains.class, null,
                    "No filter chains are loaded (feature sluice-filter-core)");
            StringBuilder errors = new StringBuilder();
            table(chains, errors).print(System.out);
            if (errors.length() > 0) {
                System.out.print(errors);
            }
            System.out.println("Filters installed: " + String.join(", ", chains.filters()));
            return null;
        }
    }

    /**
     * The chains and the counters of each filter call (also shown by sluice:status); why a chain
     * holds events or what its newest version's error was goes to {@code errors}, one line each.
     */
    static ShellTable table(FilterChains chains, StringBuilder errors) {
        ShellTable table = new ShellTable();
        table.column("Chain");
        table.column("State");
        table.column("Filter");
        table.column("Line").alignRight();
        table.column("Calls").alignRight();
        table.column("Matched").alignRight();
        table.column("Failed").alignRight();
        table.column("us/call").alignRight();
        for (ChainStatus c : chains.chains()) {
            String state = c.problem() == null ? "running" : "holding events";
            if (c.calls().isEmpty()) {
                table.addRow().addContent(c.name(), state, "(no filter calls)", "", "", "", "", "");
            }
            boolean first = true;
            for (CallStats s : c.calls()) {
                table.addRow().addContent(first ? c.name() : "", first ? state : "", s.filter(), s.line(), s.calls(),
                        s.matched(), s.failed(), s.calls() == 0 ? "" : String.format("%.1f", s.nanos() / 1000.0 / s.calls()));
                first = false;
            }
            if (c.problem() != null) {
                errors.append(c.name()).append(": ").append(c.problem()).append('\n');
            } else if (c.lastError() != null) {
                errors.append(c.name()).append(": newest version refused, previous one running: ")
                        .append(c.lastError()).append('\n');
            }
        }
        return table;
    }
}
