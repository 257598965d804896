package io.sluice.syslog.relp.codec;

/**
 * What {@link RelpFrameDecoder} passes on instead of a frame when the input breaks the RELP
 * grammar or a limit. Framing is lost from there on: the decoder discards the rest of the stream
 * and the session answers (if the transaction number was read) and closes.
 *
 * @param txnr   the transaction number of the broken frame, or -1 when it could not be read
 * @param reason what was wrong, for the log and the {@code 500} answer
 */
public record RelpFramingError(long txnr, String reason) {
}
