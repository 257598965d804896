package io.sluice.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The byte encoding of an event's identifying fields, hashed for {@link EventIds} and MACed for
 * {@link EventSigner}. Every part is length-prefixed so that no two different events encode alike
 * ("ab"+"c" differs from "a"+"bc"), and null differs from empty.
 *
 * <p>Covered: timereported (instant and offset; when null, timegenerated instead), facility, severity,
 * host, app name, procid, msgid, structured data (in order) and message. Not covered: tags and custom
 * fields (filters add them downstream), the id and the signature themselves.
 */
final class CanonicalForm {
    private static final int VERSION = 1;

    private CanonicalForm() {
    }

    static byte[] encode(Event e) {
        Sink out = new Sink(64 + e.message().length() * 2);
        out.write(VERSION);
        OffsetDateTime t = e.timereported();
        if (t != null) {
            out.write('R');
            out.writeLong(t.toEpochSecond());
            out.writeInt(t.getNano());
            out.writeInt(t.getOffset().getTotalSeconds());
        } else {
            out.write('G');
            out.writeLong(e.timegenerated().getEpochSecond());
            out.writeInt(e.timegenerated().getNano());
        }
        out.write(e.facility().code());
        out.write(e.severity().code());
        out.writeString(e.host());
        out.writeString(e.appName());
        out.writeString(e.procId());
        out.writeString(e.msgId());
        out.writeInt(e.structuredData().size());
        for (Map.Entry<String, Map<String, List<String>>> el : e.structuredData().entrySet()) {
            out.writeString(el.getKey());
            out.writeInt(el.getValue().size());
            for (Map.Entry<String, List<String>> p : el.getValue().entrySet()) {
                out.writeString(p.getKey());
                out.writeInt(p.getValue().size());
                for (String v : p.getValue()) {
                    out.writeString(v);
                }
            }
        }
        out.writeString(e.message());
        return out.toByteArray();
    }

    private static final class Sink extends ByteArrayOutputStream {
        Sink(int size) {
            super(size);
        }

        void writeInt(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void writeString(String s) {
            if (s == null) {
                writeInt(-1);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            writeInt(b.length);
            write(b, 0, b.length);
        }
    }
}
