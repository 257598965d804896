/**
 * The filter SPI: {@link io.sluice.api.filter.FilterFactory} services make the
 * {@link io.sluice.api.filter.EventFilter}s that chain files (etc/sluice/filters/) call by name.
 * Third-party filters are bundles that register a factory; see docs/filters.md.
 */
@Export
@Version("0.1.0")
package io.sluice.api.filter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
