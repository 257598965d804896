package io.sluice.api.filter;

import io.sluice.api.Event;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What a filter did to an event: nothing (no match), changed or kept it (match), dropped it, or
 * routed it to other streams.
 */
public final class FilterResult {
    private static final FilterResult NO_MATCH = new FilterResult(false, null, false, List.of(), true);
    private static final FilterResult DROP = new FilterResult(true, null, true, List.of(), true);

    private final boolean matched;
    private final Event event;
    private final boolean dropped;
    private final List<String> streams;
    private final boolean keep;

    private FilterResult(boolean matched, Event event, boolean dropped, List<String> streams, boolean keep) {
        this.matched = matched;
        this.event = event;
        this.dropped = dropped;
        this.streams = streams;
        this.keep = keep;
    }

    /** The filter did not apply; the event goes on unchanged. */
    public static FilterResult noMatch() {
        return NO_MATCH;
    }

    /**
     * The filter did not apply, and says so on the event (Logstash's {@code _grokparsefailure}
     * kind of tag): {@code event}, changed, goes on; as a condition the call is false.
     */
    public static FilterResult noMatch(Event changed) {
        return new FilterResult(false, Objects.requireNonNull(changed, "changed"), false, List.of(), true);
    }

    /** The filter applied; {@code event} (the same one, or a changed copy) goes on. */
    public static FilterResult matched(Event event) {
        return new FilterResult(true, Objects.requireNonNull(event, "event"), false, List.of(), true);
    }

    /**
     * The filter applied and sends {@code event} to {@code streams} too: the chain goes on with it,
     * and when the chain ends the event is published to each of these streams (once per stream, even
     * when routed there twice). With {@code keep} false it no longer goes to the stage's own output
     * stream; when several calls route one event, the last one decides this. Stream names are checked
     * by the caller when the chain loads.
     */
    public static FilterResult route(Event event, Collection<String> streams, boolean keep) {
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("no stream to route to");
        }
        return new FilterResult(true, Objects.requireNonNull(event, "event"), false, List.copyOf(streams), keep);
    }

    /** The event is dropped: acknowledged, counted as dropped, not passed on. */
    public static FilterResult drop() {
        return DROP;
    }

    public boolean matched() {
        return matched;
    }

    public boolean dropped() {
        return dropped;
    }

    /** The streams a {@link #route} sends the event to; empty for every other result. */
    public List<String> streams() {
        return streams;
    }

    /** False when a {@link #route} takes the event away from the stage's own output stream. */
    public boolean keep() {
        return keep;
    }

    /** The event to go on with (changed or not); null for a drop, and for a no match that left it as it was. */
    public Event event() {
        return event;
    }

    @Override
    public String toString() {
        return dropped ? "drop" : !streams.isEmpty() ? "route " + streams + (keep ? " and keep" : "")
                : matched ? "matched" : "no match";
    }
}
