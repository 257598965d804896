package io.sluice.shipper.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An open log file, appended to by the shipper's thread only; made durable by its sync thread.
 * Closing forces what was written first, so a sync that finds the file closed has nothing to do.
 */
final class LogFile {
    final Path path;
    final Instant opened;
    private final FileChannel channel;
    private long size;

    private LogFile(Path path, FileChannel channel, long size, Instant opened) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.opened = opened;
    }

    /** Opens for appending, creating the file and its directories (made durable) when missing. */
    static LogFile open(Path path, Instant now) throws IOException {
        boolean created = false;
        Path dir = path.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            created = true;
        }
        if (!Files.exists(path)) {
            created = true;
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        if (created) {
            syncDirectories(dir);
        }
        return new LogFile(path, ch, ch.size(), now);
    }

    long size() {
        return size;
    }

    void write(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            size += channel.write(data);
        }
    }

    synchronized void force() throws IOException {
        if (channel.isOpen()) {
            channel.force(false);
        }
    }

    synchronized void close() throws IOException {
        if (channel.isOpen()) {
            try {
                channel.force(false);
            } finally {
                channel.close();
            }
        }
    }

    /** fsyncs a directory and its parent, so that a new file (or directory) survives a power loss. */
    static void syncDirectories(Path dir) {
        for (Path d = dir; d != null && d.getNameCount() > 0; d = d.getParent()) {
            try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException e) {
                return;
            }
            if (d != dir) {
                return;
            }
        }
    }
}
