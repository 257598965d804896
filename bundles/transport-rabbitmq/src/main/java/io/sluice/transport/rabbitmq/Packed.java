package io.sluice.transport.rabbitmq;

import io.sluice.api.Event;
import io.sluice.api.EventBinary;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a bus message: several events of one stream, each as Sluice's binary encoding with
 * its length before it ({@code [int32 length][bytes]}…). Carrying many events per message keeps the
 * broker's work per event small (one confirm, one delivery, one ack per message, not per event).
 * The consumer side splits messages across batches when they hold more than a batch takes.
 */
final class Packed {
    private Packed() {
    }

    /** A message to publish: its body and how many events it carries. */
    record Message(byte[] body, int events) {
    }

    /** Packs events into messages of at most {@code maxEvents} events and about {@code maxBytes} bytes. */
    static List<Message> pack(List<Event> events, int maxEvents, int maxBytes) {
        List<Message> out = new ArrayList<>();
        List<byte[]> part = new ArrayList<>();
        int bytes = 0;
        for (Event e : events) {
            byte[] b = EventBinary.encodeShared(e);
            if (!part.isEmpty() && (part.size() >= maxEvents || bytes + 4 + b.length > maxBytes)) {
                out.add(join(part, bytes));
                part.clear();
                bytes = 0;
            }
            part.add(b);
            bytes += 4 + b.length;
        }
        if (!part.isEmpty()) {
            out.add(join(part, bytes));
        }
        return out;
    }

    private static Message join(List<byte[]> part, int bytes) {
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        for (byte[] b : part) {
            buf.putInt(b.length).put(b);
        }
        return new Message(buf.array(), part.size());
    }

    /**
     * The events of a message body.
     *
     * @throws IllegalArgumentException when it is not a packed message of events (a poison message)
     */
    static List<Event> unpack(byte[] body) {
        List<Event> out = new ArrayList<>();
        int at = 0;
        while (at < body.length) {
            if (body.length - at < 4) {
                throw new IllegalArgumentException("truncated length at byte " + at);
            }
            int len = ((body[at] & 0xff) << 24) | ((body[at + 1] & 0xff) << 16) | ((body[at + 2] & 0xff) << 8)
                    | (body[at + 3] & 0xff);
            at += 4;
            if (len <= 0 || len > body.length - at) {
                throw new IllegalArgumentException("bad event length " + len + " at byte " + (at - 4));
            }
            out.add(EventBinary.decode(body, at, len));
            at += len;
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no event in the message");
        }
        return out;
    }
}
