package io.sluice.syslog;

import io.sluice.api.codec.EventParser;
import java.util.function.Consumer;

/** Where a listener gets the parser of its format: the OSGi services in Karaf, fixed parsers in tests. */
interface ParserSource {

    /**
     * Watches for the parser of {@code format}: {@code arrived} is called (maybe at once, on this
     * thread) whenever one becomes available, {@code gone} when none is left.
     *
     * @return closing it stops the watch
     */
    AutoCloseable watch(String format, Consumer<EventParser> arrived, Runnable gone);
}
