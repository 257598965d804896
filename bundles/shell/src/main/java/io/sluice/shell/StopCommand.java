package io.sluice.shell;

import io.sluice.api.component.ComponentControl;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "sluice", name = "stop", description = "Stops a listener, shipper or the filter stage "
        + "(enabled = false in its configuration: it stays stopped after a restart; a shipper's events wait).")
@Service
public class StopCommand extends ControlCommand {
    @Override
    ComponentControl.Action action() {
        return ComponentControl.Action.STOP;
    }
}
