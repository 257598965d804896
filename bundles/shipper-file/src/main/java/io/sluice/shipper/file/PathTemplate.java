package io.sluice.shipper.file;

import io.sluice.api.Event;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.LocalDate;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The relative path of a log file, with variables taken from each event:
 * {@code $SOURCE/$APP_NAME/$DATE.log}.
 *
 * <p>Variables ({@code $NAME} or {@code ${NAME}}): {@code SOURCE} (or {@code HOST}), {@code APP_NAME},
 * {@code FACILITY}, {@code SEVERITY}, {@code DATE} ({@code yyyy-MM-dd}), {@code YEAR}, {@code MONTH},
 * {@code DAY}, {@code HOUR}. Dates are the time Sluice received the event, in the configured zone, so
 * that a sender's clock cannot scatter files across the calendar. {@code $$} is a literal {@code $}.
 *
 * <p>Every value is sanitized before it becomes part of a path: {@code /}, {@code \}, control
 * characters and NUL become {@code _}; a value that is empty or absent becomes {@code -}; a leading
 * dot becomes {@code _} (so neither {@code ..} nor hidden files can be named by a sender); values are
 * cut to {@value #MAX_PART} characters. The template itself must be relative and may not contain
 * {@code ..}.
 */
final class PathTemplate {
    static final int MAX_PART = 100;

    private final String text;
    private final List<Function<Fields, String>> parts = new ArrayList<>();

    /** What a template reads of an event: from an {@link Event}, or from a stored encoding read in place. */
    interface Fields {
        String host();

        String appName();

        int facility();

        int severity();

        long generatedSecond();
    }

    private record EventFields(Event e) implements Fields {
        @Override
        public String host() {
            return e.host();
        }

        @Override
        public String appName() {
            return e.appName();
        }

        @Override
        public int facility() {
            return e.facility().code();
        }

        @Override
        public int severity() {
            return e.severity().code();
        }

        @Override
        public long generatedSecond() {
            return e.timegenerated().getEpochSecond();
        }
    }

    private record ViewFields(io.sluice.api.EventBinary.View v) implements Fields {
        @Override
        public String host() {
            return text(v.hostOffset(), v.hostLength());
        }

        @Override
        public String appName() {
            return text(v.appNameOffset(), v.appNameLength());
        }

        private String text(int off, int len) {
            return len < 0 ? null : new String(v.record(), off, len, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public int facility() {
            return v.facility();
        }

        @Override
        public int severity() {
            return v.severity();
        }

        @Override
        public long generatedSecond() {
            return v.generatedSecond();
        }
    }
    private final ZoneRules rules;
    private final int fixedOffset;

    PathTemplate(String text, ZoneId zone) {
        this.text = text;
        this.rules = zone.getRules();
        this.fixedOffset = rules.isFixedOffset() ? rules.getOffset(java.time.Instant.EPOCH).getTotalSeconds() : 0;
        if (text.isBlank()) {
            throw new IllegalArgumentException("path template is empty");
        }
        if (text.startsWith("/") || text.startsWith("\\")) {
            throw new IllegalArgumentException("path template '" + text + "' must be relative to the directory");
        }
        for (String segment : text.split("[/\\\\]")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new IllegalArgumentException("path template '" + text + "' may not contain '" + segment + "'");
            }
        }
        compile();
    }

    private void compile() {
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
                literal.append('$');
                i += 2;
                continue;
            }
            String name;
            if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("path template '" + text + "': '${' without '}' at " + i);
                }
                name = text.substring(i + 2, close);
                i = close + 1;
            } else {
                int j = i + 1;
                while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
                    j++;
                }
                name = text.substring(i + 1, j);
                i = j;
            }
            if (literal.length() > 0) {
                String lit = literal.toString();
                parts.add(f -> lit);
                literal.setLength(0);
            }
            parts.add(variable(name));
        }
        if (literal.length() > 0) {
            String lit = literal.toString();
            parts.add(f -> lit);
        }
    }

    private Function<Fields, String> variable(String name) {
        switch (name) {
            case "SOURCE":
            case "HOST":
                return e -> sanitize(e.host());
            case "APP_NAME":
                return e -> sanitize(e.appName());
            case "FACILITY":
                return e -> io.sluice.api.Facility.of(e.facility()).name().toLowerCase(Locale.ROOT);
            case "SEVERITY":
                return e -> io.sluice.api.Severity.of(e.severity()).name().toLowerCase(Locale.ROOT);
            case "DATE":
                return e -> day(e).date;
            case "YEAR":
                return e -> day(e).year;
            case "MONTH":
                return e -> day(e).month;
            case "DAY":
                return e -> day(e).day;
            case "HOUR":
                return e -> {
                    long local = e.generatedSecond() + offsetSeconds(e);
                    return TWO_DIGITS[(int) (Math.floorMod(local, 86_400L) / 3600)];
                };
            default:
                throw new IllegalArgumentException("path template '" + text + "': unknown variable '" + name
                        + "' (known: SOURCE HOST APP_NAME FACILITY SEVERITY DATE YEAR MONTH DAY HOUR)");
        }
    }

    private static final String[] TWO_DIGITS = new String[24];

    static {
        for (int h = 0; h < 24; h++) {
            TWO_DIGITS[h] = String.format("%02d", h);
        }
    }

    /** The parts of one local day, formatted once. */
    private record Day(long epochDay, String date, String year, String month, String day) {
    }

    /** The day of the last event seen: consecutive events share it (racy, immutable holder). */
    private Day lastDay = new Day(Long.MIN_VALUE, "", "", "", "");

    private int offsetSeconds(Fields e) {
        return rules.isFixedOffset() ? fixedOffset
                : rules.getOffset(java.time.Instant.ofEpochSecond(e.generatedSecond())).getTotalSeconds();
    }

    private Day day(Fields e) {
        long epochDay = Math.floorDiv(e.generatedSecond() + offsetSeconds(e), 86_400L);
        Day d = lastDay;
        if (d.epochDay != epochDay) {
            LocalDate date = LocalDate.ofEpochDay(epochDay);
            String y = String.format("%04d", date.getYear());
            String m = String.format("%02d", date.getMonthValue());
            String dd = String.format("%02d", date.getDayOfMonth());
            d = new Day(epochDay, y + "-" + m + "-" + dd, y, m, dd);
            lastDay = d;
        }
        return d;
    }

    /** The path of {@code event}'s file relative to the directory, as text. */
    String render(Event event) {
        return render(new EventFields(event));
    }

    /** The same from a stored encoding read in place (the file shipper's path without decoding). */
    String render(io.sluice.api.EventBinary.View view) {
        return render(new ViewFields(view));
    }

    private String render(Fields fields) {
        if (parts.size() == 1) {
            return parts.get(0).apply(fields);
        }
        StringBuilder sb = new StringBuilder(64);
        for (Function<Fields, String> p : parts) {
            sb.append(p.apply(fields));
        }
        return sb.toString();
    }

    /** A rendered path, under {@code directory}. */
    static Path resolve(Path directory, String rendered) {
        Path p = directory.resolve(rendered).normalize();
        if (!p.startsWith(directory)) {
            // Cannot happen with sanitized values and a checked template; kept as the last guard.
            throw new IllegalStateException("path " + p + " is outside " + directory);
        }
        return p;
    }

    /** The file of {@code event}, under {@code directory}. */
    Path resolve(Path directory, Event event) {
        return resolve(directory, render(event));
    }

    static String sanitize(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_PART));
        for (int i = 0; i < value.length() && sb.length() < MAX_PART; i++) {
            char c = value.charAt(i);
            boolean bad = c == '/' || c == '\\' || c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
            sb.append(bad ? '_' : c);
        }
        if (sb.charAt(0) == '.') {
            sb.setCharAt(0, '_');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
