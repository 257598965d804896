package io.sluice.core.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The saved positions of a journal's consumer groups, in the file {@code offsets}: one line
 * {@code group offset} each, then {@code crc <hex>} over the lines before it. Written to a
 * temporary file, fsynced, and renamed over the old one, so a crash leaves either version whole.
 */
final class Positions {
    static final String FILE = "offsets";
    private static final String HEADER = "# sluice journal consumer positions v1";

    private Positions() {
    }

    /** The positions, or null when the file is missing or damaged. */
    static Map<String, Long> load(Path dir) throws IOException {
        String text;
        try {
            text = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
        int crcAt = text.lastIndexOf("crc ");
        if (!text.startsWith(HEADER + "\n") || crcAt < 0) {
            return null;
        }
        String body = text.substring(0, crcAt);
        String crcLine = text.substring(crcAt + 4).strip();
        if (!crcLine.equals(Long.toHexString(crc(body)))) {
            return null;
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            if (sp <= 0) {
                return null;
            }
            try {
                out.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }

    static void save(Path dir, Map<String, Long> positions) throws IOException {
        StringBuilder body = new StringBuilder(HEADER).append('\n');
        positions.forEach((g, o) -> body.append(g).append(' ').append(o).append('\n'));
        String text = body + "crc " + Long.toHexString(crc(body.toString())) + "\n";
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        Journal.syncDirectory(dir);
    }

    private static long crc(String s) {
        CRC32C c = new CRC32C();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return c.getValue();
    }
}
