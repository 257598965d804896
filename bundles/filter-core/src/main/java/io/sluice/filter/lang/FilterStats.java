package io.sluice.filter.lang;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one filter call site in a chain: calls, matches, failures (exceptions) and time spent. */
public final class FilterStats {
    private final String filter;
    private final int line;
    final LongAdder calls = new LongAdder();
    final LongAdder matched = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder nanos = new LongAdder();

    FilterStats(String filter, int line) {
        this.filter = filter;
        this.line = line;
    }

    public String filter() {
        return filter;
    }

    /** The line of the call in its chain file. */
    public int line() {
        return line;
    }

    public long calls() {
        return calls.sum();
    }

    public long matched() {
        return matched.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public long nanos() {
        return nanos.sum();
    }
}
