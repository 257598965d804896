package io.sluice.codec.format;

import io.sluice.api.Event;
import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.codec.json.JsonEventFormatter;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes events through a user template such as {@code "$DATE $SOURCE $APP_NAME: $MESSAGE"}.
 *
 * <p>Language (also in {@code docs/formats.md}):
 * <ul>
 * <li>{@code $NAME} — a variable; NAME is the longest run of {@code [A-Za-z0-9_]} after the
 *     {@code $}. Use {@code ${NAME}} when letters follow, e.g. {@code ${APP_NAME}x}.</li>
 * <li>{@code ${field:NAME}} — the custom field NAME (any characters but {@code &#125;}); strings
 *     as they are, numbers and booleans as text, lists and maps as JSON.</li>
 * <li>{@code $$} — a literal {@code $}.</li>
 * <li>In literal text {@code \n}, {@code \t}, {@code \r} and {@code \\} are a newline, tab, carriage
 *     return and backslash; any other backslash is kept as it is.</li>
 * <li>Substituted values are control-escaped ({@link Escaping}); absent values (null header
 *     fields, no tags, a missing custom field) are written {@code -}.</li>
 * </ul>
 * The template is parsed once, at construction; an unknown variable, an unclosed {@code $&#123;} or a
 * lone {@code $} is an {@link IllegalArgumentException} naming it and its position (0-based).
 */
public final class TemplateFormatter implements EventFormatter {
    public static final String FORMAT = "template";

    @FunctionalInterface
    private interface Part {
        void append(Event e, StringBuilder out);
    }

    private final String template;
    private final Part[] parts;

    public TemplateFormatter(FormatterOptions options) {
        Objects.requireNonNull(options, "options");
        if (options.template() == null) {
            throw new IllegalArgumentException("the template format needs a template");
        }
        this.template = options.template();
        this.parts = parse(template, options.zone()).toArray(new Part[0]);
    }

    @Override
    public String format() {
        return FORMAT;
    }

    /** The template text this formatter was made from. */
    public String template() {
        return template;
    }

    @Override
    public void format(Event e, StringBuilder out) {
        for (Part p : parts) {
            p.append(e, out);
        }
    }

    /** The variable names this formatter knows, without the {@code $}. */
    public static List<String> variables() {
        return List.copyOf(variableTable(ZoneId.of("UTC")).keySet());
    }

    private static Map<String, Part> variableTable(ZoneId zone) {
        Map<String, Part> v = new LinkedHashMap<>();
        v.put("DATE", (e, out) -> appendDate(out, e.time().atZoneSameInstant(zone).toLocalDate()));
        v.put("DATETIME", (e, out) -> Timestamps.appendRfc3339(out, e.time(), 6, false));
        v.put("MESSAGE", (e, out) -> Escaping.appendEscaped(out, e.message()));
        Part host = (e, out) -> appendValue(out, e.host());
        v.put("SOURCE", host);
        v.put("HOST", host);
        v.put("APP_NAME", (e, out) -> appendValue(out, e.appName()));
        v.put("PROCID", (e, out) -> appendValue(out, e.procId()));
        v.put("MSGID", (e, out) -> appendValue(out, e.msgId()));
        v.put("SEVERITY", (e, out) -> out.append(e.severity().keyword()));
        v.put("FACILITY", (e, out) -> out.append(e.facility().keyword()));
        v.put("PRI", (e, out) -> out.append(e.priority()));
        Part id = (e, out) -> out.append(e.id());
        v.put("UUID", id);
        v.put("ID", id);
        v.put("TAGS", TemplateFormatter::appendTags);
        return Collections.unmodifiableMap(v);
    }

    private static void appendDate(StringBuilder out, LocalDate d) {
        Timestamps.pad(out, d.getYear(), 4);
        out.append('-');
        Timestamps.pad(out, d.getMonthValue(), 2);
        out.append('-');
        Timestamps.pad(out, d.getDayOfMonth(), 2);
    }

    private static void appendValue(StringBuilder out, String value) {
        if (value == null) {
            out.append(Escaping.NIL);
        } else {
            Escaping.appendEscaped(out, value);
        }
    }

    private static void appendTags(Event e, StringBuilder out) {
        if (e.tags().isEmpty()) {
            out.append(Escaping.NIL);
            return;
        }
        Iterator<String> it = e.tags().iterator();
        Escaping.appendEscaped(out, it.next());
        while (it.hasNext()) {
            Escaping.appendEscaped(out.append(','), it.next());
        }
    }

    private static Part fieldPart(String name) {
        return (e, out) -> {
            Object v = e.field(name);
            if (v == null) {
                out.append(Escaping.NIL);
            } else if (v instanceof String s) {
                Escaping.appendEscaped(out, s);
            } else if (v instanceof Map || v instanceof List) {
                Escaping.appendEscaped(out, JsonEventFormatter.toJson(v));
            } else {
                out.append(v);
            }
        };
    }

    private static List<Part> parse(String t, ZoneId zone) {
        Map<String, Part> vars = variableTable(zone);
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int n = t.length();
        int i = 0;
        while (i < n) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char next = t.charAt(i + 1);
                switch (next) {
                    case 'n' -> literal.append('\n');
                    case 't' -> literal.append('\t');
                    case 'r' -> literal.append('\r');
                    case '\\' -> literal.append('\\');
                    default -> literal.append(c).append(next);
                }
                i += 2;
            } else if (c != '$') {
                literal.append(c);
                i++;
            } else if (i + 1 < n && t.charAt(i + 1) == '$') {
                literal.append('$');
                i += 2;
            } else {
                int start = i;
                String name;
                if (i + 1 < n && t.charAt(i + 1) == '{') {
                    int close = t.indexOf('}', i + 2);
                    if (close < 0) {
                        throw new IllegalArgumentException("unclosed '${' at position " + start + " of template '"
                                + t + "'");
                    }
                    name = t.substring(i + 2, close);
                    i = close + 1;
                    if (name.startsWith("field:")) {
                        String field = name.substring("field:".length());
                        if (field.isEmpty()) {
                            throw new IllegalArgumentException("empty field name in '${field:}' at position "
                                    + start + " of template '" + t + "'");
                        }
                        flush(literal, parts);
                        parts.add(fieldPart(field));
                        continue;
                    }
                } else {
                    int end = i + 1;
                    while (end < n && isNameChar(t.charAt(end))) {
                        end++;
                    }
                    if (end == i + 1) {
                        throw new IllegalArgumentException("lone '$' at position " + start + " of template '" + t
                                + "': write $$ for a literal dollar");
                    }
                    name = t.substring(i + 1, end);
                    i = end;
                }
                Part p = vars.get(name);
                if (p == null) {
                    throw new IllegalArgumentException("unknown template variable '" + name + "' at position " + start
                            + " of template '" + t + "'; known: " + String.join(", ", vars.keySet())
                            + ", ${field:NAME}; use ${NAME} when letters follow a variable");
                }
                flush(literal, parts);
                parts.add(p);
            }
        }
        flush(literal, parts);
        return parts;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (literal.length() > 0) {
            String text = literal.toString();
            parts.add((e, out) -> out.append(text));
            literal.setLength(0);
        }
    }
}
