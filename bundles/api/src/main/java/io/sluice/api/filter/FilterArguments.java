package io.sluice.api.filter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one filter call in a chain, {@code name("a", "b", key="v")}: positional ones in
 * order and named ones, all constants written in the chain file. The typed getters throw
 * {@link IllegalArgumentException} with a message naming the argument, which the chain loader
 * reports with the call's position.
 */
public final class FilterArguments {
    private final String filter;
    private final List<String> positional;
    private final Map<String, String> named;

    public FilterArguments(String filter, List<String> positional, Map<String, String> named) {
        this.filter = filter;
        this.positional = List.copyOf(positional);
        this.named = Collections.unmodifiableMap(new LinkedHashMap<>(named));
    }

    /** The name of the filter called. */
    public String filter() {
        return filter;
    }

    public List<String> positional() {
        return positional;
    }

    public Map<String, String> named() {
        return named;
    }

    /** Positional argument {@code i} (from 0); required. */
    public String positional(int i) {
        if (i >= positional.size()) {
            throw new IllegalArgumentException(filter + "() needs at least " + (i + 1) + " argument(s), got "
                    + positional.size());
        }
        return positional.get(i);
    }

    /** The named argument, or {@code fallback} when absent. */
    public String named(String key, String fallback) {
        return named.getOrDefault(key, fallback);
    }

    /** A named whole number, or {@code fallback} when absent. */
    public long integer(String key, long fallback) {
        String v = named.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(filter + "(): " + key + " must be a whole number, not \"" + v + "\"");
        }
    }

    /** A named {@code true}/{@code false}, or {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) {
        String v = named.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(filter + "(): " + key + " must be true or false, not \"" + v
                    + "\"");
        };
    }

    /** Refuses named arguments other than these (a typo is an error, not a silent default). */
    public FilterArguments allowOnly(String... keys) {
        Set<String> allowed = Set.of(keys);
        for (String k : named.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(filter + "() has no argument '" + k + "'"
                        + (keys.length == 0 ? "" : " (it takes " + String.join(", ", keys) + ")"));
            }
        }
        return this;
    }

    /** Refuses more than {@code max} positional arguments. */
    public FilterArguments atMostPositional(int max) {
        if (positional.size() > max) {
            throw new IllegalArgumentException(filter + "() takes at most " + max + " positional argument(s), got "
                    + positional.size());
        }
        return this;
    }
}
