/**
 * The component whiteboard: state and counters of every component, receivers' clients, and the
 * shipper SPI.
 */
@Export
@Version("0.1.0")
package io.sluice.api.component;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
