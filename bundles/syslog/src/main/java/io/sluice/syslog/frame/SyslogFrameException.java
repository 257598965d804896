package io.sluice.syslog.frame;

import io.netty.handler.codec.DecoderException;

/** A problem with the framing of a syslog stream; subclasses say whether the stream can go on. */
public abstract class SyslogFrameException extends DecoderException {
    private static final long serialVersionUID = 1L;

    protected SyslogFrameException(String message) {
        super(message);
    }

    /** Whether the decoder lost track of where frames start: the connection must be closed. */
    public abstract boolean framingLost();
}
