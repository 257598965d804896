package io.sluice.api.component;

import java.time.Instant;

/**
 * A sender connected to a receiver.
 *
 * @param id unique for the life of the process, e.g. {@code tcp-main#17}
 * @param peer the sender's address and port
 * @param localPort the receiver's port
 * @param protocol {@code tcp}, {@code udp}, {@code unix}, {@code tls}, {@code relp}…
 * @param since when it connected (or was first seen)
 * @param events events received from it
 * @param bytes bytes received from it
 */
public record ClientInfo(String id, String peer, int localPort, String protocol, Instant since, long events,
        long bytes) {
}
