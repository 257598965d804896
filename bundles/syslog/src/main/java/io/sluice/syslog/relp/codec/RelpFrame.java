package io.sluice.syslog.relp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCounted;
import java.nio.charset.StandardCharsets;

/**
 * One RELP frame, {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}, as {@link RelpFrameDecoder}
 * read it. The receiver releases it.
 *
 * @param txnr    transaction number, 0 to 999,999,999
 * @param command the command, 1 to 32 ASCII letters and digits, starting with a letter
 * @param data    the DATA bytes (empty when DATALEN is 0)
 */
public record RelpFrame(long txnr, String command, ByteBuf data) {

    /** Transaction numbers wrap from here back to 1; 0 is the server's (hints). */
    public static final long MAX_TXNR = 999_999_999L;

    /** The transaction number after {@code txnr}: 999,999,999 is followed by 1. */
    public static long next(long txnr) {
        return txnr >= MAX_TXNR ? 1 : txnr + 1;
    }

    /** Writes {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}. */
    public static ByteBuf encode(ByteBufAllocator alloc, long txnr, String command, byte[] data) {
        byte[] head = (txnr + " " + command + " " + data.length + (data.length > 0 ? " " : ""))
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuf b = alloc.buffer(head.length + data.length + 1);
        return b.writeBytes(head).writeBytes(data).writeByte('\n');
    }

    public void release() {
        ReferenceCounted d = data;
        if (d.refCnt() > 0) {
            d.release();
        }
    }
}
