package io.sluice.core.journal;

/**
 * A record read back from a journal.
 *
 * @param offset its position in the journal: increasing, not always contiguous (a damaged record
 *     leaves a gap)
 * @param payload the bytes appended
 */
public record JournalRecord(long offset, byte[] payload) {
}
