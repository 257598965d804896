/**
 * The event bus: durable named streams with consumer groups, and the acknowledgement rule.
 */
@Export
@Version("0.2.0")
package io.sluice.api.bus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
