package io.sluice.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.sluice.api.Event;
import io.sluice.api.bus.Batch;
import io.sluice.api.bus.BatchConsumer;
import io.sluice.api.bus.Subscription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a consumer group: a channel consuming the group's queue with manual acks and a
 * prefetch, which gathers the events of its deliveries (each message carries several, see
 * {@link Packed}) into batches of at most {@code maxBatch} (waiting at most the linger time for a
 * batch to fill) and hands them, one at a time, to the consumer on its own thread. A message that
 * does not fit whole is split across batches and acked with the batch that completes it.
 *
 * <ul>
 * <li>{@link Batch#ack()} acks the batch's deliveries on the broker (one multiple ack).</li>
 * <li>{@link Batch#nack} keeps them unacknowledged here and hands the same batch again after a
 * back-off: a store that is down delays its events, it does not count as a failed delivery and
 * never sends good events to the dead-letter queue.</li>
 * <li>A message that is not an event of ours (cannot be decoded) is rejected without requeue: the
 * queue dead-letters it to {@code <prefix>.dead}, and the rest flows on.</li>
 * <li>Channel or connection lost: the broker requeues every unacknowledged delivery (for this or
 * another node); what is buffered here is dropped, and an ack of a batch from before is ignored.
 * The member consumes again when the transport has reconnected.</li>
 * </ul>
 */
final class GroupMember implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);
    private static final long MAX_REDELIVERY_MS = 30_000;

    final String stream;
    final String group;
    final String queue;
    private final int maxBatch;
    private final int prefetch;
    private final long lingerMillis;
    private final long redeliveryMillis;
    private final BatchConsumer consumer;
    private final ScheduledExecutorService timer;
    private final ExecutorService runner;
    private final LongAdder undecodable;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Guarded by this. */
    private Channel channel;
    private long generation;
    /** Deliveries not yet handed over in full, in order; the first may be partly handed over already. */
    private final java.util.ArrayDeque<Held> buffered = new java.util.ArrayDeque<>();
    /** Events of the first buffered delivery already handed over. */
    private int handedOfFirst;
    /** Events buffered and not handed over yet. */
    private int bufferedEvents;
    private boolean inFlight;
    private ScheduledFuture<?> linger;

    GroupMember(String stream, String group, String queue, int maxBatch, int prefetch, long lingerMillis,
            long redeliveryMillis, BatchConsumer consumer, ScheduledExecutorService timer, LongAdder undecodable,
            Runnable onClose) {
        this.stream = stream;
        this.group = group;
        this.queue = queue;
        this.maxBatch = maxBatch;
        this.prefetch = prefetch;
        this.lingerMillis = lingerMillis;
        this.redeliveryMillis = redeliveryMillis;
        this.consumer = consumer;
        this.timer = timer;
        this.undecodable = undecodable;
        this.onClose = onClose;
        this.runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-rabbitmq-" + group);
            t.setDaemon(true);
            return t;
        });
    }

    /** Consumes on a new channel of {@code connection} (after a (re)connect). */
    void start(Connection connection) throws IOException {
        if (closed.get()) {
            return;
        }
        Channel ch = connection.createChannel();
        ch.basicQos(prefetch);
        long gen;
        synchronized (this) {
            channel = ch;
            gen = ++generation;
            clearBuffer();
        }
        ch.addShutdownListener(cause -> lost(gen, cause));
        ch.basicConsume(queue, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                delivered(gen, ch, envelope, body);
            }

            @Override
            public void handleCancel(String tag) {
                LOG.warn("The broker cancelled the consumer of queue {} (deleted?); it consumes again when the queue "
                        + "is back", queue);
                try {
                    ch.abort();
                } catch (IOException | RuntimeException ignored) {
                    // closed already
                }
            }
        });
    }

    /** Whether it consumes now. */
    synchronized boolean consuming() {
        return channel != null && channel.isOpen();
    }

    private void lost(long gen, ShutdownSignalException cause) {
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            channel = null;
            clearBuffer();
            cancelLinger();
        }
        if (!cause.isInitiatedByApplication() && !closed.get()) {
            LOG.info("Consumer of queue {} lost its channel ({}); its unacknowledged events go back to the queue",
                    queue, cause.getMessage());
        }
    }

    /** A delivery and its events. */
    private record Held(long tag, List<Event> events) {
    }

    private void clearBuffer() {
        buffered.clear();
        handedOfFirst = 0;
        bufferedEvents = 0;
    }

    private void delivered(long gen, Channel ch, Envelope envelope, byte[] body) {
        List<Event> events;
        try {
            events = Packed.unpack(body);
        } catch (RuntimeException bad) {
            undecodable.increment();
            LOG.warn("Queue {}: message {} is not a Sluice event ({}); rejected to the dead-letter exchange", queue,
                    envelope.getDeliveryTag(), bad.toString());
            try {
                ch.basicReject(envelope.getDeliveryTag(), false);
            } catch (IOException | RuntimeException ignored) {
                // channel gone: the broker requeues it and we see it again
            }
            return;
        }
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            buffered.add(new Held(envelope.getDeliveryTag(), events));
            bufferedEvents += events.size();
            if (bufferedEvents >= maxBatch) {
                dispatch();
            } else if (linger == null && !inFlight) {
                linger = timer.schedule(this::lingerOver, lingerMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private synchronized void lingerOver() {
        linger = null;
        dispatch();
    }

    private void cancelLinger() {
        if (linger != null) {
            linger.cancel(false);
            linger = null;
        }
    }

    /** Hands the next batch over if none is in flight. Called holding the lock. */
    private void dispatch() {
        if (inFlight || buffered.isEmpty() || closed.get()) {
            return;
        }
        cancelLinger();
        // At most maxBatch events; a delivery that does not fit whole is split, and acked with the
        // batch that hands over its last event.
        List<Event> events = new ArrayList<>(Math.min(maxBatch, bufferedEvents));
        long firstTag = buffered.peekFirst().tag();
        long ackTag = 0;
        while (events.size() < maxBatch && !buffered.isEmpty()) {
            Held d = buffered.peekFirst();
            int take = Math.min(maxBatch - events.size(), d.events().size() - handedOfFirst);
            events.addAll(d.events().subList(handedOfFirst, handedOfFirst + take));
            handedOfFirst += take;
            if (handedOfFirst == d.events().size()) {
                buffered.pollFirst();
                handedOfFirst = 0;
                ackTag = d.tag();
            }
        }
        bufferedEvents -= events.size();
        inFlight = true;
        hand(new Delivered(generation, channel, events, firstTag, ackTag), 0);
    }

    private void hand(Delivered b, int attempt) {
        b.attempt = attempt;
        try {
            runner.execute(() -> {
                try {
                    consumer.accept(b);
                } catch (Exception e) {
                    b.nack(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed: the channel is closed too, the broker requeues
        }
    }

    private void finished(Delivered b, Throwable failure) {
        synchronized (this) {
            if (failure == null || b.generation != generation || closed.get()) {
                if (failure == null && b.lastTag > 0 && b.generation == generation && b.channel != null
                        && b.channel.isOpen()) {
                    try {
                        b.channel.basicAck(b.lastTag, true);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("ack on queue {} failed; the broker will deliver the batch again", queue, e);
                    }
                }
                inFlight = false;
                if (bufferedEvents >= maxBatch) {
                    dispatch();
                } else if (!buffered.isEmpty() && linger == null) {
                    linger = timer.schedule(this::lingerOver, lingerMillis, TimeUnit.MILLISECONDS);
                }
                return;
            }
        }
        // Refused: the same batch again after a back-off, still unacknowledged on the broker.
        long delay = Math.min(MAX_REDELIVERY_MS, redeliveryMillis << Math.min(b.attempt, 16));
        LOG.debug("Queue {}: batch refused ({}); again in {} ms", queue, failure.toString(), delay);
        timer.schedule(() -> {
            synchronized (this) {
                if (b.generation != generation || closed.get()) {
                    inFlight = false;
                    return;
                }
            }
            hand(new Delivered(b.generation, b.channel, b.events, b.firstTag, b.lastTag), b.attempt + 1);
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Channel ch;
        synchronized (this) {
            ch = channel;
            channel = null;
            generation++;
            cancelLinger();
            clearBuffer();
        }
        if (ch != null) {
            try {
                ch.close(); // unacknowledged deliveries go back to the queue
            } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
                try {
                    ch.abort();
                } catch (IOException | RuntimeException ignored) {
                    // the connection is gone: the broker requeues anyway
                }
            }
        }
        runner.shutdown();
        onClose.run();
    }

    /** A batch handed to the consumer. */
    private final class Delivered implements Batch {
        final long generation;
        final Channel channel;
        final List<Event> events;
        final long firstTag;
        /** The last delivery this batch completes (acked with it, multiple), or 0: none. */
        final long lastTag;
        final AtomicBoolean done = new AtomicBoolean();
        int attempt;

        Delivered(long generation, Channel channel, List<Event> events, long firstTag, long lastTag) {
            this.generation = generation;
            this.channel = channel;
            this.events = events;
            this.firstTag = firstTag;
            this.lastTag = lastTag;
        }

        @Override
        public List<Event> events() {
            return events;
        }

        @Override
        public long firstOffset() {
            return firstTag;
        }

        @Override
        public void ack() {
            if (done.compareAndSet(false, true)) {
                finished(this, null);
            }
        }

        @Override
        public void nack(Throwable cause) {
            if (done.compareAndSet(false, true)) {
                finished(this, cause == null ? new IllegalStateException("refused") : cause);
            }
        }
    }
}
