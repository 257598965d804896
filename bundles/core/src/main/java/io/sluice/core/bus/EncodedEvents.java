package io.sluice.core.bus;

import io.sluice.api.Event;
import io.sluice.api.EventBinary;
import io.sluice.api.Severity;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Base64;
import java.util.RandomAccess;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of a batch as read from the journal, each decoded the first time it is looked at. A
 * stage that passes a batch on unchanged (the filter stage without filters) never decodes it: the
 * bus republishes the stored bytes.
 *
 * <p>A record that cannot be decoded (written by an incompatible version) is not dropped: it reads
 * as an event tagged {@value #UNDECODABLE_TAG} whose message says where it came from and whose field
 * {@code raw_base64} holds the bytes, so it stays visible downstream; it is counted and logged.
 */
final class EncodedEvents extends AbstractList<Event> implements RandomAccess, io.sluice.api.bus.EncodedEvents {
    static final String UNDECODABLE_TAG = "_undecodable";
    private static final Logger LOG = LoggerFactory.getLogger(EncodedEvents.class);

    private final String stream;
    private final long[] offsets;
    private final byte[][] records;
    private final Event[] decoded;
    private final LongAdder undecodable;

    EncodedEvents(String stream, long[] offsets, byte[][] records, LongAdder undecodable) {
        this.stream = stream;
        this.offsets = offsets;
        this.records = records;
        this.decoded = new Event[records.length];
        this.undecodable = undecodable;
    }

    @Override
    public Event get(int i) {
        Event e = decoded[i];
        if (e == null) {
            // Benign race: two threads decode the same bytes into equal events; Event is immutable.
            e = decode(i);
            decoded[i] = e;
        }
        return e;
    }

    @Override
    public byte[] encoded(int index) {
        return records[index];
    }

    @Override
    public int size() {
        return records.length;
    }

    /** The stored encoding of every event, in order: what the bus writes when the batch is republished. */
    byte[][] records() {
        return records;
    }

    private Event decode(int i) {
        try {
            return EventBinary.decodeOwned(records[i]);
        } catch (IllegalArgumentException e) {
            undecodable.increment();
            LOG.error("stream {}: the event at offset {} cannot be decoded ({}); it is passed on as an event tagged {}",
                    stream, offsets[i], e.getMessage(), UNDECODABLE_TAG);
            return Event.builder().timegenerated(Instant.now()).severity(Severity.ERROR).appName("sluice")
                    .message("undecodable event at offset " + offsets[i] + " of stream " + stream + ": "
                            + e.getMessage())
                    .tag(UNDECODABLE_TAG).field("raw_base64", Base64.getEncoder().encodeToString(records[i]))
                    .build();
        }
    }
}
