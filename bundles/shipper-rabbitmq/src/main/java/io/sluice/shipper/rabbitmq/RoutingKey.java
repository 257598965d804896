package io.sluice.shipper.rabbitmq;

import io.sluice.api.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A routing key template: text with {@code ${host} ${app_name} ${procid} ${msgid} ${severity}
 * ${facility}} (severity and facility as syslog keywords: err, local0) and {@code ${field:NAME}} (a
 * custom field). A value is made safe for a topic key:
 * {@code .} (the word separator), {@code *}, {@code #} and white space become {@code _}; a missing
 * value is {@code -}. Checked when the shipper starts: an unknown variable is an error.
 */
final class RoutingKey {
    private static final Pattern VAR = Pattern.compile("\\$\\{([a-z_]+(?::[^}]+)?)}");
    private static final int MAX_BYTES = 255;

    private record Part(String text, Function<Event, String> value) {
    }

    private final List<Part> parts = new ArrayList<>();

    RoutingKey(String template) {
        Matcher m = VAR.matcher(template);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                parts.add(new Part(template.substring(at, m.start()), null));
            }
            parts.add(new Part(null, variable(m.group(1))));
            at = m.end();
        }
        String tail = template.substring(at);
        if (tail.contains("${")) {
            throw new IllegalArgumentException("routingKey: malformed ${...} in '" + template + "'");
        }
        if (!tail.isEmpty()) {
            parts.add(new Part(tail, null));
        }
    }

    private static Function<Event, String> variable(String name) {
        if (name.startsWith("field:")) {
            String field = name.substring("field:".length());
            return e -> e.field(field) == null ? null : String.valueOf(e.field(field));
        }
        return switch (name) {
            case "host" -> Event::host;
            case "app_name" -> Event::appName;
            case "procid" -> Event::procId;
            case "msgid" -> Event::msgId;
            case "severity" -> e -> e.severity() == null ? null : e.severity().keyword();
            case "facility" -> e -> e.facility() == null ? null : e.facility().keyword();
            default -> throw new IllegalArgumentException("routingKey: unknown variable ${" + name + "} (host, "
                    + "app_name, procid, msgid, severity, facility, field:NAME)");
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
