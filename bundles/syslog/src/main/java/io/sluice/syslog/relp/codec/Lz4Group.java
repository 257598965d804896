package io.sluice.syslog.relp.codec;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The DATA of the {@code lz4} command (pyloggr's RELP extension, see docs/protocols.md): a 4-byte
 * little-endian uncompressed size, then one LZ4 block holding {@code TXNR syslog LEN MSG LF} frames.
 * Decoding is bounded before any memory is taken: the announced size must be within
 * {@code maxBytes} and within {@code maxRatio} times the compressed size (a decompression bomb is
 * refused unopened), and the block must decompress to exactly the announced size.
 */
public final class Lz4Group {
    /** The pure-Java, bounds-checked decompressor: this input comes from the network. */
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();
    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestJavaInstance().fastCompressor();

    /** One message of the group: {@code length} bytes of {@link #bytes()} from {@code offset}. */
    public record Message(long txnr, int offset, int length) {
    }

    private final byte[] bytes;
    private final List<Message> messages;

    private Lz4Group(byte[] bytes, List<Message> messages) {
        this.bytes = bytes;
        this.messages = messages;
    }

    public byte[] bytes() {
        return bytes;
    }

    public List<Message> messages() {
        return messages;
    }

    /**
     * Decompresses and splits a group; throws {@link IllegalArgumentException} with a reason short
     * enough for a RELP answer when the data is malformed or over a limit.
     *
     * @param maxBytes        largest uncompressed size taken
     * @param maxRatio        largest uncompressed / compressed ratio taken
     * @param maxMessageBytes largest message inside
     */
    public static Lz4Group decode(ByteBuf data, int maxBytes, int maxRatio, int maxMessageBytes) {
        int compressed = data.readableBytes() - 4;
        if (compressed < 1) {
            throw new IllegalArgumentException("lz4 data shorter than its 4-byte size prefix and one byte");
        }
        long size = data.getUnsignedIntLE(data.readerIndex());
        if (size > maxBytes) {
            throw new IllegalArgumentException("lz4 group of " + size + " bytes is over the limit of " + maxBytes);
        }
        if (size > (long) compressed * maxRatio) {
            throw new IllegalArgumentException("lz4 ratio " + (size / compressed) + ":1 is over the limit of "
                    + maxRatio + ":1");
        }
        byte[] src = new byte[compressed];
        data.getBytes(data.readerIndex() + 4, src);
        byte[] out = new byte[(int) size];
        int n;
        try {
            n = DECOMPRESSOR.decompress(src, 0, compressed, out, 0, out.length);
        } catch (LZ4Exception e) {
            throw new IllegalArgumentException("lz4 block is malformed or larger than announced");
        }
        if (n != size) {
            throw new IllegalArgumentException("lz4 block holds " + n + " bytes, " + size + " announced");
        }
        return new Lz4Group(out, split(out, maxMessageBytes));
    }

    /**
     * The DATA of an {@code lz4} frame holding {@code messages}, numbered from {@code firstTxnr}:
     * the 4-byte little-endian size, then the LZ4 block.
     */
    public static byte[] encode(List<byte[]> messages, long firstTxnr) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        long txnr = firstTxnr;
        for (byte[] m : messages) {
            raw.writeBytes((txnr + " syslog " + m.length + (m.length > 0 ? " " : "")).getBytes(StandardCharsets.US_ASCII));
            raw.writeBytes(m);
            raw.write('\n');
            txnr = RelpFrame.next(txnr);
        }
        byte[] plain = raw.toByteArray();
        byte[] out = new byte[4 + COMPRESSOR.maxCompressedLength(plain.length)];
        int n = COMPRESSOR.compress(plain, 0, plain.length, out, 4, out.length - 4);
        out[0] = (byte) plain.length;
        out[1] = (byte) (plain.length >>> 8);
        out[2] = (byte) (plain.length >>> 16);
        out[3] = (byte) (plain.length >>> 24);
        return java.util.Arrays.copyOf(out, 4 + n);
    }

    private static List<Message> split(byte[] b, int maxMessageBytes) {
        List<Message> out = new ArrayList<>();
        int i = 0;
        while (i < b.length) {
            int frame = out.size() + 1;
            long txnr = 0;
            int digits = 0;
            while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                if (++digits > RelpFrameDecoder.MAX_DIGITS) {
                    throw bad(frame, "transaction number has more than 9 digits");
                }
                txnr = txnr * 10 + (b[i++] - '0');
            }
            if (digits == 0 || !expect(b, i, " syslog ")) {
                throw bad(frame, "is not 'TXNR syslog LEN MSG'");
            }
            i += 8;
            long len = 0;
            digits = 0;
            while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                if (++digits > RelpFrameDecoder.MAX_DIGITS) {
                    throw bad(frame, "LEN has more than 9 digits");
                }
                len = len * 10 + (b[i++] - '0');
            }
            if (digits == 0) {
                throw bad(frame, "has no LEN");
            }
            if (len > maxMessageBytes) {
                throw bad(frame, "is over the limit of " + maxMessageBytes + " bytes");
            }
            if (len > 0) {
                if (i >= b.length || b[i] != ' ') {
                    throw bad(frame, "has no space after LEN");
                }
                i++;
            }
            if (b.length - i < len + 1 || b[i + (int) len] != '\n') {
                throw bad(frame, "LEN does not match the data");
            }
            out.add(new Message(txnr, i, (int) len));
            i += (int) len + 1;
        }
        return out;
    }

    private static boolean expect(byte[] b, int at, String s) {
        if (b.length - at < s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (b[at + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException bad(int frame, String what) {
        return new IllegalArgumentException("lz4 frame " + frame + " " + what);
    }
}
