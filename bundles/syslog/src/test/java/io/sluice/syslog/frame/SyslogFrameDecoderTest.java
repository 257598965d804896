package io.sluice.syslog.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class SyslogFrameDecoderTest {

    /** Collects what the decoder reports, as the handler after it would see it. */
    private static final class Errors extends ChannelInboundHandlerAdapter {
        final List<SyslogFrameException> seen = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add((SyslogFrameException) cause);
        }
    }

    private final Errors errors = new Errors();

    private EmbeddedChannel channel(Framing framing, int max) {
        return new EmbeddedChannel(new SyslogFrameDecoder(framing, max), errors);
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static List<String> frames(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readInbound()) != null) {
            out.add(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out;
    }

    @Test
    void rfc6587_octetCountingAndLfFramingAreDetectedPerFrame() {
        EmbeddedChannel ch = channel(Framing.AUTO, 1024);
        ch.writeInbound(bytes("11 <13>1 - a b<13>second line\n5 <1>xy<14>third\r\n"));
        assertThat(frames(ch)).containsExactly("<13>1 - a b", "<13>second line", "<1>xy", "<14>third");
        assertThat(errors.seen).isEmpty();
    }

    @Test
    void framesSplitAcrossWritesAreReassembled() {
        EmbeddedChannel ch = channel(Framing.AUTO, 1024);
        String stream = "17 <13>1 hello world<13>lf framed\n";
        for (char c : stream.toCharArray()) {
            ch.writeInbound(bytes(String.valueOf(c)));
        }
        assertThat(frames(ch)).containsExactly("<13>1 hello world", "<13>lf framed");
    }

    @Test
    void oversizedOctetCountedFrameIsSkippedAndTheNextOneDecodes() {
        EmbeddedChannel ch = channel(Framing.AUTO, 10);
        ch.writeInbound(bytes("20 <13>01234567890123"));
        ch.writeInbound(bytes("45"));
        ch.writeInbound(bytes("5 <13>x"));
        assertThat(frames(ch)).containsExactly("<13>x");
        assertThat(errors.seen).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(FrameTooLongException.class)
                .hasMessage("frame length (20) exceeds the allowed maximum (10); skipped");
        assertThat(errors.seen.get(0).framingLost()).isFalse();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void oversizedLfFrameIsSkippedUpToItsLfAndTheNextOneDecodes() {
        EmbeddedChannel ch = channel(Framing.AUTO, 8);
        ch.writeInbound(bytes("<13>this line is far too long"));
        ch.writeInbound(bytes(" and still going\n<13>ok\n"));
        assertThat(frames(ch)).containsExactly("<13>ok");
        assertThat(errors.seen).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(FrameTooLongException.class);
    }

    @Test
    void lfFrameOfExactlyTheMaximumWithCrLfIsKept() {
        EmbeddedChannel ch = channel(Framing.LF, 8);
        ch.writeInbound(bytes("<13>abcd\r\n<13>abcde\n"));
        assertThat(frames(ch)).containsExactly("<13>abcd");
        assertThat(errors.seen).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(FrameTooLongException.class)
                .hasMessageContaining("(9)").hasMessageContaining("(8)");
    }

    @Test
    void leadingZeroInOctetCountLosesFraming() {
        EmbeddedChannel ch = channel(Framing.AUTO, 1024);
        ch.writeInbound(bytes("05 <13>x<13>after\n"));
        assertThat(frames(ch)).isEmpty();
        assertThat(errors.seen).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(FramingLostException.class)
                .hasMessageContaining("leading zero");
        assertThat(errors.seen.get(0).framingLost()).isTrue();
        // nothing more is decoded from a stream whose frame boundaries are unknown
        ch.writeInbound(bytes("5 <13>y"));
        assertThat(frames(ch)).isEmpty();
    }

    @Test
    void octetCountWithTooManyDigitsLosesFramingWithoutOverflow() {
        EmbeddedChannel ch = channel(Framing.AUTO, 1024);
        ch.writeInbound(bytes("99999999999999999999 x"));
        assertThat(errors.seen).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(FramingLostException.class)
                .hasMessageContaining("more than 9 digits");
    }

    @Test
    void nonDigitInOctetCountLosesFraming() {
        EmbeddedChannel ch = channel(Framing.OCTET_COUNTED, 1024);
        ch.writeInbound(bytes("<13>not counted\n"));
        assertThat(errors.seen).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(FramingLostException.class)
                .hasMessageContaining("'<'");
        EmbeddedChannel ch2 = new EmbeddedChannel(new SyslogFrameDecoder(Framing.AUTO, 1024), new Errors());
        ch2.writeInbound(bytes("12x <13>x"));
        assertThat(frames(ch2)).isEmpty();
    }

    @Test
    void largestNineDigitCountIsSkippedWithoutBufferingIt() {
        EmbeddedChannel ch = channel(Framing.AUTO, 1024);
        ch.writeInbound(bytes("999999999 "));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[64 * 1024]));
        assertThat(frames(ch)).isEmpty();
        assertThat(errors.seen).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(FrameTooLongException.class);
    }

    @Test
    void lfFramingKeepsFramesThatStartWithADigit() {
        EmbeddedChannel ch = channel(Framing.LF, 1024);
        ch.writeInbound(bytes("2024-01-01 plain text line\n"));
        assertThat(frames(ch)).containsExactly("2024-01-01 plain text line");
    }

    @Test
    void emptyLinesAndNulBytesBetweenFramesAreSkipped() {
        EmbeddedChannel ch = channel(Framing.AUTO, 1024);
        ch.writeInbound(bytes("\n\r\n\0<13>a\n\n3 <1>"));
        assertThat(frames(ch)).containsExactly("<13>a", "<1>");
    }

    @Test
    void lastLfFrameWithoutLfIsKeptWhenTheSenderCloses() {
        EmbeddedChannel ch = channel(Framing.AUTO, 1024);
        ch.writeInbound(bytes("<13>one\n<13>two"));
        assertThat(frames(ch)).containsExactly("<13>one");
        ch.finish();
        assertThat(frames(ch)).containsExactly("<13>two");
    }

    @Test
    void incompleteOctetFrameAtCloseIsReportedNotEmitted() {
        EmbeddedChannel ch = channel(Framing.AUTO, 1024);
        ch.writeInbound(bytes("10 <13>ab"));
        ch.finish();
        assertThat(frames(ch)).isEmpty();
        assertThat(errors.seen).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(FrameTooLongException.class)
                .hasMessageContaining("incomplete frame");
    }

    @Test
    void constructorChecksItsArguments() {
        assertThatThrownBy(() -> new SyslogFrameDecoder(Framing.AUTO, 0)).hasMessageContaining("maxFrameBytes (0)");
        assertThatThrownBy(() -> Framing.parse("crlf")).hasMessageContaining("'crlf'");
        assertThat(Framing.parse(" Octet-Counted ")).isEqualTo(Framing.OCTET_COUNTED);
    }
}
