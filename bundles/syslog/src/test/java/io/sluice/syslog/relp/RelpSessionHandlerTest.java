package io.sluice.syslog.relp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.api.codec.ParserOptions;
import io.sluice.api.component.Counters;
import io.sluice.codec.Codecs;
import io.sluice.syslog.ingest.Clients;
import io.sluice.syslog.ingest.HeldBus;
import io.sluice.syslog.ingest.Ingest;
import io.sluice.syslog.ingest.PeerLog;
import io.sluice.syslog.relp.codec.RelpFrame;
import io.sluice.syslog.relp.codec.RelpFrameDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RelpSessionHandlerTest {
    private static final String OPEN_DATA = "relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\n"
            + "commands=syslog";
    private static final String OPEN = "1 open " + OPEN_DATA.length() + " " + OPEN_DATA + "\n";

    private final HeldBus bus = new HeldBus();
    private final Counters counters = new Counters();
    private final Clients clients = new Clients("relp-test");
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void release() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel session(RelpOptions options) {
        Ingest ingest = new Ingest("relp-test", bus, counters,
                new PeerLog(LoggerFactory.getLogger(RelpSessionHandlerTest.class), "relp-test"),
                Codecs.parser("rfc5424", ParserOptions.defaults()));
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(options.maxDataBytes()),
                new RelpSessionHandler(ingest, clients, "relp", options, 100, 1000));
        channels.add(ch);
        return ch;
    }

    private EmbeddedChannel session() {
        return session(options(128, true));
    }

    private static RelpOptions options(int window, boolean lz4) {
        return new RelpOptions(4096, window, lz4, 64 * 1024, 100, "sluice,test");
    }

    private static void send(EmbeddedChannel ch, String s) {
        ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
        ch.runPendingTasks();
    }

    private static void send(EmbeddedChannel ch, byte[] b) {
        ch.writeInbound(Unpooled.wrappedBuffer(b));
        ch.runPendingTasks();
    }

    /** Everything the server wrote since the last call. */
    private static String answers(EmbeddedChannel ch) {
        ch.runPendingTasks();
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }

    private static String syslog(long txnr, String msg) {
        return txnr + " syslog " + msg.getBytes(StandardCharsets.UTF_8).length + " " + msg + "\n";
    }

    private static String message(int n) {
        return "<13>1 2026-12-03T10:00:00Z host app - - - message " + n;
    }

    private void durable(EmbeddedChannel ch) {
        bus.completeAll();
        ch.runPendingTasks();
    }

    @Test
    void framesAreAnswered500WithTheReasonWhileTheBusCannotStoreEventsAndTakenAgainAfter() {
        EmbeddedChannel ch = session(new RelpOptions(4096, 128, true, 64 * 1024, 100, "sluice,test", 30));
        send(ch, OPEN);
        answers(ch);
        send(ch, syslog(2, message(2)) + syslog(3, message(3)));
        // The broker and its rescue queue are down: the publish fails and the bus says it cannot store.
        bus.capacity = false;
        bus.unavailable = "RabbitMQ: connection refused; Redis rescue queue: unreachable";
        bus.published.poll().done().completeExceptionally(new java.io.IOException("RabbitMQ: connection refused; "
                + "Redis rescue queue: unreachable"));
        StringBuilder got = new StringBuilder();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            ch.runScheduledPendingTasks();
            got.append(answers(ch));
            return got.toString().contains("3 rsp");
        });
        // RELP answers carry at most 80 characters of text after the code
        String refusal = "500 not taken now: RabbitMQ: connection refused; Redis rescue queue: unreachable";
        assertThat(got.toString()).isEqualTo("2 rsp " + refusal.length() + " " + refusal + "\n3 rsp "
                + refusal.length() + " " + refusal + "\n");
        // A new frame while it lasts: refused at once, nothing published.
        send(ch, syslog(4, message(4)));
        assertThat(answers(ch)).isEqualTo("4 rsp " + refusal.length() + " " + refusal + "\n");
        assertThat(bus.published).isEmpty();
        // The bus can store again: the next frame is taken and answered once durable.
        bus.capacity = true;
        bus.unavailable = null;
        send(ch, syslog(5, message(5)));
        assertThat(bus.published).hasSize(1);
        durable(ch);
        assertThat(answers(ch)).isEqualTo("5 rsp 6 200 OK\n");
        assertThat(counters.failed.sum()).isEqualTo(3);
    }

    @Test
    void framesWhosePublishNeverCompletesAreRefusedWhileTheBusIsUnavailable() {
        EmbeddedChannel ch = session(new RelpOptions(4096, 128, true, 64 * 1024, 100, "sluice,test", 30));
        send(ch, OPEN);
        answers(ch);
        // Unavailable when the frame arrives, and its publish never completes (neither way): the
        // session does not wait for the publish to fail, it refuses once the bus said so long enough.
        bus.capacity = false;
        bus.unavailable = "RabbitMQ: connection refused; Redis rescue queue: unreachable";
        send(ch, syslog(2, message(2)));
        StringBuilder got = new StringBuilder();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            ch.runScheduledPendingTasks();
            got.append(answers(ch));
            return got.toString().contains("2 rsp");
        });
        assertThat(got.toString()).contains("2 rsp").contains("500 not taken now: RabbitMQ: connection refused");
        // Reading goes on though the bus has no capacity: new frames are read to be refused, not left
        // unread in the socket (where the sender would wait for an answer that never comes).
        assertThat(ch.config().isAutoRead()).isTrue();
        send(ch, syslog(3, message(3)));
        assertThat(answers(ch)).contains("3 rsp").contains("500 not taken now");
    }

    @Test
    void aFullBusHoldsFramesAndNeverRefusesThem() {
        EmbeddedChannel ch = session(new RelpOptions(4096, 128, true, 64 * 1024, 100, "sluice,test", 1));
        send(ch, OPEN);
        answers(ch);
        send(ch, syslog(2, message(2)));
        bus.capacity = false;
        bus.published.poll().done().completeExceptionally(new io.sluice.api.bus.BusFullException("ingest", 10, 10));
        for (int i = 0; i < 5; i++) {
            ch.runScheduledPendingTasks();
        }
        assertThat(answers(ch)).isEmpty();
        bus.capacity = true;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            ch.runScheduledPendingTasks();
            return !bus.published.isEmpty();
        });
        durable(ch);
        assertThat(answers(ch)).isEqualTo("2 rsp 6 200 OK\n");
    }

    @Test
    void openIsAnsweredWithTheServersOffers() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        String rsp = answers(ch);
        String data = "200 OK\nrelp_version=0\nrelp_software=sluice,test\ncommands=syslog\n";
        assertThat(rsp).isEqualTo("1 rsp " + data.length() + " " + data + "\n");
    }

    @Test
    void okIsSentOnlyOnceTheEventIsDurable() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, syslog(2, message(1)));
        assertThat(answers(ch)).isEmpty();
        assertThat(bus.published).hasSize(1);
        assertThat(bus.published.peek().events().get(0).message()).isEqualTo("message 1");
        durable(ch);
        assertThat(answers(ch)).isEqualTo("2 rsp 6 200 OK\n");
    }

    @Test
    void answersKeepTheOrderOfTheFramesAcrossBatches() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, syslog(2, message(2)) + syslog(3, message(3)));
        // While the first batch is in flight, the next frames wait in the next batch.
        send(ch, syslog(4, message(4)));
        assertThat(bus.published).hasSize(1);
        HeldBus.Published first = bus.published.poll();
        first.done().complete(null);
        ch.runPendingTasks();
        assertThat(answers(ch)).isEqualTo("2 rsp 6 200 OK\n3 rsp 6 200 OK\n");
        durable(ch);
        assertThat(answers(ch)).isEqualTo("4 rsp 6 200 OK\n");
    }

    @Test
    void aFailedWriteIsRetriedAndNeverAnsweredEarly() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, syslog(2, message(2)));
        bus.published.poll().done().completeExceptionally(new java.io.IOException("disk full"));
        ch.runPendingTasks();
        assertThat(answers(ch)).isEmpty();
        // The batcher offers the batch again after its back-off.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
            ch.runScheduledPendingTasks();
            return !bus.published.isEmpty();
        });
        durable(ch);
        assertThat(answers(ch)).isEqualTo("2 rsp 6 200 OK\n");
    }

    @Test
    void syslogBeforeOpenIsAnswered500AndTheSessionCloses() {
        EmbeddedChannel ch = session();
        send(ch, syslog(1, message(1)));
        assertThat(answers(ch)).startsWith("1 rsp ").contains("500 command disabled");
        assertThat(ch.isOpen()).isFalse();
        assertThat(bus.published).isEmpty();
        assertThat(counters.failed.sum()).isEqualTo(1);
    }

    @Test
    void outOfSequenceTransactionNumberIsAnswered500AndTheSessionCloses() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, syslog(3, message(3)));
        assertThat(answers(ch)).startsWith("3 rsp ").contains("500 transaction number 3 out of sequence, 2 expected");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void transactionNumberZeroIsRefusedWithAServercloseHint() {
        EmbeddedChannel ch = session();
        send(ch, "0 syslog 1 x\n");
        assertThat(answers(ch)).isEqualTo("0 serverclose 0\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void violationIsAnsweredOnlyAfterTheEarlierFramesAreDurable() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, syslog(2, message(2)) + "9 syslog 1 x\n");
        assertThat(answers(ch)).isEmpty();
        assertThat(ch.isOpen()).isTrue();
        durable(ch);
        assertThat(answers(ch)).startsWith("2 rsp 6 200 OK\n9 rsp ");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void frameOverTheDataLimitIsAnswered500AndTheSessionCloses() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, "2 syslog 5000 ");
        assertThat(answers(ch)).contains("2 rsp ").contains("500 DATALEN 5000 is over the limit of 4096");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void dataLengthNotMatchingTheDataIsAnswered500AndTheSessionCloses() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, "2 syslog 3 <13>1 - - - - - - x\n");
        assertThat(answers(ch)).startsWith("2 rsp ").contains("500 no LF trailer after 3 bytes");
        assertThat(ch.isOpen()).isFalse();
        assertThat(bus.published).isEmpty();
    }

    @Test
    void garbledTransactionNumberClosesWithAServercloseHint() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, "12345678901 syslog 1 x\n");
        assertThat(answers(ch)).isEqualTo("0 serverclose 0\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void clientSendingRspGets500AndTheSessionGoesOn() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, "2 rsp 6 200 OK\n");
        assertThat(answers(ch)).startsWith("2 rsp ").contains("500 rsp is sent by servers only");
        send(ch, syslog(3, message(3)));
        durable(ch);
        assertThat(answers(ch)).isEqualTo("3 rsp 6 200 OK\n");
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void unknownCommandGets500AndTheSessionGoesOn() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, "2 starttls 0\n");
        assertThat(answers(ch)).isEqualTo("2 rsp 35 500 command not supported: starttls\n");
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void openWithMoreThan64OffersIsRefused() {
        StringBuilder offers = new StringBuilder("relp_version=0\ncommands=syslog\n");
        for (int i = 0; i < 63; i++) {
            offers.append("x").append(i).append("=1\n");
        }
        EmbeddedChannel ch = session();
        send(ch, "1 open " + offers.length() + " " + offers + "\n");
        assertThat(answers(ch)).startsWith("1 rsp ").contains("500 error on open: more than 64 offers");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void openWithoutTheSyslogCommandIsRefused() {
        EmbeddedChannel ch = session();
        String data = "relp_version=0\ncommands=other";
        send(ch, "1 open " + data.length() + " " + data + "\n");
        assertThat(answers(ch)).contains("500 required command not supported by client: syslog");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void secondOpenIsRefused() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, OPEN.replaceFirst("^1 ", "2 "));
        assertThat(answers(ch)).contains("500 protocol error: session already open");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void closeIsAnsweredAfterTheEarlierFramesAndEndsTheConnection() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, syslog(2, message(2)) + "3 close 0\n");
        assertThat(answers(ch)).isEmpty();
        durable(ch);
        assertThat(answers(ch)).isEqualTo("2 rsp 6 200 OK\n3 rsp 0\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void messageTheParserRefusesIsAnswered500AndNotPublished() {
        EmbeddedChannel ch = session();
        send(ch, OPEN);
        answers(ch);
        send(ch, syslog(2, "not syslog at all"));
        assertThat(answers(ch)).startsWith("2 rsp ").contains("500 message refused");
        assertThat(bus.published).isEmpty();
        assertThat(ch.isOpen()).isTrue();
        assertThat(counters.failed.sum()).isEqualTo(1);
    }

    @Test
    void readingPausesWhileTheWindowIsFull() {
        EmbeddedChannel ch = session(options(2, true));
        send(ch, OPEN);
        answers(ch);
        assertThat(ch.config().isAutoRead()).isTrue();
        send(ch, syslog(2, message(2)) + syslog(3, message(3)));
        assertThat(ch.config().isAutoRead()).isFalse();
        durable(ch);
        answers(ch);
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void transactionNumbersWrapFrom999999999ToOne() {
        assertThat(RelpFrame.next(999_999_999L)).isEqualTo(1);
        assertThat(RelpFrame.next(1)).isEqualTo(2);
    }

    // --- lz4 ---

    private static String lz4Open() {
        String data = "relp_version=0\ncommands=syslog,lz4";
        return "1 open " + data.length() + " " + data + "\n";
    }

    static byte[] lz4Data(String frames) {
        byte[] raw = frames.getBytes(StandardCharsets.UTF_8);
        byte[] block = LZ4Factory.fastestJavaInstance().fastCompressor().compress(raw);
        return ByteBuffer.allocate(4 + block.length).order(ByteOrder.LITTLE_ENDIAN).putInt(raw.length).put(block)
                .array();
    }

    private static byte[] lz4Frame(long txnr, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((txnr + " lz4 " + data.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        out.write('\n');
        return out.toByteArray();
    }

    @Test
    void lz4IsAnnouncedWhenTheClientOffersIt() {
        EmbeddedChannel ch = session();
        send(ch, lz4Open());
        assertThat(answers(ch)).contains("commands=syslog,lz4\n");
    }

    @Test
    void lz4GroupIsAnsweredOnceWhenAllItsEventsAreDurable() {
        EmbeddedChannel ch = session();
        send(ch, lz4Open());
        answers(ch);
        StringBuilder frames = new StringBuilder();
        for (int i = 1; i <= 250; i++) {
            frames.append(syslog(i, message(i)));
        }
        send(ch, lz4Frame(2, lz4Data(frames.toString())));
        // 250 events, batches of at most 100: three batches, one answer after the last.
        HeldBus.Published first = bus.published.poll();
        assertThat(first.events()).hasSize(100);
        first.done().complete(null);
        ch.runPendingTasks();
        assertThat(answers(ch)).isEmpty();
        durable(ch);
        durable(ch);
        assertThat(answers(ch)).isEqualTo("2 rsp 6 200 OK\n");
        assertThat(counters.acked.sum()).isEqualTo(250);
    }

    @Test
    void lz4BombIsRefusedUnopenedAndTheSessionGoesOn() {
        EmbeddedChannel ch = session();
        send(ch, lz4Open());
        answers(ch);
        // 60 KB of one repeated frame compresses far beyond 100:1.
        String frame = syslog(1, message(1));
        byte[] bomb = lz4Data(frame.repeat(60_000 / frame.length()));
        send(ch, lz4Frame(2, bomb));
        String rsp = answers(ch);
        assertThat(rsp).startsWith("2 rsp ");
        assertThat(rsp).containsAnyOf("500 lz4 ratio", "500 lz4 group of");
        assertThat(bus.published).isEmpty();
        send(ch, syslog(3, message(3)));
        durable(ch);
        assertThat(answers(ch)).isEqualTo("3 rsp 6 200 OK\n");
    }

    @Test
    void lz4GroupLargerThanTheLimitIsRefused() {
        EmbeddedChannel ch = session();
        send(ch, lz4Open());
        answers(ch);
        byte[] data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE).array();
        send(ch, lz4Frame(2, data));
        assertThat(answers(ch)).contains("500 lz4 group of 2147483647 bytes is over the limit of 65536");
    }

    @Test
    void lz4WithAMalformedInnerFrameIsRefusedWhole() {
        EmbeddedChannel ch = session();
        send(ch, lz4Open());
        answers(ch);
        send(ch, lz4Frame(2, lz4Data(syslog(1, message(1)) + "2 syslog 99 short\n")));
        assertThat(answers(ch)).contains("500 lz4 frame 2 LEN does not match the data");
        assertThat(bus.published).isEmpty();
    }

    @Test
    void lz4WithACorruptBlockIsRefused() {
        EmbeddedChannel ch = session();
        send(ch, lz4Open());
        answers(ch);
        byte[] data = lz4Data(syslog(1, message(1)));
        for (int i = 6; i < data.length; i++) {
            data[i] = (byte) 0xff;
        }
        send(ch, lz4Frame(2, data));
        assertThat(answers(ch)).contains("500 lz4 block");
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void lz4IsRefusedWhenTheListenerHasItOff() {
        EmbeddedChannel ch = session(options(128, false));
        send(ch, lz4Open());
        assertThat(answers(ch)).contains("commands=syslog\n");
        send(ch, lz4Frame(2, lz4Data(syslog(1, message(1)))));
        assertThat(answers(ch)).contains("500 command disabled: lz4");
    }
}
