package io.sluice.client;

/** The server answered a frame with a code other than 200: it did not take the message(s). */
public final class RelpRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public RelpRefusedException(int code, String text) {
        super(code + " " + text);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
