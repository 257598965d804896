package io.sluice.codec.rfc3164;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the syslog test corpus from the test classpath. */
final class Corpus {
    static final String ROOT = "/corpus/syslog/";
    /** What rsyslog writes for "the receiver's own hostname"; the tests use it as the peer host. */
    static final String LOCAL_HOSTNAME = "{{LOCAL_HOSTNAME}}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Corpus() {
    }

    static boolean exists(String path) {
        return Corpus.class.getResource(ROOT + path) != null;
    }

    static byte[] bytes(String path) {
        try (InputStream in = Corpus.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no corpus file " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's lines as raw bytes, split at LF, without a last empty line. */
    static List<byte[]> byteLines(String path) {
        byte[] all = bytes(path);
        List<byte[]> out = new ArrayList<>();
        int s = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                out.add(Arrays.copyOfRange(all, s, i));
                s = i + 1;
            }
        }
        if (s < all.length) {
            out.add(Arrays.copyOfRange(all, s, all.length));
        }
        return out;
    }

    static List<String> lines(String path) {
        List<String> out = new ArrayList<>();
        for (byte[] l : byteLines(path)) {
            out.add(new String(l, StandardCharsets.UTF_8));
        }
        return out;
    }

    static List<JsonNode> jsonl(String path) {
        List<JsonNode> out = new ArrayList<>();
        for (String l : lines(path)) {
            if (l.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readTree(l));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** A text field, or null when missing or JSON null. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
