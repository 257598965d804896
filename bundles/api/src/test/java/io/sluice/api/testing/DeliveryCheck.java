package io.sluice.api.testing;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one checker of the delivery tests: events are numbered 0..total-1; the test says which
 * numbers Sluice acknowledged (to the sender) and which it found at the end. Lost (acknowledged but
 * never found) must be zero; duplicates are counted and reported; a number outside the range, or a
 * found event that carries no number, is unexpected and fails. Thread-safe.
 */
public final class DeliveryCheck {
    private static final Pattern NUMBER = Pattern.compile("(\\d{1,9})\\D*$");

    private final int total;
    private final BitSet acknowledged = new BitSet();
    private final BitSet found = new BitSet();
    private long duplicates;
    private final List<String> unexpected = new ArrayList<>();

    public DeliveryCheck(int total) {
        this.total = total;
    }

    /** Numbers {@code from} (inclusive) to {@code to} (exclusive) were acknowledged to their sender. */
    public synchronized DeliveryCheck acknowledged(int from, int to) {
        acknowledged.set(from, to);
        return this;
    }

    public synchronized DeliveryCheck acknowledged(int n) {
        acknowledged.set(n);
        return this;
    }

    /** Event number {@code n} was found in the output. */
    public synchronized void found(int n) {
        if (n < 0 || n >= total) {
            unexpected.add("number " + n);
        } else if (found.get(n)) {
            duplicates++;
        } else {
            found.set(n);
        }
    }

    /** An event whose text ends with its number (the last run of digits, e.g. "event 42"). */
    public void found(String text) {
        Matcher m = NUMBER.matcher(text);
        if (m.find()) {
            found(Integer.parseInt(m.group(1)));
        } else {
            synchronized (this) {
                unexpected.add(text.length() > 80 ? text.substring(0, 80) + "..." : text);
            }
        }
    }

    public synchronized int lost() {
        BitSet missing = (BitSet) acknowledged.clone();
        missing.andNot(found);
        return missing.cardinality();
    }

    /** Events {@code other} says were acknowledged that this check has not found. */
    public int lost(DeliveryCheck other) {
        BitSet missing;
        synchronized (other) {
            missing = (BitSet) other.acknowledged.clone();
        }
        synchronized (this) {
            missing.andNot(found);
        }
        return missing.cardinality();
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized int distinct() {
        return found.cardinality();
    }

    /** Whether every acknowledged event was found (for waiting). */
    public boolean complete() {
        return lost() == 0;
    }

    /** One line: acknowledged, found, lost (with the first few), duplicates, unexpected. */
    public synchronized String report() {
        BitSet missing = (BitSet) acknowledged.clone();
        missing.andNot(found);
        StringBuilder sb = new StringBuilder().append("acknowledged ").append(acknowledged.cardinality())
                .append(", found ").append(found.cardinality()).append(", lost ").append(missing.cardinality());
        if (!missing.isEmpty()) {
            sb.append(" (first: ");
            int shown = 0;
            for (int i = missing.nextSetBit(0); i >= 0 && shown < 10; i = missing.nextSetBit(i + 1), shown++) {
                sb.append(shown == 0 ? "" : " ").append(i);
            }
            sb.append(')');
        }
        sb.append(", duplicates ").append(duplicates).append(", unexpected ").append(unexpected.size());
        if (!unexpected.isEmpty()) {
            sb.append(' ').append(unexpected.subList(0, Math.min(5, unexpected.size())));
        }
        return sb.toString();
    }

    /** Fails with the report when an acknowledged event is missing or something unexpected was found. */
    public void assertNoneLost() {
        String r = report();
        synchronized (this) {
            if (lost() != 0 || !unexpected.isEmpty()) {
                throw new AssertionError("delivery check failed: " + r);
            }
        }
    }
}
