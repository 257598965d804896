package io.sluice.syslog.relp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.sluice.api.Event;
import io.sluice.syslog.ingest.Abandonable;
import io.sluice.syslog.ingest.Batcher;
import io.sluice.syslog.ingest.ClientRecord;
import io.sluice.syslog.ingest.Clients;
import io.sluice.syslog.ingest.Ingest;
import io.sluice.syslog.ingest.Peers;
import io.sluice.syslog.relp.codec.Lz4Group;
import io.sluice.syslog.relp.codec.RelpFrame;
import io.sluice.syslog.relp.codec.RelpFramingError;
import io.sluice.syslog.relp.codec.RelpOffers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of one RELP session. Checks the session rules (an {@code open} first, transaction
 * numbers in sequence from 1, wrapping after 999,999,999), and answers every frame in the order it
 * came: {@code 200 OK} to a {@code syslog} (or {@code lz4}) frame only once its events are durable in
 * the bus, {@code 500} with the reason when a frame cannot be taken. Protocol violations are logged
 * with the peer and counted; the session answers the broken frame when it can and closes.
 *
 * <p>Reading pauses while {@code window} frames wait for their answer, or while the bus holds the
 * connection's events back: RELP senders are held back exactly like TCP ones, never refused for a
 * full bus. One instance per connection, confined to its event loop.
 */
public final class RelpSessionHandler extends ChannelInboundHandlerAdapter implements Abandonable {
    /** RELP answers carry at most 80 characters of text. */
    private static final int MAX_TEXT = 80;
    private static final byte[] SERVERCLOSE = "0 serverclose 0\n".getBytes(StandardCharsets.US_ASCII);
    /** The text of a 200 answer; compared by identity on the hot path. */
    private static final String OK = "200 OK";
    private static final byte[] OK_TAIL = " rsp 6 200 OK\n".getBytes(StandardCharsets.US_ASCII);

    private final Ingest ingest;
    private final Clients clients;
    private final String protocol;
    private final RelpOptions options;
    private final int maxBatch;
    private final int maxPending;
    private final ArrayDeque<Answer> answers = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ClientRecord client;
    private Batcher batcher;
    private io.sluice.syslog.ingest.Packer packer;
    private String peerHost;
    private Instant readAt;
    private boolean open;
    private boolean lz4Agreed;
    private long expected = 1;
    /** After {@code close} or a violation: nothing more is read, what is pending is answered, then close. */
    private boolean closing;
    private boolean abandoned;
    /** The bus failed for longer than refuseAfterMillis: frames are answered 500 until it has capacity again. */
    private boolean refusing;
    private long unavailableSince;
    private String refusal;
    private io.netty.util.concurrent.ScheduledFuture<?> refuseCheck;

    /** An unanswered frame: answered once its {@code events} are durable and every earlier frame is. */
    private static final class Answer {
        final long txnr;
        int events;
        final String text;
        final boolean closeAfter;

        Answer(long txnr, int events, String text, boolean closeAfter) {
            this.txnr = txnr;
            this.events = events;
            this.text = text;
            this.closeAfter = closeAfter;
        }
    }

    public RelpSessionHandler(Ingest ingest, Clients clients, String protocol, RelpOptions options, int maxBatch,
            int maxPending) {
        this.ingest = ingest;
        this.clients = clients;
        this.protocol = protocol;
        this.options = options;
        this.maxBatch = maxBatch;
        this.maxPending = maxPending;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        Peers.Peer p = Peers.of(ctx.channel());
        peerHost = p.host();
        client = clients.connected(p.label(), p.localPort(), protocol);
        batcher = new Batcher(ctx.executor(), ingest, maxBatch, maxPending, accepting -> updateRead(), this::durable);
        if (options.refuseAfterMillis() > 0) {
            long every = Math.max(10, Math.min(1_000, options.refuseAfterMillis() / 4));
            refuseCheck = ctx.executor().scheduleAtFixedRate(this::checkRefuse, every, every,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        io.sluice.syslog.ingest.Packing packing = ingest.packing();
        // a line held in an open message is answered once the message holding it is durable
        packer = packing == null ? null : new io.sluice.syslog.ingest.Packer(packing, ingest, batcher, ctx.executor(),
                true);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RelpFramingError e) {
            if (!closing) {
                violation(e.txnr(), e.reason());
            }
            return;
        }
        RelpFrame frame = (RelpFrame) msg;
        try {
            if (!closing) {
                if (readAt == null) {
                    readAt = Instant.now();
                }
                handle(frame);
            }
        } finally {
            frame.release();
        }
    }

    private void handle(RelpFrame f) {
        if (f.txnr() == 0) {
            violation(-1, "transaction number 0 is reserved for the server's hints");
            return;
        }
        if (f.txnr() != expected) {
            violation(f.txnr(), "transaction number " + f.txnr() + " out of sequence, " + expected + " expected");
            return;
        }
        expected = RelpFrame.next(expected);
        switch (f.command()) {
            case "open" -> open(f);
            case "syslog" -> {
                if (!open) {
                    violation(f.txnr(), "command disabled: 'syslog' before 'open'");
                } else {
                    syslog(f);
                }
            }
            case "lz4" -> {
                if (!open) {
                    violation(f.txnr(), "command disabled: 'lz4' before 'open'");
                } else {
                    lz4(f);
                }
            }
            case "close" -> {
                closing = true;
                queue(new Answer(f.txnr(), 0, "", true));
            }
            case "rsp" -> {
                ingest.counters().failed.increment();
                ingest.log().warn(client.peer(), "sent 'rsp' (txnr " + f.txnr() + "), a server's command; answered 500");
                queue(new Answer(f.txnr(), 0, "500 rsp is sent by servers only", false));
            }
            default -> {
                ingest.counters().failed.increment();
                ingest.log().warn(client.peer(), "unknown command '" + f.command() + "' (txnr " + f.txnr()
                        + "); answered 500");
                queue(new Answer(f.txnr(), 0, "500 command not supported: " + f.command(), false));
            }
        }
    }

    private void open(RelpFrame f) {
        if (open) {
            violation(f.txnr(), "protocol error: session already open");
            return;
        }
        RelpOffers offers;
        try {
            offers = RelpOffers.parse(f.data().toString(StandardCharsets.UTF_8));
            offers.relpVersion();
        } catch (IllegalArgumentException e) {
            violation(f.txnr(), "error on open: " + e.getMessage());
            return;
        }
        List<String> commands = offers.values("commands");
        if (!commands.contains("syslog")) {
            violation(f.txnr(), "required command not supported by client: syslog");
            return;
        }
        lz4Agreed = options.lz4() && commands.contains("lz4");
        Map<String, List<String>> ours = new LinkedHashMap<>();
        ours.put("relp_version", List.of("0"));
        ours.put("relp_software", List.of(options.software().split(",")));
        ours.put("commands", lz4Agreed ? List.of("syslog", "lz4") : List.of("syslog"));
        open = true;
        queue(new Answer(f.txnr(), 0, OK + "\n" + RelpOffers.format(ours), false));
    }

    /**
     * The bus has been unavailable ({@link io.sluice.api.bus.EventBus#unavailable}: a broker and its
     * rescue store both down; never merely full) for refuseAfterMillis: every frame waiting for its
     * answer is answered 500 with the reason, and so is every new one until the bus can store events
     * again. The sender keeps them and sends them again: nothing is acknowledged that is not durable.
     */
    private void checkRefuse() {
        if (abandoned || closing) {
            return;
        }
        String why = ingest.bus().unavailable(ingest.stream());
        if (why == null) {
            unavailableSince = 0;
            return;
        }
        long now = System.nanoTime();
        if (unavailableSince == 0) {
            unavailableSince = now;
        }
        if (refusing || now - unavailableSince < options.refuseAfterMillis() * 1_000_000L) {
            return;
        }
        refusal = "500 not taken now: " + why.replace('\n', ' ');
        refusing = true;
        if (packer != null) {
            packer.closeAll();
        }
        int given = batcher.giveUp();
        ArrayDeque<Answer> refused = new ArrayDeque<>(answers.size());
        for (Answer a : answers) {
            refused.add(a.events > 0 ? new Answer(a.txnr, 0, refusal, a.closeAfter) : a);
        }
        answers.clear();
        answers.addAll(refused);
        ingest.log().warn(client.peer(), "the bus cannot store events for " + options.refuseAfterMillis()
                + " ms or more; " + given + " event(s) of the session answered 500 (the sender sends them again): "
                + why);
        answerReady();
        updateRead();
    }

    /** Whether a new frame is answered 500 at once (the bus is still unavailable). */
    private boolean refused(long txnr) {
        if (!refusing) {
            return false;
        }
        if (ingest.bus().unavailable(ingest.stream()) == null) {
            refusing = false;
            unavailableSince = 0;
            ingest.log().warn(client.peer(), "the bus takes events again: frames are taken again");
            return false;
        }
        ingest.counters().failed.increment();
        queue(new Answer(txnr, 0, refusal, false));
        return true;
    }

    private void syslog(RelpFrame f) {
        if (refused(f.txnr())) {
            return;
        }
        ByteBuf data = withoutTrailingNewline(f.data());
        Event e = ingest.parse(data, peerHost, client, readAt);
        if (e == null) {
            queue(new Answer(f.txnr(), 0, "500 message refused: not a syslog message this listener's format takes",
                    false));
            return;
        }
        add(e);
        queue(new Answer(f.txnr(), 1, OK, false));
    }

    private void lz4(RelpFrame f) {
        if (!options.lz4()) {
            ingest.counters().failed.increment();
            ingest.log().warn(client.peer(), "sent 'lz4' (txnr " + f.txnr() + ") but lz4 is off on this listener");
            queue(new Answer(f.txnr(), 0, "500 command disabled: lz4", false));
            return;
        }
        if (refused(f.txnr())) {
            return;
        }
        Lz4Group group;
        try {
            group = Lz4Group.decode(f.data(), options.maxLz4Bytes(), options.maxLz4Ratio(), options.maxDataBytes());
        } catch (IllegalArgumentException e) {
            ingest.counters().failed.increment();
            ingest.log().warn(client.peer(), "lz4 group (txnr " + f.txnr() + ") refused: " + e.getMessage());
            queue(new Answer(f.txnr(), 0, "500 " + e.getMessage(), false));
            return;
        }
        // All or nothing: one answer covers the group, so nothing of it is published unless all parse.
        List<Event> events = new ArrayList<>(group.messages().size());
        for (Lz4Group.Message m : group.messages()) {
            ByteBuf slice = withoutTrailingNewline(Unpooled.wrappedBuffer(group.bytes(), m.offset(), m.length()));
            Event e = ingest.parse(slice, peerHost, client, readAt);
            if (e == null) {
                queue(new Answer(f.txnr(), 0, "500 message refused: lz4 frame " + (events.size() + 1)
                        + " is not a syslog message this listener's format takes", false));
                return;
            }
            events.add(e);
        }
        events.forEach(this::add);
        queue(new Answer(f.txnr(), events.size(), OK, false));
    }

    private void add(Event e) {
        if (packer != null) {
            packer.add(e);
        } else {
            batcher.add(e);
        }
    }

    private static ByteBuf withoutTrailingNewline(ByteBuf b) {
        int len = b.readableBytes();
        while (len > 0 && (b.getByte(b.readerIndex() + len - 1) == '\n' || b.getByte(b.readerIndex() + len - 1) == '\r')) {
            len--;
        }
        return len == b.readableBytes() ? b : b.slice(b.readerIndex(), len);
    }

    /** A broken session: answer the frame if its number is known, then close once earlier frames are answered. */
    private void violation(long txnr, String reason) {
        ingest.counters().failed.increment();
        ingest.log().warn(client.peer(), "RELP session closed: " + reason + (txnr > 0 ? " (txnr " + txnr + ")" : ""));
        closing = true;
        queue(new Answer(txnr > 0 ? txnr : 0, 0, txnr > 0 ? "500 " + reason : null, true));
    }

    private void queue(Answer a) {
        answers.add(a);
    }

    /** {@code n} more of this connection's events are durable, in the order they were added. */
    private void durable(int n) {
        for (Answer a : answers) {
            if (n == 0) {
                break;
            }
            int take = Math.min(n, a.events);
            a.events -= take;
            n -= take;
        }
        answerReady();
        updateRead();
    }

    /** Sends the answers whose frames are done, in order: all of them in one buffer, one write. */
    private void answerReady() {
        if (ctx == null || abandoned) {
            return;
        }
        ByteBuf out = null;
        while (!answers.isEmpty() && answers.peekFirst().events == 0) {
            Answer a = answers.pollFirst();
            if (a.text != null) {
                if (out == null) {
                    out = ctx.alloc().buffer(Math.min(answers.size() + 1, 4096) * 24);
                }
                if (a.text == OK) {
                    writeOk(out, a.txnr);
                } else {
                    ByteBuf r = rsp(a.txnr, a.text);
                    out.writeBytes(r);
                    r.release();
                }
            }
            if (a.closeAfter) {
                if (out != null) {
                    ctx.write(out);
                }
                if (a.text == null || a.txnr == 0) {
                    ctx.write(Unpooled.wrappedBuffer(SERVERCLOSE));
                }
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                answers.clear();
                return;
            }
        }
        if (out != null) {
            ctx.writeAndFlush(out);
        }
    }

    /** {@code TXNR rsp 6 200 OK LF}, the answer nearly every frame gets, without a String. */
    private static void writeOk(ByteBuf out, long txnr) {
        if (txnr >= 10) {
            long div = 1;
            while (txnr / div >= 10) {
                div *= 10;
            }
            for (; div > 0; div /= 10) {
                out.writeByte((int) ('0' + (txnr / div) % 10));
            }
        } else {
            out.writeByte((int) ('0' + txnr));
        }
        out.writeBytes(OK_TAIL);
    }

    private ByteBuf rsp(long txnr, String text) {
        String t = text;
        int nl = t.indexOf('\n');
        String head = nl < 0 ? t : t.substring(0, nl);
        if (head.length() > 4 + MAX_TEXT) {
            t = head.substring(0, 4 + MAX_TEXT) + (nl < 0 ? "" : t.substring(nl));
        }
        return RelpFrame.encode(ctx.alloc(), txnr, "rsp", t.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readAt = null;
        batcher.flush();
        answerReady();
        updateRead();
    }

    private void updateRead() {
        if (ctx == null) {
            return;
        }
        if (packer != null && answers.size() >= options.window() && packer.held() > 0) {
            // The window is full of lines an open message holds: the line that would close it cannot
            // come until they are answered, so close it now rather than wait for its max age.
            packer.closeAll();
            batcher.flush();
        }
        // While refusing, frames are read to be answered 500 at once (not held in the socket).
        boolean read = !closing && (refusing || batcher.accepting()) && answers.size() < options.window();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (refuseCheck != null) {
            refuseCheck.cancel(false);
        }
        if (batcher != null) {
            // Published even though the sender is gone; it will send these again (unanswered), a
            // duplicate at most, never a loss.
            if (packer != null) {
                packer.closeAll();
                packer.stopSweeping();
            }
            batcher.flush();
        }
        if (client != null) {
            clients.disconnected(client);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ingest.log().warn(client.peer(), "idle for too long; closing the RELP session");
            ctx.writeAndFlush(Unpooled.wrappedBuffer(SERVERCLOSE)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            ingest.log().warn(client == null ? "?" : client.peer(), "connection error: " + cause.getMessage());
        } else {
            ingest.log().warn(client == null ? "?" : client.peer(), "closing after an unexpected error: " + cause);
        }
        ctx.close();
    }

    /** Listener stopping: stop publishing, tell the client (serverclose hint); it resends what was unanswered. */
    @Override
    public int abandon() {
        abandoned = true;
        if (ctx != null && ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(SERVERCLOSE));
        }
        return (packer == null ? 0 : packer.stop()) + (batcher == null ? 0 : batcher.stop());
    }

    /** Frames of this session waiting for their answer. */
    public int unanswered() {
        return answers.size();
    }
}
