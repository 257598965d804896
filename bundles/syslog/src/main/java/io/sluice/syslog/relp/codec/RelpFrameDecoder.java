package io.sluice.syslog.relp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits a RELP byte stream into {@link RelpFrame}s: {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}
 * (RELP, as librelp speaks it). Bounded everywhere: at most 9 digits of TXNR and DATALEN, 32
 * characters of COMMAND, {@code maxDataBytes} of DATA. Nothing is read past a frame until it is whole,
 * so memory stays within one frame per connection.
 *
 * <p>On the first violation it passes a {@link RelpFramingError} on and discards everything after:
 * once a frame is broken, where the next one starts cannot be known.
 */
public final class RelpFrameDecoder extends ByteToMessageDecoder {
    /** TXNR and DATALEN have at most nine digits. */
    static final int MAX_DIGITS = 9;
    /** COMMAND has at most 32 letters. */
    static final int MAX_COMMAND = 32;

    private final int maxDataBytes;
    private boolean failed;

    public RelpFrameDecoder(int maxDataBytes) {
        if (maxDataBytes < 1) {
            throw new IllegalArgumentException("maxDataBytes (" + maxDataBytes + ") must be positive");
        }
        this.maxDataBytes = maxDataBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            Object next = next(in);
            if (next == null) {
                return;
            }
            out.add(next);
            if (next instanceof RelpFramingError) {
                failed = true;
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    /** A frame, an error, or null when more bytes are needed (nothing consumed then). */
    private Object next(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int i = start;

        // TXNR
        long txnr = 0;
        int digits = 0;
        for (;; i++) {
            if (i == end) {
                return null;
            }
            byte b = in.getByte(i);
            if (b >= '0' && b <= '9') {
                if (++digits > MAX_DIGITS) {
                    return new RelpFramingError(-1, "transaction number has more than " + MAX_DIGITS + " digits");
                }
                txnr = txnr * 10 + (b - '0');
            } else if (b == ' ' && digits > 0) {
                i++;
                break;
            } else {
                return new RelpFramingError(-1, digits == 0 ? "frame does not start with a transaction number ("
                        + describe(b) + ")" : "transaction number followed by " + describe(b));
            }
        }

        // COMMAND
        int cmdStart = i;
        for (;; i++) {
            if (i == end) {
                return null;
            }
            byte b = in.getByte(i);
            // librelp's commands are letters; pyloggr's "lz4" has a digit.
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9' && i > cmdStart)) {
                if (i - cmdStart >= MAX_COMMAND) {
                    return new RelpFramingError(txnr, "command longer than " + MAX_COMMAND + " characters");
                }
            } else if (b == ' ' && i > cmdStart) {
                break;
            } else {
                return new RelpFramingError(txnr, "command contains " + describe(b));
            }
        }
        String command = command(in, cmdStart, i - cmdStart);
        i++;

        // DATALEN
        long dataLen = 0;
        digits = 0;
        byte after;
        for (;; i++) {
            if (i == end) {
                return null;
            }
            byte b = in.getByte(i);
            if (b >= '0' && b <= '9') {
                if (++digits > MAX_DIGITS) {
                    return new RelpFramingError(txnr, "DATALEN has more than " + MAX_DIGITS + " digits");
                }
                dataLen = dataLen * 10 + (b - '0');
            } else if (digits == 0) {
                return new RelpFramingError(txnr, "DATALEN missing (" + describe(b) + ")");
            } else {
                after = b;
                break;
            }
        }
        if (dataLen > maxDataBytes) {
            return new RelpFramingError(txnr, "DATALEN " + dataLen + " is over the limit of " + maxDataBytes
                    + " bytes (maxDataBytes)");
        }
        if (dataLen == 0) {
            // "0 LF"; a "0 SP LF" as some clients write it is taken too.
            if (after == ' ') {
                if (i + 1 == end) {
                    return null;
                }
                i++;
                after = in.getByte(i);
            }
            if (after != '\n') {
                return new RelpFramingError(txnr, "no LF trailer after DATALEN 0 (" + describe(after) + ")");
            }
            in.readerIndex(i + 1);
            return new RelpFrame(txnr, command, Unpooled.EMPTY_BUFFER);
        }
        if (after != ' ') {
            return new RelpFramingError(txnr, "DATALEN followed by " + describe(after) + " instead of a space");
        }
        int dataStart = i + 1;
        if (end - dataStart < dataLen + 1) {
            return null;
        }
        byte trailer = in.getByte(dataStart + (int) dataLen);
        if (trailer != '\n') {
            return new RelpFramingError(txnr, "no LF trailer after " + dataLen + " bytes of DATA ("
                    + describe(trailer) + "): DATALEN does not match the data");
        }
        in.readerIndex(dataStart);
        ByteBuf data = in.readRetainedSlice((int) dataLen);
        in.skipBytes(1);
        return new RelpFrame(txnr, command, data);
    }

    private static final String[] KNOWN = {"syslog", "rsp", "open", "close", "lz4", "serverclose"};

    /** The command as a String; the protocol's own commands without allocating one per frame. */
    private static String command(ByteBuf in, int start, int length) {
        for (String k : KNOWN) {
            if (k.length() == length) {
                boolean same = true;
                for (int j = 0; j < length && same; j++) {
                    same = in.getByte(start + j) == k.charAt(j);
                }
                if (same) {
                    return k;
                }
            }
        }
        return in.toString(start, length, StandardCharsets.US_ASCII);
    }

    private static String describe(byte b) {
        if (b >= 0x21 && b < 0x7f) {
            return "'" + (char) b + "'";
        }
        return String.format("byte 0x%02x", b & 0xff);
    }
}
