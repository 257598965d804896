package io.sluice.core.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, segmented, checksummed log of records on local disk: the embedded durable
 * store behind each stream of the event bus.
 *
 * <ul>
 * <li><b>Durability.</b> {@link #append} returns at once; its future completes once the records
 *     are written and fsynced. One writer thread does every write: all appends waiting when it
 *     wakes go out in one write and one fsync (group commit), so concurrent publishers share the
 *     cost of a disk flush.</li>
 * <li><b>Offsets.</b> Each record gets the next offset; offsets only grow, across restarts too.
 *     Readers see only durable records.</li>
 * <li><b>Consumer positions</b> are saved per group by {@link #commit}; segments that every known
 *     group has passed are deleted.</li>
 * <li><b>Bounded.</b> An append that would take the journal beyond its size limit is refused
 *     ({@link JournalFullException}); nothing is ever dropped to make room.</li>
 * <li><b>Damage.</b> Opening never refuses and never hangs on damage: a record that fails its
 *     checksum is skipped and counted, a torn tail (a crash during a write) is cut off, empty
 *     segment files are removed, and a missing or unreadable positions file makes every group
 *     start again from the oldest record. See {@link #health()}.</li>
 * </ul>
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final Pattern SEGMENT = Pattern.compile("\\d{20}\\" + Segment.SUFFIX);
    private static final int WRITE_BUFFER = 4 << 20;
    /** Consumed segment files kept to be written over as the next segments (see {@link Segment}). */
    static final int MAX_SPARES = 2;
    static final String SPARE_PREFIX = "spare-";
    /** Most records in the tail cache (its bytes are configured). */
    static final int TAIL_CACHE_RECORDS = 1 << 16;

    private final Path dir;
    private final JournalConfig config;
    private final ReentrantReadWriteLock segmentsLock = new ReentrantReadWriteLock();
    /** Segments by base offset; the last is the one being written. */
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Map<String, Long> positions = new LinkedHashMap<>();
    /** Spare segment files, guarded by segmentsLock's write lock. */
    private final ArrayDeque<Path> spares = new ArrayDeque<>();
    private long spareSequence;
    private final Object appendLock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Object durableLock = new Object();
    private final AtomicLong diskBytes = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final LongAdder fsyncs = new LongAdder();
    private final LongAdder damagedRecords = new LongAdder();
    private final Thread writer;
    private final TailCache tail;
    private volatile Segment active;
    /** Offset of the last record put in the write buffer (writer thread only). */
    private long lastEncoded;
    private volatile long durableEnd;
    private volatile boolean closed;
    /** The writer waits for an append (not within a group commit window). Guarded by appendLock. */
    private boolean writerIdle;
    /** Set when an append was refused; cleared once it would fit with 10 % of the limit to spare. */
    private volatile boolean full;
    private volatile long refusedBytes;
    /** Guarded by appendLock. */
    private long nextOffset;
    private long truncatedBytes;
    private int emptySegmentsRemoved;
    private boolean offsetsReset;

    private Journal(Path dir, JournalConfig config) {
        this.dir = dir;
        this.config = config;
        this.tail = new TailCache(TAIL_CACHE_RECORDS, config.tailCacheBytes());
        this.writer = new Thread(this::writeLoop, "sluice-journal-" + dir.getFileName());
        writer.setDaemon(true);
    }

    /** Opens (or creates) the journal in {@code dir}, recovering from whatever a crash left. */
    public static Journal open(Path dir, JournalConfig config) throws IOException {
        Files.createDirectories(dir);
        Journal j = new Journal(dir, config);
        j.recover();
        j.writer.start();
        return j;
    }

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        try (var list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String name = p.getFileName().toString();
                if (SEGMENT.matcher(name).matches()) {
                    files.add(p);
                } else if (name.startsWith(SPARE_PREFIX)) {
                    if (spares.size() < MAX_SPARES && Files.size(p) > 0) {
                        spares.add(p);
                    } else {
                        Files.delete(p);
                    }
                }
            }
        }
        spareSequence = System.currentTimeMillis();
        Collections.sort(files);
        long highestBase = 0;
        List<Path> nonEmpty = new ArrayList<>(); // and the last one, even if empty
        for (int i = 0; i < files.size(); i++) {
            Path p = files.get(i);
            long base = Long.parseLong(p.getFileName().toString().substring(0, 20));
            highestBase = Math.max(highestBase, base);
            if (Files.size(p) == 0 && i == files.size() - 1) {
                // The segment being written when the journal last stopped: nothing was written to it yet.
                nonEmpty.add(p);
            } else if (Files.size(p) == 0) {
                Files.delete(p);
                emptySegmentsRemoved++;
                LOG.warn("journal {}: removed the empty segment file {}", dir, p.getFileName());
            } else {
                nonEmpty.add(p);
            }
        }
        Segment previous = null;
        for (int i = 0; i < nonEmpty.size(); i++) {
            Path p = nonEmpty.get(i);
            long base = Long.parseLong(p.getFileName().toString().substring(0, 20));
            boolean last = i == nonEmpty.size() - 1;
            Segment s = Segment.recover(p, base, config.maxRecordBytes(), last, this::onDamage);
            if (s.cut() > 0) {
                truncatedBytes += s.cut();
                LOG.warn("journal {}: cut {} bytes of an incomplete or damaged write from the end of {}", dir,
                        s.cut(), p.getFileName());
            }
            if (previous != null && previous.damagedTail() && previous.lastOffset() + 1 < base) {
                // The previous segment ended in damage: the offsets up to this base are lost.
                long lost = base - (previous.lastOffset() + 1);
                damagedRecords.add(lost);
            }
            segments.put(base, s);
            diskBytes.addAndGet(s.size());
            previous = s;
        }
        Map<String, Long> saved = Positions.load(dir);
        if (saved == null) {
            boolean hadFile = Files.exists(dir.resolve(Positions.FILE));
            offsetsReset = hadFile || !segments.isEmpty() || emptySegmentsRemoved > 0;
            if (offsetsReset) {
                LOG.warn("journal {}: the consumer positions file is {}; every consumer group starts again at the "
                        + "oldest record (duplicates, nothing lost)", dir, hadFile ? "damaged" : "missing");
            }
            Positions.save(dir, Map.of());
        } else {
            positions.putAll(saved);
        }
        long next = highestBase;
        if (previous != null) {
            next = Math.max(next, previous.lastOffset() + 1);
        }
        for (long committed : positions.values()) {
            next = Math.max(next, committed);
        }
        nextOffset = next;
        durableEnd = next;
        if (previous == null || previous.size() >= config.segmentBytes()) {
            Segment fresh = Segment.create(dir, next, config.maxRecordBytes(), this::onDamage);
            syncDirectory(dir);
            segments.put(next, fresh);
            active = fresh;
        } else {
            active = previous;
        }
        retain();
    }

    private void onDamage(Segment segment, long from, long to, long recordsLost) {
        if (recordsLost > 0) {
            damagedRecords.add(recordsLost);
        }
        LOG.error("journal {}: segment {} bytes {}..{} are damaged and skipped ({} records lost)", dir, segment,
                from, to, recordsLost < 0 ? "unknown number of" : recordsLost);
    }

    /**
     * Appends records, in order.
     *
     * @return a future completing with the offset of the first record once all are durable, or
     *     exceptionally with the {@link IOException} that prevented it
     * @throws JournalFullException when the journal cannot take them now (nothing was appended)
     * @throws IllegalArgumentException when a record is larger than the configured maximum
     */
    public CompletableFuture<Long> append(List<byte[]> records) {
        long bytes = 0;
        for (byte[] r : records) {
            if (r.length > config.maxRecordBytes()) {
                throw new IllegalArgumentException("record length (" + r.length + ") exceeds the allowed maximum ("
                        + config.maxRecordBytes() + ")");
            }
            bytes += Segment.HEADER + r.length;
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (records.isEmpty()) {
            done.complete(durableEnd);
            return done;
        }
        synchronized (appendLock) {
            if (closed) {
                done.completeExceptionally(new IOException("journal " + dir + " is closed"));
                return done;
            }
            long used = diskBytes.get() + pendingBytes.get();
            // An append too large for the space left is still let in once the journal is down to a
            // tenth of its limit, so that no append can be refused for ever: the limit is overshot by
            // at most one append.
            if (used + bytes > config.maxBytes() && used > config.maxBytes() / 10) {
                refusedBytes = bytes;
                full = true;
                throw new JournalFullException(used, bytes, config.maxBytes());
            }
            pendingBytes.addAndGet(bytes);
            pending.add(new Pending(nextOffset, records, bytes, done));
            nextOffset += records.size();
            // The writer is woken when it waits for work, or when enough waits to fill half a write;
            // within its group commit window it sleeps on (no wake-up per append).
            if (writerIdle || pendingBytes.get() >= WRITE_BUFFER / 2) {
                appendLock.notifyAll();
            }
        }
        return done;
    }

    private void writeLoop() {
        ByteBuffer buf = ByteBuffer.allocate(WRITE_BUFFER);
        List<Pending> batch = new ArrayList<>();
        long window = TimeUnit.MICROSECONDS.toNanos(config.groupCommitMicros());
        long lastSync = System.nanoTime() - window;
        while (true) {
            synchronized (appendLock) {
                while (pending.isEmpty() && !closed) {
                    writerIdle = true;
                    try {
                        appendLock.wait();
                    } catch (InterruptedException e) {
                        // closing: drain what is there
                    } finally {
                        writerIdle = false;
                    }
                }
                // Group commit: within the window since the last sync, let more appends join this one
                // (unless enough already waits to fill a write, or the journal is closing).
                long due = lastSync + window;
                while (!closed && pendingBytes.get() < WRITE_BUFFER / 2) {
                    long left = due - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(appendLock, left);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                if (pending.isEmpty()) {
                    return;
                }
                batch.addAll(pending);
                pending.clear();
            }
            buf = writeBatch(batch, buf);
            lastSync = System.nanoTime();
            batch.clear();
        }
    }

    /** Writes, fsyncs and completes a batch of appends (writer thread). */
    private ByteBuffer writeBatch(List<Pending> batch, ByteBuffer buf) {
        long lastDurable = durableEnd - 1;
        long batchBytes = 0;
        IOException failure = null;
        long last = lastDurable;
        try {
            buf.clear();
            for (Pending p : batch) {
                batchBytes += p.bytes;
                long offset = p.first;
                for (byte[] r : p.records) {
                    int len = Segment.HEADER + r.length;
                    long segmentEnd = active.size() + buf.position();
                    if (segmentEnd + len > config.segmentBytes() && segmentEnd > 0) {
                        flush(buf);
                        active.commit(config.fsync());
                        roll(offset);
                    }
                    if (buf.remaining() < len + Segment.HEADER) {
                        flush(buf);
                        if (buf.capacity() < len + Segment.HEADER) {
                            buf = ByteBuffer.allocate(len + Segment.HEADER);
                        }
                    }
                    active.appended(offset, active.size() + buf.position());
                    Segment.encode(buf, offset, r);
                    lastEncoded = offset;
                    last = offset;
                    offset++;
                }
            }
            flush(buf);
            active.commit(config.fsync());
            if (config.fsync()) {
                fsyncs.increment();
            }
        } catch (IOException e) {
            failure = e;
            LOG.error("journal {}: write failed; {} appends refused: {}", dir, batch.size(), e.toString());
            try {
                active.rollback(lastDurable);
            } catch (IOException again) {
                LOG.error("journal {}: could not undo the failed write (readers will skip it as damage): {}", dir,
                        again.toString());
            }
        } finally {
            pendingBytes.addAndGet(-batchBytes);
        }
        if (failure == null) {
            for (Pending p : batch) {
                tail.add(p.first, p.records); // durable now: readers at the tail take them from memory
            }
            synchronized (durableLock) {
                durableEnd = last + 1;
                durableLock.notifyAll();
            }
            for (Pending p : batch) {
                p.done.complete(p.first);
            }
        } else {
            for (Pending p : batch) {
                p.done.completeExceptionally(failure);
            }
        }
        return buf;
    }

    private void flush(ByteBuffer buf) throws IOException {
        if (buf.position() == 0) {
            return;
        }
        Segment.encodeEnd(buf, lastEncoded + 1); // room reserved by the callers
        buf.flip();
        long before = active.size();
        active.write(buf);
        diskBytes.addAndGet(active.size() - before);
        buf.clear();
    }

    private void roll(long base) throws IOException {
        Path spare;
        segmentsLock.writeLock().lock();
        try {
            spare = spares.pollFirst();
        } finally {
            segmentsLock.writeLock().unlock();
        }
        Segment next = spare != null ? Segment.reuse(spare, dir, base, config.maxRecordBytes(), this::onDamage)
                : Segment.create(dir, base, config.maxRecordBytes(), this::onDamage);
        syncDirectory(dir);
        segmentsLock.writeLock().lock();
        try {
            segments.put(base, next);
            active = next;
        } finally {
            segmentsLock.writeLock().unlock();
        }
    }

    /**
     * Reads durable records with offset {@code >= from}: at most {@code maxRecords}, and about
     * {@code maxBytes} of payload (always at least one record when there is one). Damaged records are
     * skipped. An offset below the oldest retained record reads from the oldest.
     */
    public List<JournalRecord> read(long from, int maxRecords, long maxBytes) throws IOException {
        List<JournalRecord> out = new ArrayList<>(Math.min(maxRecords, 16_384)); // a whole batch: no regrowth
        if (from >= durableEnd || tail.read(from, maxRecords, maxBytes, out)) {
            return out;
        }
        segmentsLock.readLock().lock();
        try {
            Long key = segments.floorKey(from);
            if (key == null) {
                key = segments.firstKey();
            }
            for (Segment s : segments.tailMap(key, true).values()) {
                long bytes = 0;
                for (JournalRecord r : out) {
                    bytes += r.payload().length;
                }
                if (out.size() >= maxRecords || (!out.isEmpty() && bytes >= maxBytes)) {
                    break;
                }
                boolean reachedEnd = s.read(from, maxRecords - out.size(), maxBytes - bytes, out);
                if (!reachedEnd) {
                    break;
                }
            }
        } finally {
            segmentsLock.readLock().unlock();
        }
        return out;
    }

    /** Waits until a record with offset {@code >= offset} is durable, or the timeout passes. */
    public void awaitDurable(long offset, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (durableLock) {
            while (durableEnd <= offset && !closed) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                durableLock.wait(left);
            }
        }
    }

    /** Saves the position of {@code group}: every record below {@code offset} is done with. */
    public void commit(String group, long offset) throws IOException {
        synchronized (positions) {
            Long old = positions.get(group);
            if (old != null && old == offset) {
                return;
            }
            positions.put(group, offset);
            Positions.save(dir, positions);
        }
        retain();
    }

    /** Forgets a group's position, so that it no longer holds back retention. */
    public void removeGroup(String group) throws IOException {
        synchronized (positions) {
            if (positions.remove(group) == null) {
                return;
            }
            Positions.save(dir, positions);
        }
        retain();
    }

    /** The saved position of {@code group}, or the oldest retained offset for a group never seen. */
    public long committed(String group) {
        Long saved;
        synchronized (positions) {
            saved = positions.get(group);
        }
        long start = startOffset();
        return saved == null ? start : Math.max(saved, start);
    }

    /** Saved positions by group. */
    public Map<String, Long> groups() {
        synchronized (positions) {
            return new LinkedHashMap<>(positions);
        }
    }

    /** Deletes the segments every known group has passed. */
    private void retain() throws IOException {
        long min;
        synchronized (positions) {
            if (positions.isEmpty()) {
                return;
            }
            min = Long.MAX_VALUE;
            for (long p : positions.values()) {
                min = Math.min(min, p);
            }
        }
        List<Segment> doomed = new ArrayList<>();
        segmentsLock.writeLock().lock();
        try {
            while (segments.size() > 1) {
                Map.Entry<Long, Segment> first = segments.firstEntry();
                Long nextBase = segments.higherKey(first.getKey());
                if (first.getValue() == active || nextBase == null || nextBase > min) {
                    break;
                }
                segments.pollFirstEntry();
                doomed.add(first.getValue());
            }
        } finally {
            segmentsLock.writeLock().unlock();
        }
        for (Segment s : doomed) {
            long size = s.size();
            s.close();
            diskBytes.addAndGet(-size);
            Path spare = null;
            segmentsLock.writeLock().lock();
            try {
                if (spares.size() < MAX_SPARES && !closed) {
                    spare = dir.resolve(SPARE_PREFIX + (spareSequence++));
                    Files.move(s.path, spare, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    spares.add(spare);
                }
            } finally {
                segmentsLock.writeLock().unlock();
            }
            if (spare == null) {
                Files.deleteIfExists(s.path);
                LOG.debug("journal {}: deleted consumed segment {}", dir, s);
            } else {
                LOG.debug("journal {}: kept consumed segment {} to write over", dir, s);
            }
        }
    }

    /** Offset of the oldest retained record (or where the next one will be, when empty). */
    public long startOffset() {
        segmentsLock.readLock().lock();
        try {
            return segments.isEmpty() ? durableEnd : segments.firstKey();
        } finally {
            segmentsLock.readLock().unlock();
        }
    }

    /** The offset the next appended record gets. */
    public long endOffset() {
        synchronized (appendLock) {
            return nextOffset;
        }
    }

    /** One past the last durable record: what readers can read up to. */
    public long durableOffset() {
        return durableEnd;
    }

    /** Bytes on disk plus bytes accepted and being written. */
    public long sizeBytes() {
        return diskBytes.get() + pendingBytes.get();
    }

    public long maxBytes() {
        return config.maxBytes();
    }

    /**
     * Whether the journal takes appends now. After a refusal it answers false until the refused
     * append would fit with 10 % of the limit to spare (or the journal is down to a tenth of its
     * limit, when any append is let in), so that senders held back are not let in for one batch at a
     * time.
     */
    public boolean hasCapacity() {
        long size = sizeBytes();
        long tenth = config.maxBytes() / 10;
        if (full && (size <= tenth || size + refusedBytes + tenth <= config.maxBytes())) {
            full = false;
        }
        return !full && size < config.maxBytes();
    }

    public JournalHealth health() {
        int count;
        segmentsLock.readLock().lock();
        try {
            count = segments.size();
        } finally {
            segmentsLock.readLock().unlock();
        }
        synchronized (appendLock) {
            return new JournalHealth(damagedRecords.sum(), truncatedBytes, emptySegmentsRemoved, offsetsReset, count,
                    fsyncs.sum());
        }
    }

    public Path directory() {
        return dir;
    }

    /** Completes every accepted append, then closes the files. Appends made afterwards fail. */
    @Override
    public void close() {
        synchronized (appendLock) {
            if (closed) {
                return;
            }
            closed = true;
            appendLock.notifyAll();
        }
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tail.clear();
        synchronized (durableLock) {
            durableLock.notifyAll();
        }
        segmentsLock.writeLock().lock();
        try {
            for (Segment s : segments.values()) {
                try {
                    s.close();
                } catch (IOException e) {
                    LOG.warn("journal {}: closing {}: {}", dir, s, e.toString());
                }
            }
        } finally {
            segmentsLock.writeLock().unlock();
        }
    }

    /** fsyncs a directory, so that files created or renamed in it survive a power loss. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories; the data files themselves are fsynced.
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    private record Pending(long first, List<byte[]> records, long bytes, CompletableFuture<Long> done) {
    }
}
