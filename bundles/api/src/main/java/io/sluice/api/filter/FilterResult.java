package io.sluice.api.filter;

import io.sluice.api.Event;
import java.util.Objects;

/** What a filter did to an event: nothing (no match), changed or kept it (match), or dropped it. */
public final class FilterResult {
    private static final FilterResult NO_MATCH = new FilterResult(false, null, false);
    private static final FilterResult DROP = new FilterResult(true, null, true);

    private final boolean matched;
    private final Event event;
    private final boolean dropped;

    private FilterResult(boolean matched, Event event, boolean dropped) {
        this.matched = matched;
        this.event = event;
        this.dropped = dropped;
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
        return new FilterResult(false, Objects.requireNonNull(changed, "changed"), false);
    }

    /** The filter applied; {@code event} (the same one, or a changed copy) goes on. */
    public static FilterResult matched(Event event) {
        return new FilterResult(true, Objects.requireNonNull(event, "event"), false);
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

    /** The event to go on with (changed or not); null for a drop, and for a no match that left it as it was. */
    public Event event() {
        return event;
    }

    @Override
    public String toString() {
        return dropped ? "drop" : matched ? "matched" : "no match";
    }
}
