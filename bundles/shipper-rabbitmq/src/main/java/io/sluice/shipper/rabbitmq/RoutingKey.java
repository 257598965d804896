package io.sluice.shipper.rabbitmq;

import io.sluice.api.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A routing key template, written as the file shipper's paths are: {@code $HOST.$APP_NAME.$SEVERITY}.
 * Variables ({@code $NAME} or {@code ${NAME}}): {@code HOST} (or {@code SOURCE}), {@code APP_NAME},
 * {@code PROCID}, {@code MSGID}, {@code SEVERITY}, {@code FACILITY} (syslog keywords: err, local0),
 * and {@code $FIELD:name} for a custom field (its name: letters, digits, {@code _ -}); {@code $$} is
 * a literal {@code $}. (No {@code ${...}} in a .cfg file: Karaf replaces those with its own
 * properties when it reads the file.) A value is made safe for a topic key: {@code .} (the word
 * separator), {@code *}, {@code #} and white space become {@code _}; a missing value is {@code -}.
 * Checked when the shipper starts: an unknown variable is an error.
 */
final class RoutingKey {
    private static final Pattern VAR = Pattern.compile("\\$(?:\\$|\\{([A-Za-z_]+(?::[A-Za-z0-9_-]+)?)}|([A-Za-z_]+(?::[A-Za-z0-9_-]+)?))");
    private static final int MAX_BYTES = 255;

    private record Part(String text, Function<Event, String> value) {
    }

    private final List<Part> parts = new ArrayList<>();

    RoutingKey(String template) {
        Matcher m = VAR.matcher(template);
        int at = 0;
        StringBuilder text = new StringBuilder();
        while (m.find()) {
            text.append(template, at, m.start());
            at = m.end();
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            if (name == null) { // $$
                text.append('$');
                continue;
            }
            if (text.length() > 0) {
                parts.add(new Part(text.toString(), null));
                text.setLength(0);
            }
            parts.add(new Part(null, variable(name)));
        }
        text.append(template.substring(at));
        if (text.indexOf("$") >= 0) {
            throw new IllegalArgumentException("routingKey: a '$' that starts no variable in '" + template
                    + "' (write $$ for a literal $)");
        }
        if (text.length() > 0) {
            parts.add(new Part(text.toString(), null));
        }
    }

    private static Function<Event, String> variable(String name) {
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        if (upper.startsWith("FIELD:")) {
            String field = name.substring("FIELD:".length());
            return e -> e.field(field) == null ? null : String.valueOf(e.field(field));
        }
        return switch (upper) {
            case "HOST", "SOURCE" -> Event::host;
            case "APP_NAME" -> Event::appName;
            case "PROCID" -> Event::procId;
            case "MSGID" -> Event::msgId;
            case "SEVERITY" -> e -> e.severity() == null ? null : e.severity().keyword();
            case "FACILITY" -> e -> e.facility() == null ? null : e.facility().keyword();
            default -> throw new IllegalArgumentException("routingKey: unknown variable $" + name + " (HOST, "
                    + "APP_NAME, PROCID, MSGID, SEVERITY, FACILITY, FIELD:name)");
        };
    }

    String of(Event e) {
        StringBuilder b = new StringBuilder();
        for (Part p : parts) {
            if (p.text() != null) {
                b.append(p.text());
                continue;
            }
            String v = p.value().apply(e);
            if (v == null || v.isEmpty()) {
                b.append('-');
                continue;
            }
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                b.append(c == '.' || c == '*' || c == '#' || Character.isWhitespace(c) ? '_' : c);
            }
        }
        // AMQP's limit: 255 bytes of UTF-8, cut between code points
        int bytes = 0;
        int i = 0;
        while (i < b.length()) {
            int cp = b.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > MAX_BYTES) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return b.substring(0, i);
    }
}
