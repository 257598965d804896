package io.sluice.syslog.relp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelpFrameDecoderTest {

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static String data(RelpFrame f) {
        try {
            return f.data().toString(StandardCharsets.ISO_8859_1);
        } finally {
            f.release();
        }
    }

    @Test
    void framesWithAndWithoutDataAreSplitWhereverTheReadsEnd() {
        String stream = "1 open 30 relp_version=0\ncommands=syslog\n2 syslog 10 <13>hello\n\n3 close 0\n";
        // Every split point: the frames come out the same.
        for (int cut = 0; cut <= stream.length(); cut++) {
            EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(1024));
            ch.writeInbound(bytes(stream.substring(0, cut)));
            ch.writeInbound(bytes(stream.substring(cut)));
            RelpFrame open = ch.readInbound();
            RelpFrame syslog = ch.readInbound();
            RelpFrame close = ch.readInbound();
            assertThat(open.txnr()).isEqualTo(1);
            assertThat(open.command()).isEqualTo("open");
            assertThat(data(open)).isEqualTo("relp_version=0\ncommands=syslog");
            assertThat(syslog.command()).isEqualTo("syslog");
            assertThat(data(syslog)).isEqualTo("<13>hello\n");
            assertThat(close.txnr()).isEqualTo(3);
            assertThat(data(close)).isEmpty();
            assertThat((Object) ch.readInbound()).isNull();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void dataMayContainLineFeedsAndSpaces() {
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(1024));
        ch.writeInbound(bytes("7 syslog 5 a\n b \n"));
        RelpFrame f = ch.readInbound();
        assertThat(data(f)).isEqualTo("a\n b ");
    }

    @Test
    void nineDigitsAreTheLargestTransactionNumber() {
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(1024));
        ch.writeInbound(bytes("999999999 syslog 1 x\n"));
        RelpFrame f = ch.readInbound();
        assertThat(f.txnr()).isEqualTo(999_999_999L);
        f.release();
    }

    private static RelpFramingError errorFor(String input, int maxData) {
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(maxData));
        ch.writeInbound(bytes(input));
        Object first = ch.readInbound();
        // Nothing after the error: framing is lost, the rest is discarded.
        ch.writeInbound(bytes("5 syslog 1 x\n"));
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
        assertThat(first).isInstanceOf(RelpFramingError.class);
        return (RelpFramingError) first;
    }

    @Test
    void tenDigitTransactionNumberIsAFramingErrorWithoutANumberToAnswer() {
        RelpFramingError e = errorFor("1000000000 syslog 1 x\n", 1024);
        assertThat(e.txnr()).isEqualTo(-1);
        assertThat(e.reason()).contains("more than 9 digits");
    }

    @Test
    void nonNumericTransactionNumberIsAFramingError() {
        RelpFramingError e = errorFor("abc syslog 1 x\n", 1024);
        assertThat(e.txnr()).isEqualTo(-1);
        assertThat(e.reason()).contains("does not start with a transaction number");
        assertThat(errorFor("12x syslog 1 x\n", 1024).reason()).contains("followed by 'x'");
    }

    @Test
    void dataLengthOverTheLimitIsRefusedBeforeTheDataArrives() {
        RelpFramingError e = errorFor("4 syslog 2000 ", 1024);
        assertThat(e.txnr()).isEqualTo(4);
        assertThat(e.reason()).contains("DATALEN 2000 is over the limit of 1024");
    }

    @Test
    void dataLengthNotMatchingTheDataIsAMissingTrailer() {
        RelpFramingError shorter = errorFor("2 syslog 3 hello\n", 1024);
        assertThat(shorter.txnr()).isEqualTo(2);
        assertThat(shorter.reason()).contains("no LF trailer after 3 bytes");
        RelpFramingError noTrailer = errorFor("2 close 0 3 syslog", 1024);
        assertThat(noTrailer.reason()).contains("no LF trailer after DATALEN 0");
    }

    @Test
    void commandIsAtMost32LettersAndDigitsStartingWithALetter() {
        assertThat(errorFor("1 sys-log 1 x\n", 1024).reason()).contains("command contains '-'");
        assertThat(errorFor("1 " + "a".repeat(33) + " 1 x\n", 1024).reason()).contains("longer than 32");
        assertThat(errorFor("1 4lz 1 x\n", 1024).reason()).contains("command contains '4'");
    }

    @Test
    void tenDigitDataLengthIsAFramingError() {
        assertThat(errorFor("1 syslog 1234567890 x\n", Integer.MAX_VALUE).reason()).contains("DATALEN has more than 9");
    }

    @Test
    void incompleteFrameWaitsForMoreBytes() {
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(1024));
        ch.writeInbound(bytes("12 syslog 10 0123"));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(bytes("456789\n"));
        RelpFrame f = ch.readInbound();
        assertThat(data(f)).isEqualTo("0123456789");
    }
}
