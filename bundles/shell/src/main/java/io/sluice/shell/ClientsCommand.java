package io.sluice.shell;

import io.sluice.api.component.ClientInfo;
import io.sluice.api.component.Receiver;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

@Command(scope = "sluice", name = "clients", description = "Lists the senders connected to each receiver.")
@Service
public class ClientsCommand implements Action {
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "receiver", description = "Only this receiver (name)", required = false)
    @Completion(ComponentNameCompleter.class)
    String only;

    @Override
    public Object execute() {
        try (Services services = new Services(context)) {
            List<Receiver> receivers = services.all(Receiver.class, null);
            receivers.sort(Comparator.comparing(Receiver::name));
            ShellTable table = new ShellTable();
            for (String c : List.of("Receiver", "Client", "Peer", "Protocol", "Port", "Since")) {
                table.column(c);
            }
            table.column("Events").alignRight();
            table.column("Bytes").alignRight();
            for (Receiver r : receivers) {
                if (only != null && !only.equals(r.name())) {
                    continue;
                }
                for (ClientInfo c : r.clients()) {
                    table.addRow().addContent(r.name(), c.id(), c.peer(), c.protocol(), c.localPort(), c.since(),
                            c.events(), c.bytes());
                }
            }
            table.print(System.out);
            return null;
        }
    }
}
