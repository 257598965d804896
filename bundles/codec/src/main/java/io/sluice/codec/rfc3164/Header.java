package io.sluice.codec.rfc3164;

/**
 * What the scanner found in one message: positions into the input and a few decoded numbers. One
 * instance per parse; it never escapes the parser except to tests of this package.
 */
final class Header {
    // timestamp, as scanned (tsMonth == 0: none)
    int tsYear;
    int tsMonth;
    int tsDay;
    int tsHour;
    int tsMinute;
    int tsSecond;
    int tsNanos;
    int tsOffset = Rfc3164Timestamps.NO_OFFSET;
    /** The resolved timestamp, or null. */
    java.time.OffsetDateTime tsValue;

    int hostStart = -1;
    int hostEnd;
    int tagStart = -1;
    int tagEnd;
    /** The tag ended with ':' (not part of tagStart..tagEnd). */
    boolean tagColon;
    int msgStart;
    int msgEnd;
    /** The single space separating the header from the message was dropped. */
    boolean msgSpaceDropped;

    // Cisco
    int seqStart = -1;
    int seqEnd;
    int cpuStart = -1;
    int cpuEnd;
    byte timeMarker;
    /** The %FAC-SEV-MNEMONIC token: start at '%', end before the optional blank and ':'. */
    int mnemStart = -1;
    int mnemEnd;

    /** Start of " @[_PID=..." trusted properties (then msgEnd was cut before it), else -1. */
    int trustedStart = -1;
    int trustedEnd;

    void clearTimestamp() {
        tsYear = 0;
        tsMonth = 0;
        tsDay = 0;
        tsHour = 0;
        tsMinute = 0;
        tsSecond = 0;
        tsNanos = 0;
        tsOffset = Rfc3164Timestamps.NO_OFFSET;
        tsValue = null;
    }
}
