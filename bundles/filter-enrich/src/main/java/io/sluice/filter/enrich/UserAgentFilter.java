package io.sluice.filter.enrich;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * {@code useragent(source="agent", prefix="ua_", regexes="", cache=10000, tag_on_failure="")}:
 * reads a User-Agent string with ua-parser (the uap-core regular expressions, as Logstash's
 * useragent filter does) into the fields {@code name major minor patch os os_major os_minor device}
 * (each after {@code prefix}, only those known). {@code regexes}: another regexes.yaml (relative to
 * etc/; e.g. Debian's uap-core package installs a newer one at /usr/share/uap-core/regexes.yaml)
 * instead of the one built in. Matches when the browser was recognised (not "Other").
 */
@Component(service = FilterFactory.class)
public class UserAgentFilter implements FilterFactory {
    private static volatile Parser builtIn;

    @Override
    public String name() {
        return "useragent";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly("source", "prefix", "regexes", "cache", "tag_on_failure").atMostPositional(0);
        String source = args.named("source", "agent");
        String prefix = args.named("prefix", "ua_");
        String regexes = args.named("regexes", "");
        long cacheSize = args.integer("cache", 10_000);
        if (cacheSize < 0) {
            throw new IllegalArgumentException("useragent(): cache must be 0 or more");
        }
        String failureTag = args.named("tag_on_failure", "");
        Parser parser = regexes.isBlank() ? builtIn() : load(EtcFiles.resolve(regexes));
        Map<String, Map<String, Object>> cache = new ConcurrentHashMap<>();
        return e -> {
            Object value = source.equals("message") ? e.message() : e.field(source);
            if (!(value instanceof String agent) || agent.isBlank()) {
                return FilterResult.noMatch();
            }
            Map<String, Object> found = cache.get(agent);
            if (found == null) {
                found = fields(parser.parse(agent), prefix);
                if (cacheSize > 0) {
                    if (cache.size() >= cacheSize) {
                        cache.clear(); // crude but bounded; a steady set of agents refills it at once
                    }
                    cache.put(agent, found);
                }
            }
            if (found.isEmpty()) {
                return failureTag.isEmpty() ? FilterResult.noMatch()
                        : FilterResult.noMatch(e.toBuilder().tag(failureTag).build());
            }
            return FilterResult.matched(e.toBuilder().fields(found).build());
        };
    }

    /** The fields for one parsed agent; empty when the browser is not recognised. */
    static Map<String, Object> fields(Client c, String prefix) {
        if (c.userAgent == null || "Other".equals(c.userAgent.family)) {
            return Map.of();
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        put(out, prefix + "name", c.userAgent.family);
        put(out, prefix + "major", c.userAgent.major);
        put(out, prefix + "minor", c.userAgent.minor);
        put(out, prefix + "patch", c.userAgent.patch);
        if (c.os != null && !"Other".equals(c.os.family)) {
            put(out, prefix + "os", c.os.family);
            put(out, prefix + "os_major", c.os.major);
            put(out, prefix + "os_minor", c.os.minor);
        }
        if (c.device != null && !"Other".equals(c.device.family)) {
            put(out, prefix + "device", c.device.family);
        }
        return Map.copyOf(out);
    }

    private static void put(Map<String, Object> out, String key, String value) {
        if (value != null && !value.isEmpty()) {
            out.put(key, value);
        }
    }

    private static Parser builtIn() {
        Parser p = builtIn;
        if (p == null) {
            synchronized (UserAgentFilter.class) {
                p = builtIn;
                if (p == null) {
                    p = new Parser();
                    builtIn = p;
                }
            }
        }
        return p;
    }

    private static Parser load(Path file) {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return new Parser(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("useragent(): cannot read regexes " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("useragent(): " + file + " is not a uap-core regexes.yaml: " + e);
        }
    }
}
