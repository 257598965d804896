package io.sluice.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One channel in confirm mode. A batch is published as persistent messages (each carrying several
 * events, {@link Packed}) with {@code mandatory}; its future completes when the broker confirmed every message, and fails when
 * one is nacked, returned as unroutable (no queue bound for the stream: nobody would ever get it),
 * not confirmed in time, or when the channel closes first. The broker sends a return before the
 * confirm of the same message, so an unroutable event always fails its batch.
 */
final class Publisher {
    static final String BATCH_HEADER = "sluice-batch";
    static final String CONTENT_TYPE = "application/vnd.sluice.events";
    private static final AtomicLong BATCH_IDS = new AtomicLong();

    /** A batch waiting for its confirms. */
    static final class Pending {
        final long id = BATCH_IDS.incrementAndGet();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final long startedNanos = System.nanoTime();
        final AtomicInteger unconfirmed;

        Pending(int size) {
            unconfirmed = new AtomicInteger(size);
        }
    }

    private final Channel channel;
    private final String exchange;
    /** Publish sequence number → batch, for the confirms. */
    private final ConcurrentNavigableMap<Long, Pending> bySeq = new ConcurrentSkipListMap<>();
    private final Map<Long, Pending> byId = new ConcurrentHashMap<>();

    Publisher(Channel channel, String exchange) throws IOException {
        this.channel = channel;
        this.exchange = exchange;
        channel.confirmSelect();
        channel.addConfirmListener((seq, multiple) -> confirmed(seq, multiple, null),
                (seq, multiple) -> confirmed(seq, multiple, "the broker refused to take it (nack)"));
        channel.addReturnListener(r -> {
            Object id = r.getProperties().getHeaders() == null ? null : r.getProperties().getHeaders().get(BATCH_HEADER);
            Pending p = id instanceof Number n ? byId.get(n.longValue()) : null;
            if (p != null) {
                fail(p, new UnroutableException("no queue is bound for stream '" + r.getRoutingKey() + "' on exchange "
                        + r.getExchange() + " (" + r.getReplyCode() + " " + r.getReplyText() + "): start the consumers "
                        + "of that stream once, or list stream/group in the transport's queues setting"));
            }
        });
        channel.addShutdownListener(cause -> failAll(cause));
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** Publishes the encoded events of one batch to {@code stream}; the future completes on the confirms. */
    CompletableFuture<Void> publish(String stream, List<byte[]> bodies) {
        Pending p = new Pending(bodies.size());
        if (bodies.isEmpty()) {
            p.done.complete(null);
            return p.done;
        }
        byId.put(p.id, p);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType(CONTENT_TYPE)
                .headers(Map.of(BATCH_HEADER, p.id))
                .build();
        try {
            synchronized (this) {
                for (byte[] body : bodies) {
                    bySeq.put(channel.getNextPublishSeqNo(), p);
                    channel.basicPublish(exchange, stream, true, props, body);
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(p, e);
        }
        p.done.whenComplete((ok, error) -> byId.remove(p.id));
        return p.done;
    }

    /** Fails the batches waiting longer than {@code timeoutNanos} for their confirms. */
    void expire(long timeoutNanos) {
        long now = System.nanoTime();
        for (Pending p : byId.values()) {
            if (now - p.startedNanos > timeoutNanos) {
                fail(p, new java.util.concurrent.TimeoutException("the broker did not confirm the batch within "
                        + timeoutNanos / 1_000_000 + " ms"));
            }
        }
    }

    /** Batches waiting for confirms. */
    int waiting() {
        return byId.size();
    }

    void abort() {
        try {
            if (channel.isOpen()) {
                channel.abort();
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away
        }
        failAll(new IOException("publisher channel closed"));
    }

    private void confirmed(long seq, boolean multiple, String refused) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Pending> head = bySeq.headMap(seq, true);
            for (Map.Entry<Long, Pending> e : head.entrySet()) {
                if (head.remove(e.getKey()) != null) {
                    one(e.getValue(), refused);
                }
            }
        } else {
            Pending p = bySeq.remove(seq);
            if (p != null) {
                one(p, refused);
            }
        }
    }

    private void one(Pending p, String refused) {
        if (refused != null) {
            fail(p, new IOException(refused));
        } else if (p.unconfirmed.decrementAndGet() == 0) {
            p.done.complete(null);
        }
    }

    private void fail(Pending p, Throwable cause) {
        p.done.completeExceptionally(cause);
    }

    private void failAll(Throwable cause) {
        Throwable why = cause instanceof ShutdownSignalException s && !s.isInitiatedByApplication()
                ? new IOException("connection to the broker lost: " + s.getMessage(), s) : cause;
        for (Pending p : byId.values()) {
            fail(p, why);
        }
        bySeq.clear();
    }

    /** An event no queue would receive. */
    static final class UnroutableException extends IOException {
        UnroutableException(String message) {
            super(message);
        }
    }
}
