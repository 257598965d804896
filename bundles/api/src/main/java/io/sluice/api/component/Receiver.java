package io.sluice.api.component;

import java.util.List;

/** A component that takes events from senders, with the senders it has now. */
public interface Receiver extends SluiceComponent {

    /** Connected clients (for datagram receivers: recent senders), newest last. */
    List<ClientInfo> clients();
}
