package io.sluice.shell;

import io.sluice.api.component.ComponentControl;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "sluice", name = "restart", description = "Applies a component's configuration again: it "
        + "stops and starts with it.")
@Service
public class RestartCommand extends ControlCommand {
    @Override
    ComponentControl.Action action() {
        return ComponentControl.Action.RESTART;
    }
}
