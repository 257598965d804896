package io.sluice.web;

import io.sluice.api.Facility;
import io.sluice.api.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A search of the events the PostgreSQL shipper wrote, from the parameters of a request
 * (docs/api.md): a time range, words of the message, host, app, severity, facility, tags, fields,
 * a page size and the cursor of the next page. Every value is checked here and goes to SQL as a
 * bind parameter, never as text; a bad one is a {@link BadRequest} naming the parameter.
 *
 * <p>The conditions are those the shipper's indexes serve: the time range (partitions and every
 * btree), host/app/severity (btree with time), tags (GIN), fields (GIN jsonb_path_ops, by
 * containment), words (the full-text index, {@code to_tsvector('simple', message)}).
 */
final class SearchQuery {
    static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@/:+-]{1,128}");

    final Instant from;
    final Instant to;
    final String words;
    final List<String> hosts = new ArrayList<>();
    final List<String> apps = new ArrayList<>();
    /** Severity codes: events at least this severe (lower or equal code), or null. */
    final Integer severityAtMost;
    final Integer facility;
    final List<String> tags = new ArrayList<>();
    final Map<String, String> fields = new LinkedHashMap<>();
    final int limit;
    /** Keyset cursor: the (time, id) of the last event of the previous page, or null. */
    final Instant afterTime;
    final String afterId;

    /** A parameter that is not valid: 400 with its name. */
    static final class BadRequest extends IllegalArgumentException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** Reads the parameters ({@code name → values}), with {@code now} as the default end. */
    SearchQuery(Map<String, String[]> params, Instant now, int maxLimit) {
        for (String key : params.keySet()) {
            if (!key.equals("from") && !key.equals("to") && !key.equals("q") && !key.equals("host")
                    && !key.equals("app") && !key.equals("severity") && !key.equals("facility") && !key.equals("tag")
                    && !key.equals("limit") && !key.equals("after") && !key.startsWith("field.")
                    && !key.equals("buckets") && !key.equals("format")) {
                throw new BadRequest("unknown parameter '" + key + "'");
            }
        }
        this.to = time(params, "to", now);
        this.from = time(params, "from", to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw new BadRequest("'from' (" + from + ") must be before 'to' (" + to + ")");
        }
        String q = one(params, "q");
        this.words = q == null || q.isBlank() ? null : q.strip();
        if (words != null && words.length() > 1000) {
            throw new BadRequest("'q' is longer than 1000 characters");
        }
        for (String h : all(params, "host")) {
            hosts.add(name("host", h));
        }
        for (String a : all(params, "app")) {
            apps.add(name("app", a));
        }
        String sev = one(params, "severity");
        if (sev == null) {
            severityAtMost = null;
        } else {
            try {
                severityAtMost = Severity.parse(sev.strip()).code();
            } catch (IllegalArgumentException e) {
                throw new BadRequest("'severity' must be a syslog severity (emerg … debug or 0 … 7), not '" + sev + "'");
            }
        }
        String fac = one(params, "facility");
        if (fac == null) {
            facility = null;
        } else {
            try {
                facility = Facility.parse(fac.strip()).code();
            } catch (IllegalArgumentException e) {
                throw new BadRequest("'facility' must be a syslog facility (kern … local7 or 0 … 23), not '" + fac + "'");
            }
        }
        for (String t : all(params, "tag")) {
            tags.add(name("tag", t));
        }
        for (Map.Entry<String, String[]> e : params.entrySet()) {
            if (e.getKey().startsWith("field.")) {
                String field = name("field name", e.getKey().substring("field.".length()));
                String[] v = e.getValue();
                if (v.length != 1 || v[0].length() > 1000) {
                    throw new BadRequest("'" + e.getKey() + "' takes one value of at most 1000 characters");
                }
                fields.put(field, v[0]);
            }
        }
        String lim = one(params, "limit");
        try {
            this.limit = lim == null ? 100 : Integer.parseInt(lim.strip());
        } catch (NumberFormatException e) {
            throw new BadRequest("'limit' must be a number, not '" + lim + "'");
        }
        if (limit < 1 || limit > maxLimit) {
            throw new BadRequest("'limit' must be between 1 and " + maxLimit);
        }
        String after = one(params, "after");
        if (after == null) {
            afterTime = null;
            afterId = null;
        } else {
            int comma = after.indexOf(',');
            if (comma < 0) {
                throw new BadRequest("'after' must be the 'next' cursor of the previous page");
            }
            try {
                afterTime = Instant.parse(after.substring(0, comma));
            } catch (DateTimeParseException e) {
                throw new BadRequest("'after' must be the 'next' cursor of the previous page");
            }
            afterId = name("after", after.substring(comma + 1));
        }
    }

    /** The WHERE clause (without the keyword) and its bind values, in order. */
    String where(List<Object> binds) {
        StringBuilder w = new StringBuilder("time >= ? AND time < ?");
        binds.add(java.sql.Timestamp.from(from));
        binds.add(java.sql.Timestamp.from(to));
        if (!hosts.isEmpty()) {
            w.append(" AND host = ANY (?)");
            binds.add(hosts.toArray(new String[0]));
        }
        if (!apps.isEmpty()) {
            w.append(" AND app_name = ANY (?)");
            binds.add(apps.toArray(new String[0]));
        }
        if (severityAtMost != null) {
            w.append(" AND severity <= ?");
            binds.add(severityAtMost.shortValue());
        }
        if (facility != null) {
            w.append(" AND facility = ?");
            binds.add(facility.shortValue());
        }
        if (!tags.isEmpty()) {
            w.append(" AND tags @> ?");
            binds.add(tags.toArray(new String[0]));
        }
        if (!fields.isEmpty()) {
            w.append(" AND fields @> ?::jsonb");
            binds.add(Json.object(new LinkedHashMap<>(fields)));
        }
        if (words != null) {
            w.append(" AND to_tsvector('simple', message) @@ plainto_tsquery('simple', ?)");
            binds.add(words);
        }
        return w.toString();
    }

    private static Instant time(Map<String, String[]> params, String key, Instant otherwise) {
        String v = one(params, key);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            return Instant.parse(v.strip());
        } catch (DateTimeParseException e) {
            throw new BadRequest("'" + key + "' must be an ISO-8601 instant such as 2026-12-04T10:00:00Z, not '" + v + "'");
        }
    }

    private static String one(Map<String, String[]> params, String key) {
        String[] v = params.get(key);
        if (v == null || v.length == 0) {
            return null;
        }
        if (v.length > 1) {
            throw new BadRequest("'" + key + "' given more than once");
        }
        return v[0];
    }

    private static List<String> all(Map<String, String[]> params, String key) {
        String[] v = params.get(key);
        if (v == null) {
            return List.of();
        }
        if (v.length > 50) {
            throw new BadRequest("'" + key + "' given more than 50 times");
        }
        return List.of(v);
    }

    private static String name(String what, String v) {
        if (!NAME.matcher(v).matches()) {
            throw new BadRequest("'" + what + "' must be 1-128 characters of A-Z a-z 0-9 _ . @ / : + -, not '" + v + "'");
        }
        return v;
    }
}
