package io.sluice.syslog.frame;

/** A frame longer than the limit: it was skipped whole, and the next frame decodes normally. */
public final class FrameTooLongException extends SyslogFrameException {
    private static final long serialVersionUID = 1L;

    public FrameTooLongException(String message) {
        super(message);
    }

    @Override
    public boolean framingLost() {
        return false;
    }
}
