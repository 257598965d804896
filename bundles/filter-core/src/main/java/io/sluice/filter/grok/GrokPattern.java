package io.sluice.filter.grok;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A compiled grok expression: one regular expression and the fields its groups capture. */
public final class GrokPattern {

    /** How a capture is converted: text (null), a whole number or a floating point number. */
    public enum Type { INT, FLOAT }

    record Capture(String field, Type type) {
    }

    private final String source;
    private final Pattern pattern;
    private final List<Capture> captures;
    /** The generated group name of each capture, made once: g1, g2, ... */
    private final String[] groups;

    GrokPattern(String source, Pattern pattern, List<Capture> captures) {
        this.source = source;
        this.pattern = pattern;
        this.captures = List.copyOf(captures);
        this.groups = new String[captures.size()];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = "g" + (i + 1);
        }
    }

    /** The grok expression as written. */
    public String source() {
        return source;
    }

    /** The expanded regular expression. */
    public String regex() {
        return pattern.pattern();
    }

    /**
     * Finds the pattern in {@code text}: the captured fields (in pattern order; empty captures
     * left out, like Logstash's default; a field captured twice keeps its first value), or null
     * when it does not match. With {@code budgetNanos > 0}, a match that takes longer throws
     * {@link GrokTimeoutException} instead of holding the thread.
     */
    public Map<String, Object> match(String text, long budgetNanos) {
        Matcher m = pattern.matcher(budgetNanos > 0 ? new Deadline(text, budgetNanos) : text);
        if (!m.find()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < captures.size(); i++) {
            int start = m.start(groups[i]);
            if (start < 0) {
                continue;
            }
            int end = m.end(groups[i]);
            if (end == start) {
                continue;
            }
            Capture c = captures.get(i);
            if (!out.containsKey(c.field())) {
                out.put(c.field(), convert(text.substring(start, end), c.type()));
            }
        }
        return out;
    }

    private static Object convert(String v, Type type) {
        if (type == null) {
            return v;
        }
        try {
            return type == Type.INT ? (Object) Long.parseLong(v.trim()) : (Object) Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return v;           // as Logstash: a value that is no number stays text
        }
    }

    /** The text, checking the clock every 1024 reads: a regex that backtracks for ever runs into it. */
    private static final class Deadline implements CharSequence {
        private final String text;
        private final long deadline;
        private final long budget;
        private int reads;

        Deadline(String text, long budgetNanos) {
            this.text = text;
            this.budget = budgetNanos;
            this.deadline = System.nanoTime() + budgetNanos;
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 0x3ff) == 0 && System.nanoTime() > deadline) {
                throw new GrokTimeoutException(budget);
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
