package io.sluice.filter.builtin;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code kv(source="message", separator=" ", assign="=", prefix="", max=100)}: reads
 * {@code key=value} pairs (values may be double-quoted, with {@code \"} inside) from the message or
 * a custom field into custom fields; matches when at least one pair was found. Keys are letters,
 * digits, {@code _ . -}; text that is not a pair is skipped.
 */
@Component(service = FilterFactory.class)
public class Kv implements FilterFactory {
    @Override
    public String name() {
        return "kv";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly("source", "separator", "assign", "prefix", "max").atMostPositional(0);
        String source = args.named("source", "message");
        String separator = args.named("separator", " ");
        String assign = args.named("assign", "=");
        String prefix = args.named("prefix", "");
        long max = args.integer("max", 100);
        if (separator.isEmpty() || assign.isEmpty()) {
            throw new IllegalArgumentException("separator and assign must not be empty");
        }
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        return e -> {
            String text = source.equals("message") ? e.message()
                    : e.field(source) instanceof String s ? s : null;
            if (text == null || text.isEmpty()) {
                return FilterResult.noMatch();
            }
            Map<String, Object> found = parse(text, separator, assign, (int) max);
            if (found.isEmpty()) {
                return FilterResult.noMatch();
            }
            Event.Builder b = e.toBuilder();
            found.forEach((k, v) -> b.field(prefix + k, v));
            return FilterResult.matched(b.build());
        };
    }

    static Map<String, Object> parse(String text, String separator, String assign, int max) {
        Map<String, Object> out = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n && out.size() < max) {
            int eq = text.indexOf(assign, i);
            if (eq < 0) {
                break;
            }
            int keyStart = eq;
            while (keyStart > i && isKeyChar(text.charAt(keyStart - 1))) {
                keyStart--;
            }
            String key = text.substring(keyStart, eq);
            int v = eq + assign.length();
            String value;
            int end;
            if (v < n && text.charAt(v) == '"') {
                StringBuilder b = new StringBuilder();
                int j = v + 1;
                while (j < n && text.charAt(j) != '"') {
                    if (text.charAt(j) == '\\' && j + 1 < n) {
                        j++;
                    }
                    b.append(text.charAt(j++));
                }
                value = b.toString();
                end = Math.min(j + 1, n);
            } else {
                int s = text.indexOf(separator, v);
                end = s < 0 ? n : s;
                value = text.substring(v, end);
            }
            if (!key.isEmpty()) {
                out.put(key, value);
            }
            i = Math.max(end, eq + assign.length());
        }
        return out;
    }

    private static boolean isKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }
}
