package io.sluice.core.journal;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.CRC32C;

/**
 * One segment file of a journal: records appended one after the other, each self-describing so
 * that damage can be found and stepped over.
 *
 * <pre>
 * record := magic:int32 ("SLJ1") crc:int32 length:int32 offset:int64 payload[length]
 * crc    := CRC-32C of length, offset and payload (big-endian, as written)
 * </pre>
 *
 * A record whose header or checksum does not hold is damage: readers skip forward to the next
 * position where a whole valid record starts (its magic, a plausible length, an offset above the
 * last good one, and its checksum). Damaged ranges are remembered so that each is reported once.
 * The file name is the offset of its first record, zero-padded to 20 digits, plus {@code .seg}.
 *
 * <p>Every write ends with an <em>end marker</em> ({@code magic "SLJE"}, length -1, the next offset,
 * checksummed like a record) that the next write overwrites: recovery stops there, cleanly. That
 * lets segment files be recycled: a consumed one becomes the next one and is written over from the
 * start (writing into pages the cache already holds is many times cheaper than into new ones, and
 * an fdatasync that changes no file size commits no metadata), and whatever its previous use left
 * after the marker is never read.
 */
final class Segment implements Closeable {
    static final int MAGIC = 0x534C4A31;
    static final int END_MAGIC = 0x534C4A45;
    static final int HEADER = 20;
    static final String SUFFIX = ".seg";
    /** A sparse index entry every this many bytes bounds the scan to find an offset. */
    private static final long INDEX_EVERY = 64 * 1024;
    private static final int WINDOW = 1 << 20;
    private static final int MAX_CACHED_WINDOW = 4 << 20;
    /**
     * One read window per reading thread (the consumer groups' dispatchers, observers), reused for
     * every read: a fresh megabyte per read was most of the bus's garbage.
     */
    private static final ThreadLocal<ByteBuffer> WINDOWS = ThreadLocal.withInitial(() -> ByteBuffer.allocate(WINDOW));

    final long base;
    final Path path;
    private final FileChannel channel;
    /**
     * Readers use this, not the channel: a thread interrupted during a channel read closes the
     * channel for everyone, while a RandomAccessFile read is not interruptible.
     */
    private final RandomAccessFile reader;
    private final int maxRecordBytes;
    private final DamageListener damage;
    /** Offset to file position, one entry every {@link #INDEX_EVERY} bytes or so. */
    private final ConcurrentSkipListMap<Long, Long> index = new ConcurrentSkipListMap<>();
    /** Damaged ranges found so far: start position to end position. */
    private final ConcurrentSkipListMap<Long, Long> damaged = new ConcurrentSkipListMap<>();
    /** Bytes written (the writer's end of file). */
    private volatile long size;
    /** Bytes readers may see: written and, when the journal fsyncs, forced to disk. */
    private volatile long readable;
    /** Offset of the last valid record, or base - 1. Written by the writer thread (or recovery) only. */
    private long lastOffset;
    private long lastIndexedPosition = -INDEX_EVERY;
    /** Recovery found damage running to the end of the file (left in place: not the last segment). */
    private boolean damagedTail;
    /** Where recovery found the end marker (the end of the data), or -1. */
    private long endMarkerAt = -1;
    /** Bytes recovery cut from the end of the file (an interrupted write). */
    private long cut;

    /** Told about each damaged range once, with the number of record offsets it hides (may be 0). */
    interface DamageListener {
        void damaged(Segment segment, long fromPosition, long toPosition, long recordsLost);
    }

    private Segment(Path path, long base, FileChannel channel, int maxRecordBytes, DamageListener damage)
            throws IOException {
        this.path = path;
        this.base = base;
        this.channel = channel;
        this.reader = new RandomAccessFile(path.toFile(), "r");
        this.maxRecordBytes = maxRecordBytes;
        this.damage = damage;
        this.lastOffset = base - 1;
    }

    static String fileName(long base) {
        return String.format("%020d%s", base, SUFFIX);
    }

    /** Creates an empty segment. */
    static Segment create(Path dir, long base, int maxRecordBytes, DamageListener damage) throws IOException {
        Path p = dir.resolve(fileName(base));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new Segment(p, base, ch, maxRecordBytes, damage);
    }

    /**
     * Makes a consumed segment file (a spare) the new segment starting at {@code base}: renamed, and
     * written over from its start.
     */
    static Segment reuse(Path spare, Path dir, long base, int maxRecordBytes, DamageListener damage)
            throws IOException {
        // The end marker first: once the file has its new name, nothing of its previous use is read.
        try (FileChannel ch = FileChannel.open(spare, StandardOpenOption.WRITE)) {
            ByteBuffer end = ByteBuffer.allocate(HEADER);
            encodeEnd(end, base);
            end.flip();
            while (end.hasRemaining()) {
                ch.write(end, end.position());
            }
            ch.force(false);
        }
        Path p = dir.resolve(fileName(base));
        java.nio.file.Files.move(spare, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(p, base, ch, maxRecordBytes, damage);
    }

    /**
     * Opens an existing segment and scans it whole: builds the index, finds damage (reported to the
     * listener) and the end of the last valid record. A damaged tail (no valid record after it) is
     * cut off when {@code truncateTail}; otherwise it stays a damaged range that readers skip.
     *
     * @return the number of bytes cut off is available from {@link #size()} versus the file size
     */
    static Segment recover(Path p, long base, int maxRecordBytes, boolean truncateTail, DamageListener damage)
            throws IOException {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment s = new Segment(p, base, ch, maxRecordBytes, damage);
        long fileSize = ch.size();
        s.size = fileSize;
        s.readable = fileSize;
        long[] last = {base - 1};
        long end = s.scan(0, fileSize, base, truncateTail, (offset, position, buf, at, len) -> {
            last[0] = offset;
            s.noteIndex(offset, position);
            return true;
        });
        s.lastOffset = last[0];
        if (s.endMarkerAt >= 0 && end == s.endMarkerAt) {
            // The data ends at the marker; anything after it (a recycled file's past) is left alone.
            s.size = end;
            s.readable = end;
            return s;
        }
        Map.Entry<Long, Long> lastDamage = s.damaged.lastEntry();
        s.damagedTail = lastDamage != null && lastDamage.getValue() >= fileSize;
        if (truncateTail && end < fileSize) {
            s.cut = fileSize - end;
            ch.truncate(end);
            ch.force(true);
            s.size = end;
            s.readable = end;
        }
        return s;
    }

    /** Whether recovery left damage that runs to the end of the file; its records are lost. */
    boolean damagedTail() {
        return damagedTail;
    }

    long size() {
        return size;
    }

    /** Bytes recovery cut from the end of this file. */
    long cut() {
        return cut;
    }

    /** Offset of the last valid record, or {@code base - 1} when there is none. */
    long lastOffset() {
        return lastOffset;
    }

    /** Encodes the end marker: where the data stops, and the offset the next record will have. */
    static void encodeEnd(ByteBuffer out, long nextOffset) {
        int start = out.position();
        out.putInt(END_MAGIC).putInt(0).putInt(-1).putLong(nextOffset);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), out.arrayOffset() + start + 8, 12);
        out.putInt(start + 4, (int) crc.getValue());
    }

    /** Encodes one record into {@code out}, which must have room for {@link #HEADER} + payload bytes. */
    static void encode(ByteBuffer out, long offset, byte[] payload) {
        int start = out.position();
        out.putInt(MAGIC).putInt(0).putInt(payload.length).putLong(offset).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), out.arrayOffset() + start + 8, 12 + payload.length);
        out.putInt(start + 4, (int) crc.getValue());
    }

    /** Notes a record written at {@code position} by the writer (index, last offset). */
    void appended(long offset, long position) {
        lastOffset = offset;
        noteIndex(offset, position);
    }

    private void noteIndex(long offset, long position) {
        if (position - lastIndexedPosition >= INDEX_EVERY) {
            index.put(offset, position);
            lastIndexedPosition = position;
        }
    }

    /**
     * Writes encoded records at the end of the data (writer thread only); {@code data} ends with an
     * end marker of {@link #HEADER} bytes, which is written but not counted: the next write starts
     * on it.
     */
    void write(ByteBuffer data) throws IOException {
        long pos = size;
        while (data.hasRemaining()) {
            pos += channel.write(data, pos);
        }
        size = pos - HEADER;
    }

    /** Makes what was written durable (when {@code fsync}) and visible to readers. */
    void commit(boolean fsync) throws IOException {
        if (fsync) {
            channel.force(false);
        }
        readable = size;
    }

    /** Undoes writes not yet committed, after a failed write (writer thread only). */
    void rollback(long lastCommittedOffset) throws IOException {
        channel.truncate(readable);
        size = readable;
        lastOffset = Math.min(lastOffset, lastCommittedOffset);
        index.tailMap(lastOffset, false).clear();
        Map.Entry<Long, Long> e = index.lastEntry();
        lastIndexedPosition = e == null ? -INDEX_EVERY : e.getValue();
    }

    /**
     * Adds to {@code out} the records with offset {@code >= from}, up to {@code maxRecords} and
     * about {@code maxBytes} of payload (at least one record when there is one).
     *
     * @return whether the end of what readers may see was reached
     */
    boolean read(long from, int maxRecords, long maxBytes, List<JournalRecord> out) throws IOException {
        Map.Entry<Long, Long> start = index.floorEntry(from);
        long limit = readable;
        int before = out.size();
        long[] bytes = {0};
        long end = scan(start == null ? 0 : start.getValue(), limit, base, false,
                (offset, position, buf, at, len) -> {
            if (offset < from) {
                return true;
            }
            if (out.size() - before >= maxRecords || (out.size() > before && bytes[0] + len > maxBytes)) {
                return false;
            }
            byte[] payload = new byte[len];
            System.arraycopy(buf.array(), buf.arrayOffset() + at, payload, 0, len);
            out.add(new JournalRecord(offset, payload));
            bytes[0] += len;
            return true;
        });
        return end >= limit;
    }

    /** Called for each valid record; returns false to stop before it. */
    private interface Visitor {
        boolean record(long offset, long position, ByteBuffer buf, int payloadAt, int length);
    }

    /**
     * Walks valid records in [{@code from}, {@code limit}), stepping over damage.
     *
     * @param tailIsTorn when damage runs to {@code limit}, do not report it (the caller cuts it)
     * @return the position after the last record visited, or where the visitor stopped
     */
    private long scan(long from, long limit, long minOffset, boolean tailIsTorn, Visitor visitor) throws IOException {
        Window w = new Window(limit);
        long pos = from;
        long prev = minOffset - 1;
        while (pos < limit) {
            Long skipTo = damaged.get(pos);
            if (skipTo != null) {
                pos = skipTo;
                continue;
            }
            int len = validRecordAt(w, pos, prev);
            if (len >= 0) {
                long offset = w.buf.getLong(w.at(pos) + 12);
                if (!visitor.record(offset, pos, w.buf, w.at(pos) + HEADER, len)) {
                    return pos;
                }
                prev = offset;
                pos += HEADER + len;
                continue;
            }
            if (endMarkerAt(w, pos)) {
                endMarkerAt = pos;
                return pos;
            }
            long next = pos + 1;
            long nextOffset = -1;
            while (next < limit) {
                int l = validRecordAt(w, next, prev);
                if (l >= 0) {
                    nextOffset = w.buf.getLong(w.at(next) + 12);
                    break;
                }
                next++;
            }
            if (next >= limit && tailIsTorn) {
                return pos;
            }
            if (damaged.putIfAbsent(pos, next) == null) {
                damage.damaged(this, pos, next, nextOffset < 0 ? -1 : nextOffset - (prev + 1));
            }
            pos = next;
        }
        return pos;
    }

    /** Whether a valid end marker starts at {@code pos}. */
    private boolean endMarkerAt(Window w, long pos) throws IOException {
        if (!w.load(pos, HEADER)) {
            return false;
        }
        int at = w.at(pos);
        ByteBuffer b = w.buf;
        if (b.getInt(at) != END_MAGIC || b.getInt(at + 8) != -1) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), b.arrayOffset() + at + 8, 12);
        return (int) crc.getValue() == b.getInt(at + 4);
    }

    /** The payload length of a valid record starting at {@code pos}, or -1. */
    private int validRecordAt(Window w, long pos, long prevOffset) throws IOException {
        if (!w.load(pos, HEADER)) {
            return -1;
        }
        int at = w.at(pos);
        ByteBuffer b = w.buf;
        if (b.getInt(at) != MAGIC) {
            return -1;
        }
        int len = b.getInt(at + 8);
        long offset = b.getLong(at + 12);
        if (len < 0 || len > maxRecordBytes || offset <= prevOffset || offset < base) {
            return -1;
        }
        if (!w.load(pos, HEADER + len)) {
            return -1;
        }
        at = w.at(pos);
        CRC32C crc = new CRC32C();
        crc.update(w.buf.array(), w.buf.arrayOffset() + at + 8, 12 + len);
        return (int) crc.getValue() == w.buf.getInt(at + 4) ? len : -1;
    }

    /** A read window over the file, refilled by positional reads. */
    private final class Window {
        final long limit;
        ByteBuffer buf;
        long start;
        int length;

        Window(long limit) {
            this.limit = limit;
            this.buf = WINDOWS.get();
        }

        int at(long pos) {
            return (int) (pos - start);
        }

        /** Makes [pos, pos + n) available; false if it lies beyond the limit. */
        boolean load(long pos, int n) throws IOException {
            if (pos + n > limit) {
                return false;
            }
            if (pos >= start && pos + n <= start + length) {
                return true;
            }
            if (n > buf.capacity()) {
                buf = ByteBuffer.allocate(Math.max(n, Math.min(2 * buf.capacity(), HEADER + maxRecordBytes)));
                if (buf.capacity() <= MAX_CACHED_WINDOW) {
                    WINDOWS.set(buf);
                }
            }
            int want = (int) Math.min(buf.capacity(), limit - pos);
            int got = 0;
            synchronized (reader) {
                reader.seek(pos);
                while (got < want) {
                    int r = reader.read(buf.array(), buf.arrayOffset() + got, want - got);
                    if (r < 0) {
                        break;
                    }
                    got += r;
                }
            }
            start = pos;
            length = got;
            return pos + n <= start + length;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
