package io.sluice.filter.builtin;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import io.sluice.filter.grok.GrokLibrary;
import io.sluice.filter.grok.GrokPattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code grok("%{PATTERN:field}", ..., source="message", prefix="", patterns="legacy",
 * timeout_ms=100)}: tries the expressions in order on the message (or a custom field) and sets the
 * fields of the first that matches; matches when one did. The pattern library is
 * logstash-patterns-core ({@code legacy} or {@code ecs-v1} field names; ECS's {@code [a][b]} becomes
 * the field {@code a.b}) plus the files of {@code etc/sluice/patterns/}, read when the chain loads.
 * Unknown patterns and expressions that do not compile refuse the chain. A match that runs past
 * {@code timeout_ms} is abandoned (counted as a failure of the call; the event goes on unchanged).
 * An event none of the expressions matches gets the tag {@code tag_on_failure}
 * ({@code _grokparsefailure}, as in Logstash; empty: none).
 */
@Component(service = FilterFactory.class)
public class Grok implements FilterFactory {
    @Override
    public String name() {
        return "grok";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly("source", "prefix", "patterns", "timeout_ms", "tag_on_failure").positional(0);
        String failureTag = args.named("tag_on_failure", "_grokparsefailure");
        String source = args.named("source", "message");
        String prefix = args.named("prefix", "");
        long timeoutMs = args.integer("timeout_ms", 100);
        if (timeoutMs < 0) {
            throw new IllegalArgumentException("timeout_ms must be 0 (no limit) or more");
        }
        GrokLibrary library;
        try {
            library = GrokLibrary.builtIn(args.named("patterns", "legacy")).withFiles(userPatterns());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read etc/sluice/patterns: " + e.getMessage(), e);
        }
        List<GrokPattern> patterns = new ArrayList<>();
        for (String p : args.positional()) {
            patterns.add(library.compile(p));
        }
        long budget = timeoutMs * 1_000_000L;
        boolean fromMessage = source.equals("message");
        return e -> {
            String text = fromMessage ? e.message() : e.field(source) instanceof String s ? s : null;
            if (text == null) {
                return FilterResult.noMatch();
            }
            for (GrokPattern p : patterns) {
                Map<String, Object> fields = p.match(text, budget);
                if (fields != null) {
                    if (fields.isEmpty()) {
                        return FilterResult.matched(e);
                    }
                    Event.Builder b = e.toBuilder();
                    fields.forEach((k, v) -> b.field(prefix + k, v));
                    return FilterResult.matched(b.build());
                }
            }
            return failureTag.isEmpty() ? FilterResult.noMatch()
                    : FilterResult.noMatch(e.toBuilder().tag(failureTag).build());
        };
    }

    /** The user's pattern files: etc/sluice/patterns under Karaf's etc (none outside Karaf). */
    static Path userPatterns() {
        String etc = System.getProperty("karaf.etc");
        return etc == null ? null : Path.of(etc, "sluice", "patterns");
    }
}
