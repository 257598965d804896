package io.sluice.api.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer that {@link EncodedFormatter}s write to. Not thread-safe. */
public final class ByteSink {
    private byte[] buf;
    private int len;

    public ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** Room for {@code n} more bytes. */
    public void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    public ByteSink write(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    public ByteSink write(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    /** Appends {@code s} as UTF-8. */
    public ByteSink writeUtf8(CharSequence s) {
        byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
        return write(b, 0, b.length);
    }

    /** Overwrites byte {@code index} (below {@link #length()}). */
    public void set(int index, int b) {
        if (index < 0 || index >= len) {
            throw new IndexOutOfBoundsException(index);
        }
        buf[index] = (byte) b;
    }

    public int length() {
        return len;
    }

    /** Drops what was written (keeps the capacity). */
    public void reset() {
        len = 0;
    }

    /** Shortens to {@code n} bytes (to undo a partly written item). */
    public void truncate(int n) {
        if (n < 0 || n > len) {
            throw new IndexOutOfBoundsException(n);
        }
        len = n;
    }

    public int capacity() {
        return buf.length;
    }

    /** The bytes written, as a buffer over the sink's array (valid until the next write). */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(buf, 0, len);
    }
}
