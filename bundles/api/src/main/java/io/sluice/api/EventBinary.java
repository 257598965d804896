package io.sluice.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact binary encoding of an {@link Event}, lossless (every field, the explicit or already
 * computed id, the signature), used where events are stored or carried between Sluice nodes: the
 * journal, and transports. Not meant for other systems: use the JSON format for those.
 *
 * <p>Layout (version 1): a version byte, a flags byte saying which optional fields follow, then the
 * fields in a fixed order; integers as unsigned LEB128 varints (zig-zag for signed), strings as a
 * varint byte length and UTF-8. Readers refuse versions they do not know.
 */
public final class EventBinary {
    static final int VERSION = 1;

    private static final int HAS_REPORTED = 1;
    private static final int HAS_HOST = 1 << 1;
    private static final int HAS_APP = 1 << 2;
    private static final int HAS_PROCID = 1 << 3;
    private static final int HAS_MSGID = 1 << 4;
    private static final int HAS_ID = 1 << 5;
    private static final int HAS_HMAC = 1 << 6;
    private static final int[] HEADER_FLAGS = {HAS_HOST, HAS_APP, HAS_PROCID, HAS_MSGID};

    private static final int T_NULL = 0;
    private static final int T_STRING = 1;
    private static final int T_TRUE = 2;
    private static final int T_FALSE = 3;
    private static final int T_LONG = 4;
    private static final int T_DOUBLE = 5;
    private static final int T_BIGINT = 6;
    private static final int T_BIGDEC = 7;
    private static final int T_LIST = 8;
    private static final int T_MAP = 9;

    private EventBinary() {
    }

    /**
     * The encoding of an event, shared: for an event that came from {@link #decodeOwned} unchanged,
     * the very array it was decoded from. The caller MUST NOT modify the returned array.
     */
    public static byte[] encodeShared(Event e) {
        byte[] cached = e.binary();
        return cached != null ? cached : encode(e);
    }

    /** Encodes an event into a new array. */
    public static byte[] encode(Event e) {
        Out out = new Out(96 + e.message().length() + (e.host() == null ? 0 : e.host().length()));
        String id = e.idIfKnown();
        int flags = (e.timereported() != null ? HAS_REPORTED : 0) | (e.host() != null ? HAS_HOST : 0)
                | (e.appName() != null ? HAS_APP : 0) | (e.procId() != null ? HAS_PROCID : 0)
                | (e.msgId() != null ? HAS_MSGID : 0) | (id != null ? HAS_ID : 0) | (e.hmac() != null ? HAS_HMAC : 0);
        out.write(VERSION);
        out.write(flags);
        out.write((e.facility().code() << 3) | e.severity().code());
        out.writeSigned(e.timegenerated().getEpochSecond());
        out.writeVarint(e.timegenerated().getNano());
        if (e.timereported() != null) {
            out.writeSigned(e.timereported().toEpochSecond());
            out.writeVarint(e.timereported().getNano());
            out.writeSigned(e.timereported().getOffset().getTotalSeconds());
        }
        if (id != null) {
            out.writeString(id);
        }
        if (e.host() != null) {
            out.writeString(e.host());
        }
        if (e.appName() != null) {
            out.writeString(e.appName());
        }
        if (e.procId() != null) {
            out.writeString(e.procId());
        }
        if (e.msgId() != null) {
            out.writeString(e.msgId());
        }
        out.writeString(e.message());
        out.writeVarint(e.structuredData().size());
        for (Map.Entry<String, Map<String, List<String>>> el : e.structuredData().entrySet()) {
            out.writeString(el.getKey());
            out.writeVarint(el.getValue().size());
            for (Map.Entry<String, List<String>> p : el.getValue().entrySet()) {
                out.writeString(p.getKey());
                out.writeVarint(p.getValue().size());
                for (String v : p.getValue()) {
                    out.writeString(v);
                }
            }
        }
        out.writeVarint(e.tags().size());
        for (String t : e.tags()) {
            out.writeString(t);
        }
        out.writeVarint(e.fields().size());
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            out.writeString(f.getKey());
            writeValue(out, f.getValue());
        }
        if (e.hmac() != null) {
            out.writeString(e.hmac().keyId());
            out.writeString(e.hmac().value());
        }
        return out.toByteArray();
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException if the bytes are not a valid encoding (truncated, unknown
     *     version or type), naming the position
     */
    public static Event decode(byte[] b, int offset, int length) {
        In in = new In(b, offset, offset + length);
        try {
            int version = in.read();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown event encoding version " + version);
            }
            int flags = in.read();
            int pri = in.read();
            Event.Builder builder = Event.builder().facility(pri >>> 3).severity(pri & 7)
                    .timegenerated(Instant.ofEpochSecond(in.readSigned(), in.readVarint()));
            if ((flags & HAS_REPORTED) != 0) {
                long sec = in.readSigned();
                int nano = (int) in.readVarint();
                ZoneOffset off = ZoneOffsets.of((int) in.readSigned());
                builder.timereported(OffsetDateTime.ofInstant(Instant.ofEpochSecond(sec, nano), off));
            }
            String id = (flags & HAS_ID) != 0 ? in.readString() : null;
            builder.host((flags & HAS_HOST) != 0 ? in.readString() : null)
                    .appName((flags & HAS_APP) != 0 ? in.readString() : null)
                    .procId((flags & HAS_PROCID) != 0 ? in.readString() : null)
                    .msgId((flags & HAS_MSGID) != 0 ? in.readString() : null)
                    .message(in.readString());
            for (long i = in.readCount(); i > 0; i--) {
                String sdId = in.readString();
                builder.structuredDataElement(sdId);
                for (long p = in.readCount(); p > 0; p--) {
                    String param = in.readString();
                    for (long v = in.readCount(); v > 0; v--) {
                        builder.structuredData(sdId, param, in.readString());
                    }
                }
            }
            for (long i = in.readCount(); i > 0; i--) {
                builder.tag(in.readString());
            }
            for (long i = in.readCount(); i > 0; i--) {
                String name = in.readString();
                builder.field(name, readValue(in, 0));
            }
            if ((flags & HAS_HMAC) != 0) {
                builder.hmac(new Signature(in.readString(), in.readString()));
            }
            if (in.pos != in.end) {
                throw new IllegalArgumentException((in.end - in.pos) + " bytes left after the event");
            }
            if (id != null) {
                builder.id(id);
            }
            return builder.build();
        } catch (IndexOutOfBoundsException | java.time.DateTimeException e) {
            throw new IllegalArgumentException("corrupt event encoding at byte " + (in.pos - offset) + ": "
                    + e.getMessage(), e);
        }
    }

    public static Event decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    /**
     * Decodes an event that keeps {@code b} as its encoding, so that passing it on unchanged
     * ({@link #encodeShared}) costs no new encoding. The caller hands the array over: it MUST NOT
     * modify it afterwards.
     */
    public static Event decodeOwned(byte[] b) {
        Event e = decode(b, 0, b.length);
        e.binary(b);
        return e;
    }

    private static void writeValue(Out out, Object v) {
        if (v == null) {
            out.write(T_NULL);
        } else if (v instanceof String s) {
            out.write(T_STRING);
            out.writeString(s);
        } else if (v instanceof Boolean bool) {
            out.write(bool ? T_TRUE : T_FALSE);
        } else if (v instanceof Long l) {
            out.write(T_LONG);
            out.writeSigned(l);
        } else if (v instanceof Double d) {
            out.write(T_DOUBLE);
            long bits = Double.doubleToRawLongBits(d);
            for (int i = 56; i >= 0; i -= 8) {
                out.write((int) (bits >>> i));
            }
        } else if (v instanceof BigInteger bi) {
            out.write(T_BIGINT);
            out.writeString(bi.toString());
        } else if (v instanceof BigDecimal bd) {
            out.write(T_BIGDEC);
            out.writeString(bd.toString());
        } else if (v instanceof List<?> list) {
            out.write(T_LIST);
            out.writeVarint(list.size());
            for (Object o : list) {
                writeValue(out, o);
            }
        } else if (v instanceof Map<?, ?> map) {
            out.write(T_MAP);
            out.writeVarint(map.size());
            for (Map.Entry<?, ?> en : map.entrySet()) {
                out.writeString((String) en.getKey());
                writeValue(out, en.getValue());
            }
        } else {
            throw new IllegalStateException("not a field value type: " + v.getClass()); // Event normalizes
        }
    }

    private static Object readValue(In in, int depth) {
        if (depth > FieldValues.MAX_DEPTH) {
            throw new IllegalArgumentException("field nesting deeper than " + FieldValues.MAX_DEPTH);
        }
        int type = in.read();
        switch (type) {
            case T_NULL:
                return null;
            case T_STRING:
                return in.readString();
            case T_TRUE:
                return Boolean.TRUE;
            case T_FALSE:
                return Boolean.FALSE;
            case T_LONG:
                return in.readSigned();
            case T_DOUBLE: {
                long bits = 0;
                for (int i = 0; i < 8; i++) {
                    bits = (bits << 8) | in.read();
                }
                return Double.longBitsToDouble(bits);
            }
            case T_BIGINT:
                return new BigInteger(in.readString());
            case T_BIGDEC:
                return new BigDecimal(in.readString());
            case T_LIST: {
                long n = in.readCount();
                List<Object> list = new ArrayList<>((int) Math.min(n, 1024));
                for (long i = 0; i < n; i++) {
                    list.add(readValue(in, depth + 1));
                }
                return list;
            }
            case T_MAP: {
                long n = in.readCount();
                Map<String, Object> map = new LinkedHashMap<>();
                for (long i = 0; i < n; i++) {
                    String k = in.readString();
                    map.put(k, readValue(in, depth + 1));
                }
                return map;
            }
            default:
                throw new IllegalArgumentException("unknown field value type " + type);
        }
    }

    /**
     * The header fields of an encoded event, read in place: times, priority, and where the host, app
     * name, procid, msgid and message lie in the record (UTF-8), without making Strings or an
     * {@link Event}. For formatters that write bytes straight from the stored record (see
     * {@code io.sluice.api.codec.EncodedFormatter}). Mutable and reusable: {@link #read} fills it
     * for one record at a time. Not thread-safe.
     */
    public static final class View {
        private byte[] record;
        private long generatedSecond;
        private int generatedNano;
        private boolean reported;
        private long reportedSecond;
        private int reportedNano;
        private int reportedOffset;
        private int facility;
        private int severity;
        // offset and length in the record of: host, app name, procid, msgid, message; length -1 = absent
        private final int[] at = new int[10];

        /**
         * Reads the header of {@code record}; false when it is not a record of a known version or is
         * malformed (decode it to learn why).
         */
        public boolean read(byte[] record) {
            In in = new In(record, 0, record.length);
            try {
                if (in.read() != VERSION) {
                    return false;
                }
                int flags = in.read();
                int pri = in.read();
                facility = pri >>> 3;
                severity = pri & 7;
                generatedSecond = in.readSigned();
                generatedNano = (int) in.readVarint();
                reported = (flags & HAS_REPORTED) != 0;
                if (reported) {
                    reportedSecond = in.readSigned();
                    reportedNano = (int) in.readVarint();
                    reportedOffset = (int) in.readSigned();
                }
                if ((flags & HAS_ID) != 0) {
                    skip(in);
                }
                for (int f = 0; f < 4; f++) {
                    if ((flags & HEADER_FLAGS[f]) != 0) {
                        place(in, f);
                    } else {
                        at[2 * f] = 0;
                        at[2 * f + 1] = -1;
                    }
                }
                place(in, 4);
                if (generatedNano < 0 || generatedNano > 999_999_999 || reportedNano < 0
                        || reportedNano > 999_999_999 || Math.abs(reportedOffset) > 18 * 3600) {
                    return false;
                }
                this.record = record;
                return true;
            } catch (RuntimeException malformed) {
                return false;
            }
        }

        private void place(In in, int field) {
            long n = in.readVarint();
            if (n < 0 || n > in.end - in.pos) {
                throw new IllegalArgumentException("string exceeds the record");
            }
            at[2 * field] = in.pos;
            at[2 * field + 1] = (int) n;
            in.pos += (int) n;
        }

        private static void skip(In in) {
            long n = in.readVarint();
            if (n < 0 || n > in.end - in.pos) {
                throw new IllegalArgumentException("string exceeds the record");
            }
            in.pos += (int) n;
        }

        /** The record last read. */
        public byte[] record() {
            return record;
        }

        public long generatedSecond() {
            return generatedSecond;
        }

        public int generatedNano() {
            return generatedNano;
        }

        /** Whether the event has a reported time ({@link Event#timereported()}). */
        public boolean hasReported() {
            return reported;
        }

        public long reportedSecond() {
            return reportedSecond;
        }

        public int reportedNano() {
            return reportedNano;
        }

        /** The reported time's offset from UTC, in seconds. */
        public int reportedOffset() {
            return reportedOffset;
        }

        public int facility() {
            return facility;
        }

        public int severity() {
            return severity;
        }

        /** Where the host name starts in {@link #record()}. */
        public int hostOffset() {
            return at[0];
        }

        /** The host name's length in bytes, or -1 when the event has none. */
        public int hostLength() {
            return at[1];
        }

        public int appNameOffset() {
            return at[2];
        }

        /** -1 when absent. */
        public int appNameLength() {
            return at[3];
        }

        public int procIdOffset() {
            return at[4];
        }

        /** -1 when absent. */
        public int procIdLength() {
            return at[5];
        }

        public int msgIdOffset() {
            return at[6];
        }

        /** -1 when absent. */
        public int msgIdLength() {
            return at[7];
        }

        public int messageOffset() {
            return at[8];
        }

        public int messageLength() {
            return at[9];
        }
    }

    private static final class Out {
        private byte[] buf;
        private int len;

        Out(int size) {
            buf = new byte[size];
        }

        void write(int b) {
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[len++] = (byte) b;
        }

        void writeVarint(long v) {
            if (len + 10 > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + 10));
            }
            byte[] b = buf;
            int p = len;
            while ((v & ~0x7FL) != 0) {
                b[p++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            b[p++] = (byte) v;
            len = p;
        }

        void writeSigned(long v) {
            writeVarint((v << 1) ^ (v >> 63));
        }

        void writeString(String s) {
            // String.getBytes is an intrinsic bulk copy for the usual Latin-1/ASCII strings.
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            writeVarint(b.length);
            if (len + b.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + b.length));
            }
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }
    }

    private static final class In {
        private final byte[] b;
        private final int end;
        private int pos;

        In(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int read() {
            if (pos >= end) {
                throw new IndexOutOfBoundsException("truncated");
            }
            return b[pos++] & 0xFF;
        }

        long readVarint() {
            // Fast path: most varints here are one byte (lengths, counts) or a few (times).
            int p = pos;
            if (p < end) {
                int c = b[p];
                if (c >= 0) {
                    pos = p + 1;
                    return c;
                }
            }
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int c = read();
                v |= (long) (c & 0x7F) << shift;
                if ((c & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes");
        }

        long readSigned() {
            long v = readVarint();
            return (v >>> 1) ^ -(v & 1);
        }

        /** A count that cannot exceed the bytes left (each item takes at least one byte). */
        long readCount() {
            long n = readVarint();
            if (n < 0 || n > end - pos) {
                throw new IllegalArgumentException("count " + n + " exceeds the " + (end - pos) + " bytes left");
            }
            return n;
        }

        String readString() {
            long n = readVarint();
            if (n < 0 || n > end - pos) {
                throw new IllegalArgumentException("string of " + n + " bytes exceeds the " + (end - pos) + " left");
            }
            String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }
    }
}
