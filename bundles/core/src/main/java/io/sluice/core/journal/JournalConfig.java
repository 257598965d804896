package io.sluice.core.journal;

/**
 * Limits and durability of one {@link Journal}.
 *
 * @param segmentBytes size at which the active segment file is closed and a new one started
 * @param maxBytes largest size of the journal on disk (plus what is being written); appending
 *     beyond it is refused with {@link JournalFullException}
 * @param fsync whether an append completes only after {@code fdatasync}; without it, a power loss
 *     (not a process crash) can lose appended records
 * @param maxRecordBytes largest record payload
 * @param groupCommitMicros the shortest time between two syncs: appends that arrive within it wait
 *     and share the next write and fsync (fewer, larger syncs; at most this much added latency);
 *     0 syncs whenever something waits
 * @param tailCacheBytes payload bytes of the newest durable records kept in memory for readers at
 *     the tail (see {@link TailCache}); 0: every read goes to the segment files
 */
public record JournalConfig(long segmentBytes, long maxBytes, boolean fsync, int maxRecordBytes,
        long groupCommitMicros, long tailCacheBytes) {
    /** The tail cache of a journal configured without one: 16 MiB. */
    public static final long DEFAULT_TAIL_CACHE_BYTES = 16L << 20;

    /** With the default tail cache. */
    public JournalConfig(long segmentBytes, long maxBytes, boolean fsync, int maxRecordBytes,
            long groupCommitMicros) {
        this(segmentBytes, maxBytes, fsync, maxRecordBytes, groupCommitMicros, DEFAULT_TAIL_CACHE_BYTES);
    }

    /** Without a group commit window: every write is synced as soon as the previous one is. */
    public JournalConfig(long segmentBytes, long maxBytes, boolean fsync, int maxRecordBytes) {
        this(segmentBytes, maxBytes, fsync, maxRecordBytes, 0);
    }

    public JournalConfig {
        if (groupCommitMicros < 0 || groupCommitMicros > 1_000_000) {
            throw new IllegalArgumentException("groupCommitMicros (" + groupCommitMicros + ") must be 0 to 1000000");
        }
        if (tailCacheBytes < 0 || tailCacheBytes > 1L << 30) {
            throw new IllegalArgumentException("tailCacheBytes (" + tailCacheBytes + ") must be 0 to 1073741824");
        }
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("segmentBytes (" + segmentBytes + ") must be at least 4096");
        }
        if (maxBytes < segmentBytes) {
            throw new IllegalArgumentException("maxBytes (" + maxBytes + ") must be at least segmentBytes ("
                    + segmentBytes + ")");
        }
        if (maxRecordBytes < 1 || maxRecordBytes > Integer.MAX_VALUE - Segment.HEADER) {
            throw new IllegalArgumentException("maxRecordBytes (" + maxRecordBytes + ") is out of range");
        }
    }
}
