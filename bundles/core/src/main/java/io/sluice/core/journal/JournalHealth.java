package io.sluice.core.journal;

/**
 * What a journal found when it opened, and what it met since.
 *
 * @param damagedRecords records skipped because their bytes on disk failed the checksum or were
 *     unreadable (found at start-up or when read later)
 * @param truncatedBytes bytes cut from the end of the last segment at start-up: a write that a
 *     crash interrupted (never acknowledged) or a damaged tail
 * @param emptySegmentsRemoved zero-length segment files removed at start-up
 * @param offsetsReset true when the saved consumer positions were missing or unreadable at
 *     start-up: every consumer group then starts again at the oldest retained record (duplicates,
 *     no loss)
 * @param segments segment files now
 * @param fsyncs fsyncs done since start-up (each one covers every append waiting at that moment)
 */
public record JournalHealth(long damagedRecords, long truncatedBytes, int emptySegmentsRemoved,
        boolean offsetsReset, int segments, long fsyncs) {

    /** Whether start-up or a later read met damage. */
    public boolean damaged() {
        return damagedRecords > 0 || truncatedBytes > 0 || emptySegmentsRemoved > 0 || offsetsReset;
    }
}
