/**
 * Sluice's event model: {@link io.sluice.api.Event}, {@link io.sluice.api.Severity},
 * {@link io.sluice.api.Facility}, deterministic ids ({@link io.sluice.api.EventIds}) and HMAC
 * signatures ({@link io.sluice.api.EventSigner}).
 */
@Export
@Version("0.1.0")
package io.sluice.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
