package io.sluice.syslog.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a syslog byte stream into frames (RFC 6587): octet-counted ({@code LEN SP MSG}) or
 * LF-terminated, chosen per frame or fixed by configuration. Emits each message as a
 * {@link ByteBuf} without its length prefix or terminator.
 *
 * <p>Bounded everywhere: an octet count has at most {@link #MAX_COUNT_DIGITS} digits, no leading
 * zero, no sign; a frame longer than {@code maxFrameBytes} is skipped (streamed past, never
 * buffered) and reported as {@link FrameTooLongException}, after which the next frame decodes
 * normally. A malformed octet count means the frame boundaries are unknown from there on: it is
 * reported as {@link FramingLostException} and the decoder drops the rest of the stream; the
 * handler after it closes the connection. CR, LF and NUL bytes between frames are skipped. A
 * last LF frame that the sender ends by closing the connection, without its LF, still counts.
 */
public final class SyslogFrameDecoder extends ByteToMessageDecoder {
    /** Nine digits: every count below one billion parses without overflow. */
    public static final int MAX_COUNT_DIGITS = 9;

    private final Framing framing;
    private final int maxFrameBytes;
    /** Bytes still to skip of an oversized octet-counted frame. */
    private long skipBytes;
    /** Skipping an oversized LF frame up to its LF. */
    private boolean skipLine;
    private boolean lost;

    public SyslogFrameDecoder(Framing framing, int maxFrameBytes) {
        if (framing == null) {
            throw new NullPointerException("framing");
        }
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes (" + maxFrameBytes + ") must be positive");
        }
        this.framing = framing;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (lost) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (skipBytes > 0) {
                int n = (int) Math.min(skipBytes, in.readableBytes());
                in.skipBytes(n);
                skipBytes -= n;
                continue;
            }
            if (skipLine) {
                int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                if (lf < 0) {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                in.readerIndex(lf + 1);
                skipLine = false;
                continue;
            }
            byte first = in.getByte(in.readerIndex());
            if (first == '\n' || first == '\r' || first == 0) {
                in.skipBytes(1);
                continue;
            }
            boolean octets = framing == Framing.OCTET_COUNTED || (framing == Framing.AUTO && isDigit(first));
            boolean progressed = octets ? octetCounted(ctx, in, out) : lineTerminated(ctx, in, out);
            if (!progressed) {
                return;
            }
        }
    }

    /** One octet-counted frame; false when more bytes are needed. */
    private boolean octetCounted(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        long count = 0;
        int digits = 0;
        int i = start;
        while (true) {
            if (i == end) {
                return false;
            }
            byte c = in.getByte(i);
            if (c == ' ') {
                break;
            }
            if (!isDigit(c)) {
                return lose(ctx, in, "octet count contains " + describe(c) + " after " + digits + " digit(s)");
            }
            if (digits == 0 && c == '0') {
                return lose(ctx, in, "octet count has a leading zero");
            }
            if (digits == MAX_COUNT_DIGITS) {
                return lose(ctx, in, "octet count has more than " + MAX_COUNT_DIGITS + " digits");
            }
            count = count * 10 + (c - '0');
            digits++;
            i++;
        }
        if (digits == 0) {
            return lose(ctx, in, "octet count is empty");
        }
        int body = i + 1;
        if (count > maxFrameBytes) {
            in.readerIndex(body);
            skipBytes = count;
            ctx.fireExceptionCaught(new FrameTooLongException(
                    "frame length (" + count + ") exceeds the allowed maximum (" + maxFrameBytes + "); skipped"));
            return true;
        }
        if (end - body < count) {
            return false;
        }
        out.add(in.retainedSlice(body, (int) count));
        in.readerIndex(body + (int) count);
        return true;
    }

    /** One LF-terminated frame; false when more bytes are needed. */
    private boolean lineTerminated(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        // A frame of maxFrameBytes may be followed by CR LF: look that far, no further.
        int searchEnd = (int) Math.min(in.writerIndex(), (long) start + maxFrameBytes + 2);
        int lf = in.indexOf(start, searchEnd, (byte) '\n');
        if (lf < 0) {
            if (in.writerIndex() - start > maxFrameBytes + 1) {
                skipLine = true;
                in.skipBytes(in.readableBytes());
                ctx.fireExceptionCaught(new FrameTooLongException(
                        "frame without LF exceeds the allowed maximum (" + maxFrameBytes + "); skipped up to the next LF"));
                return true;
            }
            return false;
        }
        int len = lf - start;
        if (len > 0 && in.getByte(lf - 1) == '\r') {
            len--;
        }
        if (len > maxFrameBytes) {
            in.readerIndex(lf + 1);
            ctx.fireExceptionCaught(new FrameTooLongException(
                    "frame length (" + len + ") exceeds the allowed maximum (" + maxFrameBytes + "); skipped"));
            return true;
        }
        out.add(in.retainedSlice(start, len));
        in.readerIndex(lf + 1);
        return true;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (!in.isReadable() || lost) {
            return;
        }
        if (skipBytes == 0 && !skipLine && in.readableBytes() <= maxFrameBytes
                && !(framing == Framing.OCTET_COUNTED
                        || (framing == Framing.AUTO && isDigit(in.getByte(in.readerIndex()))))) {
            // The sender closed the connection after a last message without LF: keep it.
            out.add(in.readRetainedSlice(in.readableBytes()));
            return;
        }
        int left = in.readableBytes();
        in.skipBytes(left);
        if (skipBytes == 0 && !skipLine) {
            ctx.fireExceptionCaught(new FrameTooLongException(
                    "connection closed inside a frame; " + left + " byte(s) of an incomplete frame dropped"));
        }
    }

    private boolean lose(ChannelHandlerContext ctx, ByteBuf in, String why) {
        lost = true;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(new FramingLostException(why + "; framing is lost"));
        return true;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static String describe(byte c) {
        return c >= 0x21 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c & 0xff);
    }
}
