package io.sluice.syslog.frame;

/** The stream cannot be split into frames any more (a malformed octet count): close the connection. */
public final class FramingLostException extends SyslogFrameException {
    private static final long serialVersionUID = 1L;

    public FramingLostException(String message) {
        super(message);
    }

    @Override
    public boolean framingLost() {
        return true;
    }
}
