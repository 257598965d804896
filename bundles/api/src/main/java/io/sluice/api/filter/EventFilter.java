package io.sluice.api.filter;

import io.sluice.api.Event;

/**
 * One filter of a chain, made by a {@link FilterFactory} from the arguments written in the chain
 * file. Called from several worker threads at once: an implementation must be thread-safe (keep
 * state in the arguments it was made with, or make it thread-safe).
 *
 * <p>In a chain, a call {@code name(...)} runs the filter; as a condition, {@code if name(...) { }}
 * branches on whether it {@linkplain FilterResult#matched() matched}.
 */
@FunctionalInterface
public interface EventFilter {

    /**
     * Applies the filter to one event. Never throws for a bad event: a filter that cannot handle an
     * event answers {@link FilterResult#noMatch()} (an exception is counted as a failure of this
     * filter, and the event goes on unchanged).
     */
    FilterResult filter(Event event);
}
