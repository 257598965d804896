package io.sluice.syslog;

import java.util.BitSet;
import java.util.List;

/**
 * The one checker of numbered-message tests: given what arrived (messages ending in a sequence
 * number after {@code prefix}), how many of {@code 0..total-1} are missing, how many came twice, how
 * many arrived before a smaller number, and whether anything arrived that was never sent.
 */
public record Numbered(int missing, int duplicates, int outOfOrder, int unexpected, int firstMissing) {

    public static Numbered check(List<String> messages, String prefix, int total) {
        BitSet seen = new BitSet(total);
        int duplicates = 0;
        int outOfOrder = 0;
        int unexpected = 0;
        int last = -1;
        for (String m : messages) {
            int n = -1;
            if (m != null && m.startsWith(prefix)) {
                try {
                    n = Integer.parseInt(m.substring(prefix.length()).strip());
                } catch (NumberFormatException e) {
                    n = -1;
                }
            }
            if (n < 0 || n >= total) {
                unexpected++;
                continue;
            }
            if (seen.get(n)) {
                duplicates++;
            } else {
                seen.set(n);
                if (n < last) {
                    outOfOrder++;
                }
                last = Math.max(last, n);
            }
        }
        int firstMissing = seen.nextClearBit(0);
        return new Numbered(total - seen.cardinality(), duplicates, outOfOrder, unexpected,
                firstMissing >= total ? -1 : firstMissing);
    }

    public boolean allInOrderOnce() {
        return missing == 0 && duplicates == 0 && outOfOrder == 0 && unexpected == 0;
    }
}
