package io.sluice.syslog.relp;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One RELP frame, {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}, as {@link RelpFrameDecoder}
 * read it. The receiver releases it.
 *
 * @param txnr    transaction number, 0 to 999,999,999
 * @param command the command, 1 to 32 ASCII letters and digits, starting with a letter
 * @param data    the DATA bytes (empty when DATALEN is 0)
 */
public record RelpFrame(long txnr, String command, ByteBuf data) {

    public void release() {
        ReferenceCounted d = data;
        if (d.refCnt() > 0) {
            d.release();
        }
    }
}
