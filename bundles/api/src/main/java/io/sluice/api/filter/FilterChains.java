package io.sluice.api.filter;

import io.sluice.api.Event;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loaded filter chains, as the filter stage runs them (the service of sluice-filter-core).
 * Each call runs one whole batch on one version of a chain: a chain reloaded meanwhile applies
 * from the next batch on.
 */
public interface FilterChains {

    /**
     * Runs chain {@code name} over {@code events}: the events to pass on to the stage's own output
     * stream, in order (dropped ones left out), and those a filter routed to other streams. With no
     * chain of that name loaded, the events pass unchanged.
     *
     * @throws ChainUnavailableException when the chain exists but cannot run now (a filter it calls
     *         is not installed): the caller must not pass the events on unfiltered, but retry later
     */
    Output run(String name, List<Event> events) throws ChainUnavailableException;

    /**
     * What a chain made of a batch. {@code events}: those for the stage's own output stream, in input
     * order; {@code routed}: by stream name, those a filter sent elsewhere (see
     * {@link FilterResult#route}), in input order; {@code dropped}: how many were dropped. An event
     * routed to two streams is in both lists; one routed and kept is in {@code events} too.
     */
    record Output(List<Event> events, Map<String, List<Event>> routed, int dropped) {
        /**
         * The lists are taken as they are, not copied: a batch passed on unchanged stays the bus's
         * own list, which it writes on as stored without decoding a single event. Callers must not
         * change them afterwards.
         */
        public Output {
            java.util.Objects.requireNonNull(events, "events");
            routed = Map.copyOf(routed);
        }

        /** Every event goes on to the output stream unchanged. */
        public static Output unchanged(List<Event> events) {
            return new Output(events, Map.of(), 0);
        }

        /** How many events went out, counting an event once per stream. */
        public int published() {
            int n = events.size();
            for (List<Event> r : routed.values()) {
                n += r.size();
            }
            return n;
        }
    }

    /** The chains known now (loaded or refused), by name. */
    List<ChainStatus> chains();

    /**
     * Reads chain {@code name}'s file again now, whether or not it looks changed (the registry also
     * reloads changed files by itself, every few seconds), and returns its status afterwards: with
     * {@code lastError} set when the new version was refused (the previous one keeps running). A
     * chain whose file is gone is forgotten (its events then pass unfiltered by it).
     *
     * @throws java.util.NoSuchElementException when there is neither such a chain nor such a file
     */
    ChainStatus reload(String name);

    /** The names of the filters installed now (built-in and plugins). */
    Set<String> filters();

    /**
     * One chain file: {@code problem} says why it cannot run now (null when it runs),
     * {@code lastError} the error of its newest version (null when that version loaded), and
     * {@code calls} the counters of each filter call of the running version, in file order.
     */
    record ChainStatus(String name, String file, String problem, String lastError, List<CallStats> calls) {
    }

    /** Counters of one filter call site: calls, matches, failures (exceptions, time-outs), time spent. */
    record CallStats(String filter, int line, long calls, long matched, long failed, long nanos) {
    }

    /** Thrown by {@link FilterChains#run} while a chain waits for a filter that went away. */
    final class ChainUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        public ChainUnavailableException(String message) {
            super(message);
        }
    }
}
