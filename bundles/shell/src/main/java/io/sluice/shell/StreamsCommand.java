package io.sluice.shell;

import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.StreamStats;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

@Command(scope = "sluice", name = "streams",
        description = "Shows each stream of the event bus: depth, size, and each consumer group's position and lag.")
@Service
public class StreamsCommand implements Action {
    @Reference
    BundleContext context;

    @Override
    public Object execute() {
        try (Services services = new Services(context)) {
            EventBus bus = services.one(EventBus.class, null, "No event bus is running (feature sluice-core)");
            ShellTable table = new ShellTable();
            table.column("Stream");
            table.column("Group");
            table.column("First").alignRight();
            table.column("End").alignRight();
            table.column("Depth").alignRight();
            table.column("Position").alignRight();
            table.column("Lag").alignRight();
            table.column("Bytes").alignRight();
            table.column("Limit").alignRight();
            for (String name : bus.streams()) {
                StreamStats s = bus.stats(name);
                if (s == null) {
                    continue;
                }
                table.addRow().addContent(name, "", s.firstOffset(), s.endOffset(), s.depth(), "", "", s.bytes(),
                        s.maxBytes());
                for (Map.Entry<String, Long> g : s.groups().entrySet()) {
                    table.addRow().addContent("", g.getKey(), "", "", "", g.getValue(), s.lag(g.getKey()), "", "");
                }
            }
            table.print(System.out);
            return null;
        }
    }
}
