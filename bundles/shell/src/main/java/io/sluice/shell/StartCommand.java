package io.sluice.shell;

import io.sluice.api.component.ComponentControl;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "sluice", name = "start", description = "Starts a component stopped with sluice:stop "
        + "(enabled = true in its configuration).")
@Service
public class StartCommand extends ControlCommand {
    @Override
    ComponentControl.Action action() {
        return ComponentControl.Action.START;
    }
}
