package io.sluice.shipper.file;

import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterOptions;

/** Where the shipper gets the formatter of its format: the OSGi services in Karaf, the codec in tests. */
interface FormatterSource {

    /**
     * The formatter of {@code format} now, or null when none is registered.
     *
     * @throws IllegalArgumentException when the format refuses the options (e.g. a bad template)
     */
    EventFormatter formatter(String format, FormatterOptions options);

    default void close() {
    }
}
