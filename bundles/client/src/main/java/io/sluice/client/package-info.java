/**
 * Clients that send syslog messages to Sluice (or any RELP or syslog server):
 * {@link io.sluice.client.RelpClient}, which completes each message's future only when the server
 * answered {@code 200} and resends every unanswered frame after a reconnect, and
 * {@link io.sluice.client.SyslogClient} for plain TCP or TLS (RFC 6587 / RFC 5425 framing).
 */
@Export
@Version("0.1.0")
package io.sluice.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
