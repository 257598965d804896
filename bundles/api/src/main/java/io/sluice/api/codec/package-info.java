/**
 * The codec SPI: {@link io.sluice.api.codec.EventParser} and
 * {@link io.sluice.api.codec.EventFormatter}, made by factories registered as OSGi services.
 */
@Export
@Version("0.1.0")
package io.sluice.api.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
