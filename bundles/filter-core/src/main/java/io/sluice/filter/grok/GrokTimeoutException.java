package io.sluice.filter.grok;

/** A grok match ran out of its time budget (catastrophic backtracking on a hostile line). */
public final class GrokTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GrokTimeoutException(long budgetNanos) {
        super("grok match gave up after its budget of " + budgetNanos / 1_000_000 + " ms", null, false, false);
    }
}
