package io.sluice.syslog.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How a listener rebuilds multi-line messages (pyloggr's packers, Logstash's multiline), from its
 * configuration: events of one source (host, app name, process id) that belong together are merged
 * into one event, their messages joined with a newline and the tag {@code multiline} added.
 *
 * <ul>
 *   <li>{@code merge_by_time}: an event arriving within {@code windowMillis} of the previous one of
 *       the same source joins it (a stack trace written line by line);</li>
 *   <li>{@code merge_by_format}: an event whose message matches one of {@code startFormats} (regular
 *       expressions, found at the start of the message) begins a new message; the others join the
 *       message open for their source.</li>
 * </ul>
 * Either way a merged message is closed {@code maxAgeMillis} after its first line, at
 * {@code maxLines} lines or {@code maxBytes} characters, and when its connection closes.
 *
 * @param kind         none, merge_by_time or merge_by_format
 * @param windowMillis merge_by_time: the longest pause between two lines of one message
 * @param maxAgeMillis the longest a message stays open, from its first line
 * @param startFormats merge_by_format: what the first line of a message looks like
 * @param maxLines     most lines in one message
 * @param maxBytes     most characters in one message
 */
public record Packing(Kind kind, long windowMillis, long maxAgeMillis, List<Pattern> startFormats, int maxLines,
        int maxBytes) {

    /** The packers. */
    public enum Kind {
        MERGE_BY_TIME, MERGE_BY_FORMAT
    }

    public Packing {
        startFormats = List.copyOf(startFormats);
        if (maxAgeMillis < 1 || windowMillis < 1 || maxLines < 2 || maxBytes < 1) {
            throw new IllegalArgumentException("packer: packerWindowMillis and packerMaxAgeMillis must be at least 1, "
                    + "packerMaxLines at least 2, packerMaxBytes at least 1");
        }
        if (kind == Kind.MERGE_BY_FORMAT && startFormats.isEmpty()) {
            throw new IllegalArgumentException("packer merge_by_format needs packerStartFormats (a regular expression "
                    + "the first line of a message matches)");
        }
    }

    /**
     * The packing a listener's keys ask for: null for {@code none}.
     *
     * @throws IllegalArgumentException naming the key, for an unknown packer or a bad regex
     */
    public static Packing of(String packer, long windowMillis, long maxAgeMillis, String[] startFormats, int maxLines,
            int maxBytes) {
        String p = packer == null ? "" : packer.strip().toLowerCase(Locale.ROOT);
        Kind kind = switch (p) {
            case "", "none" -> null;
            case "merge_by_time" -> Kind.MERGE_BY_TIME;
            case "merge_by_format" -> Kind.MERGE_BY_FORMAT;
            default -> throw new IllegalArgumentException("packer '" + packer + "' is not one of none, merge_by_time, "
                    + "merge_by_format");
        };
        if (kind == null) {
            return null;
        }
        List<Pattern> formats = new ArrayList<>();
        for (String f : startFormats == null ? new String[0] : startFormats) {
            if (f == null || f.isBlank()) {
                continue;
            }
            try {
                formats.add(Pattern.compile(f.strip()));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("packerStartFormats: '" + f + "' is not a regular expression: "
                        + e.getDescription());
            }
        }
        return new Packing(kind, windowMillis, maxAgeMillis, formats, maxLines, maxBytes);
    }

    /** Whether {@code message} begins a new message (merge_by_format). */
    boolean starts(String message) {
        for (Pattern p : startFormats) {
            if (p.matcher(message).lookingAt()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + (kind == Kind.MERGE_BY_TIME ? " window " + windowMillis + " ms"
                : " " + startFormats) + ", max age " + maxAgeMillis + " ms, max " + maxLines + " lines";
    }
}
