package io.sluice.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.syslog.relp.codec.Lz4Group;
import io.sluice.syslog.relp.codec.RelpFrame;
import io.sluice.syslog.relp.codec.RelpFrameDecoder;
import io.sluice.syslog.relp.codec.RelpFramingError;
import io.sluice.syslog.relp.codec.RelpOffers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RELP client: each message's future completes when the server answered {@code 200 OK}, fails
 * with {@link RelpRefusedException} when it answered otherwise (the message is not sent again), and
 * stays pending across connection losses: every frame not yet answered is sent again, in its
 * order, on the next session (so a message may arrive twice, never zero times). Reconnects by
 * itself, with a back-off from 100 ms up to {@link ClientOptions#maxBackoff()}.
 *
 * <p>With {@link ClientOptions#lz4()}, {@link #send(List)} sends its messages as {@code lz4} groups
 * when the server agrees to the command in {@code open} (Sluice does; see docs/protocols.md), and
 * as one {@code syslog} frame each otherwise.
 *
 * <p>Thread-safe: calls may come from any thread; the session lives on one Netty event loop.
 */
public final class RelpClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelpClient.class);
    private static final int LZ4_GROUP_BYTES = 256 * 1024;

    private final ClientOptions options;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final String software;

    // Confined to the event loop.
    private final ArrayDeque<Frame> waiting = new ArrayDeque<>();
    /** Sent and not yet answered, in the order sent (answers usually come in that order). */
    private final ArrayDeque<Frame> unanswered = new ArrayDeque<>();
    /** An answer arrived in this read: pump once when the read is complete, not once per answer. */
    private boolean pumpAfterRead;
    private Channel channel;
    private boolean ready;
    private long nextTxnr = 1;
    private boolean lz4Agreed;
    private boolean closing;
    private long backoffMillis;
    private ScheduledFuture<?> reconnect;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    private final LongAdder framesSent = new LongAdder();
    private final LongAdder framesResent = new LongAdder();
    private final LongAdder messagesAcked = new LongAdder();
    private final LongAdder messagesRefused = new LongAdder();
    private final LongAdder sessions = new LongAdder();
    private volatile String lastError;

    /**
     * What one {@code send} call waits for: its frames, counted down as they are answered 200
     * (a frame split in several adds to the count). Confined to the event loop.
     */
    private static final class Batch {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        int frames;

        Batch(int frames) {
            this.frames = frames;
        }

        void answered() {
            if (--frames == 0) {
                done.complete(null);
            }
        }

        void split(int into) {
            frames += into - 1;
        }
    }

    /** A frame to send: one message ({@code syslog}) or a group ({@code lz4}). */
    private static final class Frame {
        final List<byte[]> messages;
        final boolean group;
        final Batch batch;
        long txnr;
        long sentAtNanos;

        Frame(List<byte[]> messages, boolean group, Batch batch) {
            this.messages = messages;
            this.group = group;
            this.batch = batch;
        }
    }

    public RelpClient(ClientOptions options) {
        this.options = options;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sluice-relp-client", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
        String v = RelpClient.class.getPackage().getImplementationVersion();
        this.software = "sluice-client," + (v == null ? "dev" : v);
        loop.execute(this::connect);
        loop.scheduleAtFixedRate(this::checkTimeouts, 1, 1, TimeUnit.SECONDS);
    }

    /** Sends one message; the future completes once the server answered 200. */
    public CompletableFuture<Void> send(byte[] message) {
        Batch batch = new Batch(1);
        loop.execute(() -> enqueue(new Frame(List.of(message), false, batch)));
        return batch.done;
    }

    /** Sends messages in order; the future completes once the server answered 200 for all of them. */
    public CompletableFuture<Void> send(List<byte[]> messages) {
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<List<byte[]>> parts = new ArrayList<>();
        if (options.lz4()) {
            List<byte[]> current = new ArrayList<>();
            int bytes = 0;
            for (byte[] m : messages) {
                if (!current.isEmpty() && bytes + m.length + 32 > LZ4_GROUP_BYTES) {
                    parts.add(current);
                    current = new ArrayList<>();
                    bytes = 0;
                }
                current.add(m);
                bytes += m.length + 32;
            }
            parts.add(current);
        } else {
            for (byte[] m : messages) {
                parts.add(List.of(m));
            }
        }
        Batch batch = new Batch(parts.size());
        boolean group = options.lz4();
        loop.execute(() -> parts.forEach(m -> enqueue(new Frame(m, group, batch))));
        return batch.done;
    }

    private void enqueue(Frame f) {
        if (closing) {
            f.batch.done.completeExceptionally(new IllegalStateException("the RELP client is closed"));
            return;
        }
        waiting.add(f);
        pump();
    }

    private void connect() {
        reconnect = null;
        if (closing) {
            return;
        }
        Bootstrap b = Bootstraps.tcp(loop, options, ch -> {
            ch.pipeline().addLast("relp-framing", new RelpFrameDecoder(Math.max(options.maxDataBytes(), 64 * 1024)));
            ch.pipeline().addLast("relp-client", new Session());
        });
        ChannelFuture f = b.connect(options.host(), options.port());
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                failed("cannot connect to " + where() + ": " + done.cause().getMessage());
            }
        });
    }

    private String serverName() {
        return options.tlsServerName() != null ? options.tlsServerName() : options.host();
    }

    private String where() {
        return options.host() + ":" + options.port() + (options.tls() != null ? " (TLS)" : "");
    }

    /** The session is gone (or never came): what was unanswered goes back, first in line; retry later. */
    private void failed(String why) {
        if (closing && unanswered.isEmpty() && waiting.isEmpty()) {
            LOG.debug("RELP client to {}: session ended ({})", where(), why);
        } else if (ready || lastError == null || !lastError.equals(why)) {
            LOG.warn("RELP client to {}: {}; {} frame(s) unanswered will be sent again", where(), why,
                    unanswered.size());
        }
        lastError = why;
        ready = false;
        channel = null;
        List<Frame> back = new ArrayList<>(unanswered);
        unanswered.clear();
        framesResent.add(back.size());
        for (int i = back.size() - 1; i >= 0; i--) {
            waiting.addFirst(back.get(i));
        }
        if (closing) {
            failAll(new IllegalStateException("the RELP client was closed before the server answered"));
            drained.complete(null);
            return;
        }
        if (reconnect == null) {
            backoffMillis = backoffMillis == 0 ? 100 : Math.min(backoffMillis * 2, options.maxBackoff().toMillis());
            reconnect = loop.schedule(this::connect, backoffMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void failAll(Throwable why) {
        for (Frame f : waiting) {
            f.batch.done.completeExceptionally(why);
        }
        waiting.clear();
    }

    /** Sends what waits, within the window. */
    private void pump() {
        if (!ready || channel == null) {
            return;
        }
        boolean wrote = false;
        while (!waiting.isEmpty() && unanswered.size() < options.window()) {
            Frame f = waiting.poll();
            if (f.group && !lz4Agreed) {
                // The server did not agree to lz4 (this session): one syslog frame per message.
                f.batch.split(f.messages.size());
                for (int i = f.messages.size() - 1; i >= 0; i--) {
                    waiting.addFirst(new Frame(List.of(f.messages.get(i)), false, f.batch));
                }
                continue;
            }
            byte[] data;
            String command;
            if (f.group) {
                data = Lz4Group.encode(f.messages, 1);
                if (data.length > options.maxDataBytes() && f.messages.size() > 1) {
                    // Too large once compressed: two groups of half the messages each.
                    int half = f.messages.size() / 2;
                    f.batch.split(2);
                    waiting.addFirst(new Frame(f.messages.subList(half, f.messages.size()), true, f.batch));
                    waiting.addFirst(new Frame(f.messages.subList(0, half), true, f.batch));
                    continue;
                }
                command = "lz4";
            } else {
                data = f.messages.get(0);
                command = "syslog";
            }
            f.txnr = nextTxnr;
            nextTxnr = RelpFrame.next(nextTxnr);
            f.sentAtNanos = System.nanoTime();
            unanswered.add(f);
            channel.write(RelpFrame.encode(channel.alloc(), f.txnr, command, data));
            framesSent.increment();
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        if (closing && waiting.isEmpty() && unanswered.isEmpty()) {
            sendClose();
        }
    }

    /** The frame sent with this txnr, taken out of the unanswered ones; null if there is none. */
    private Frame takeUnanswered(long txnr) {
        Frame head = unanswered.peekFirst();
        if (head != null && head.txnr == txnr) {
            return unanswered.pollFirst();
        }
        for (Iterator<Frame> it = unanswered.iterator(); it.hasNext();) {
            Frame f = it.next();
            if (f.txnr == txnr) {
                it.remove();
                return f;
            }
        }
        return null;
    }

    private void checkTimeouts() {
        if (channel == null || unanswered.isEmpty()) {
            return;
        }
        Frame oldest = unanswered.peekFirst();
        if (System.nanoTime() - oldest.sentAtNanos > options.responseTimeout().toNanos()) {
            LOG.warn("RELP client to {}: no answer to txnr {} for {} s; closing the session", where(), oldest.txnr,
                    options.responseTimeout().toSeconds());
            channel.close();
        }
    }

    private long closeTxnr = -1;

    private void sendClose() {
        if (closeTxnr >= 0 || channel == null) {
            return;
        }
        closeTxnr = nextTxnr;
        nextTxnr = RelpFrame.next(nextTxnr);
        channel.writeAndFlush(RelpFrame.encode(channel.alloc(), closeTxnr, "close", new byte[0]));
    }

    /** One connection's session: open, answers, serverclose. */
    private final class Session extends ChannelInboundHandlerAdapter {
        private long openTxnr;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // A new session numbers its frames from 1.
            nextTxnr = 1;
            closeTxnr = -1;
            openTxnr = nextTxnr;
            nextTxnr = RelpFrame.next(nextTxnr);
            String offers = "relp_version=0\nrelp_software=" + software + "\ncommands=syslog" + (options.lz4() ? ",lz4" : "");
            ctx.writeAndFlush(RelpFrame.encode(ctx.alloc(), openTxnr, "open", offers.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof RelpFramingError e) {
                LOG.warn("RELP client to {}: bad frame from the server ({}); closing", where(), e.reason());
                ctx.close();
                return;
            }
            RelpFrame f = (RelpFrame) msg;
            try {
                String data = f.data().toString(StandardCharsets.UTF_8);
                switch (f.command()) {
                    case "serverclose" -> {
                        LOG.info("RELP client to {}: the server is closing the session", where());
                        ctx.close();
                    }
                    case "rsp" -> answer(ctx, f.txnr(), data);
                    default -> {
                        LOG.warn("RELP client to {}: unexpected command '{}' from the server; closing", where(),
                                f.command());
                        ctx.close();
                    }
                }
            } finally {
                f.release();
            }
        }

        private void answer(ChannelHandlerContext ctx, long txnr, String data) {
            int code = data.length() >= 3 && isDigit(data.charAt(0)) && isDigit(data.charAt(1))
                    && isDigit(data.charAt(2))
                    ? (data.charAt(0) - '0') * 100 + (data.charAt(1) - '0') * 10 + data.charAt(2) - '0' : -1;
            int nl = data.indexOf('\n');
            String text = (nl < 0 ? data : data.substring(0, nl)).substring(Math.min(4, data.length()));
            if (txnr == openTxnr && !ready) {
                if (code != 200) {
                    LOG.error("RELP client to {}: the server refused the session: {}", where(), data);
                    ctx.close();
                    return;
                }
                RelpOffers offers = RelpOffers.parse(nl < 0 ? "" : data.substring(nl + 1));
                lz4Agreed = options.lz4() && offers.values("commands").contains("lz4");
                ready = true;
                backoffMillis = 0;
                sessions.increment();
                if (lastError != null) {
                    LOG.info("RELP client to {}: session open again; sending {} frame(s)", where(), waiting.size());
                    lastError = null;
                }
                pump();
                return;
            }
            if (txnr == closeTxnr) {
                ctx.close();
                return;
            }
            Frame f = takeUnanswered(txnr);
            if (f == null) {
                LOG.warn("RELP client to {}: answer to txnr {}, which is not waiting for one; closing", where(), txnr);
                ctx.close();
                return;
            }
            if (code == 200) {
                messagesAcked.add(f.messages.size());
                f.batch.answered();
            } else {
                messagesRefused.add(f.messages.size());
                f.batch.done.completeExceptionally(new RelpRefusedException(code, text));
            }
            pumpAfterRead = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (pumpAfterRead) {
                pumpAfterRead = false;
                pump();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel || channel == null) {
                failed(closing && unanswered.isEmpty() ? "closed" : "connection lost");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lastError = null;
            LOG.warn("RELP client to {}: {}", where(), cause.getMessage());
            ctx.close();
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether a session is open now. */
    public boolean connected() {
        return ready;
    }

    /** Frames sent, frames sent again after a reconnect, messages answered 200, messages refused, sessions opened. */
    public long[] counters() {
        return new long[] {framesSent.sum(), framesResent.sum(), messagesAcked.sum(), messagesRefused.sum(),
                sessions.sum()};
    }

    /**
     * Waits up to {@code timeout} for every message sent to be answered, ends the session with
     * {@code close}, and stops. Messages still unanswered then fail.
     */
    public void close(Duration timeout) {
        loop.execute(() -> {
            closing = true;
            if (reconnect != null) {
                reconnect.cancel(false);
                reconnect = null;
            }
            if (!ready) {
                failAll(new IllegalStateException("the RELP client was closed before it could send"));
                drained.complete(null);
                if (channel != null) {
                    channel.close();
                }
                return;
            }
            pump();
        });
        try {
            drained.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            loop.execute(() -> {
                if (channel != null) {
                    channel.close();
                }
            });
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (Iterator<Frame> it = waiting.iterator(); it.hasNext();) {
            it.next().batch.done.completeExceptionally(new IllegalStateException("the RELP client was closed"));
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
