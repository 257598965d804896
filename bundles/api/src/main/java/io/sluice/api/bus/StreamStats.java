package io.sluice.api.bus;

import java.util.Map;

/**
 * The state of a stream.
 *
 * @param stream the stream's name
 * @param firstOffset offset of the oldest event still retained
 * @param endOffset offset the next published event will get
 * @param bytes bytes the stream occupies (on disk for the journal)
 * @param maxBytes the size limit; publishing beyond it is refused
 * @param groups per consumer group: the offset up to which it acknowledged everything
 */
public record StreamStats(String stream, long firstOffset, long endOffset, long bytes, long maxBytes,
        Map<String, Long> groups) {

    public StreamStats {
        groups = Map.copyOf(groups);
    }

    /** Events retained. */
    public long depth() {
        return endOffset - firstOffset;
    }

    /** Events published but not yet acknowledged by {@code group}. */
    public long lag(String group) {
        Long committed = groups.get(group);
        return endOffset - (committed == null ? firstOffset : committed);
    }
}
