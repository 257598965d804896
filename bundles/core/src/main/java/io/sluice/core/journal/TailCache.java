package io.sluice.core.journal;

import java.util.List;

/**
 * The newest durable records of a journal, kept in memory so that consumers reading at the tail —
 * the usual case, a few milliseconds behind the writer — get them without a file read, a checksum
 * check and a copy per record. Bounded by a number of records and of payload bytes; the oldest are
 * let go first. Only records the writer has written and synced enter it, in offset order without
 * gaps (a gap, after a failed write, starts it afresh), so a read from here returns exactly what a
 * read from the segment files would. Thread-safe: the writer adds, any thread reads.
 *
 * <p>Payload arrays are shared with the readers, as everywhere in the journal: nobody writes into
 * a record's array once it has been appended.
 */
final class TailCache {
    private final byte[][] ring;
    private final int mask;
    private final long maxBytes;
    /** Offset of the oldest record held; {@code first == end}: empty. */
    private long first;
    private long end;
    private long bytes;

    /**
     * @param maxRecords most records held (rounded up to a power of two)
     * @param maxBytes   most payload bytes held; 0 disables the cache
     */
    TailCache(int maxRecords, long maxBytes) {
        int capacity = Integer.highestOneBit(Math.max(1, maxRecords - 1)) << 1;
        this.ring = new byte[maxBytes > 0 ? capacity : 0][];
        this.mask = capacity - 1;
        this.maxBytes = maxBytes;
    }

    boolean enabled() {
        return ring.length > 0;
    }

    /** Adds records that became durable, the first at {@code offset}. */
    synchronized void add(long offset, List<byte[]> records) {
        if (ring.length == 0) {
            return;
        }
        if (offset != end) {
            clear();
            first = end = offset;
        }
        for (byte[] r : records) {
            if (r.length > maxBytes) { // never held: start again after it
                clear();
                first = end = end + 1;
                continue;
            }
            while (end - first >= ring.length || (end > first && bytes + r.length > maxBytes)) {
                evictOldest();
            }
            ring[(int) (end & mask)] = r;
            bytes += r.length;
            end++;
        }
    }

    /**
     * Reads records from {@code from} on, as {@link Journal#read} would: at most {@code maxRecords},
     * about {@code maxBytes} of payload (at least one record).
     *
     * @return false (nothing added) when {@code from} is not held here
     */
    synchronized boolean read(long from, int maxRecords, long maxBytes, List<JournalRecord> out) {
        if (from < first || from >= end) {
            return false;
        }
        long taken = 0;
        for (long o = from; o < end && out.size() < maxRecords; o++) {
            byte[] r = ring[(int) (o & mask)];
            if (!out.isEmpty() && taken + r.length > maxBytes) {
                break;
            }
            out.add(new JournalRecord(o, r));
            taken += r.length;
        }
        return true;
    }

    /** Forgets everything (the journal is closing, or records were cut). */
    synchronized void clear() {
        while (end > first) {
            evictOldest();
        }
        bytes = 0;
    }

    private void evictOldest() {
        int i = (int) (first & mask);
        bytes -= ring[i].length;
        ring[i] = null;
        first++;
    }
}
