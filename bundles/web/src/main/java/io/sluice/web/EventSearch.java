package io.sluice.web;

import io.sluice.api.Facility;
import io.sluice.api.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Searches the events table of the PostgreSQL shipper (docs/pgsql.md): pages newest first with a
 * keyset cursor, a histogram of matches over time, one event in full, and every match streamed for
 * export. One connection per call, a statement timeout on each, read-only transactions.
 */
final class EventSearch {
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    static final String COLUMNS = "time, id, received, severity, facility, host, app_name, procid, msgid, message, "
            + "structured_data, fields, tags";

    private final String url;
    private final String user;
    private final String password;
    private final String table;
    private final int statementTimeoutMillis;

    EventSearch(String url, String user, String password, String schema, int statementTimeoutMillis) {
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema '" + schema + "' is not a plain lower-case SQL name");
        }
        this.url = url;
        this.user = user;
        this.password = password;
        this.table = schema + ".events";
        this.statementTimeoutMillis = statementTimeoutMillis;
    }

    /** Where it searches, without the password. */
    String where() {
        return url.replaceAll("password=[^&]*", "password=***") + " (" + table + ")";
    }

    /** One page, newest first: {@code events} and the {@code next} cursor (null on the last page). */
    Map<String, Object> page(SearchQuery q) throws SQLException {
        List<Object> binds = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM ").append(table)
                .append(" WHERE ").append(q.where(binds));
        if (q.afterTime != null) {
            sql.append(" AND (time, id) < (?, ?)");
            binds.add(Timestamp.from(q.afterTime));
            binds.add(q.afterId);
        }
        sql.append(" ORDER BY time DESC, id DESC LIMIT ?");
        binds.add(q.limit + 1);
        long t0 = System.nanoTime();
        List<Map<String, Object>> events = new ArrayList<>();
        boolean more = false;
        try (Connection c = connect(); PreparedStatement ps = prepare(c, sql.toString(), binds);
                ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                if (events.size() == q.limit) {
                    more = true;
                    break;
                }
                events.add(row(r));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", q.from.toString());
        out.put("to", q.to.toString());
        out.put("events", events);
        out.put("next", more ? events.get(events.size() - 1).get("time") + "," + events.get(events.size() - 1).get("id")
                : null);
        out.put("took_ms", (System.nanoTime() - t0) / 1_000_000);
        return out;
    }

    /** Matches per time bucket over the range: {@code buckets} equal buckets (1 to 1,000). */
    Map<String, Object> histogram(SearchQuery q, int buckets) throws SQLException {
        long rangeSeconds = Math.max(1, Duration.between(q.from, q.to).toSeconds());
        long step = Math.max(1, (rangeSeconds + buckets - 1) / buckets);
        List<Object> binds = new ArrayList<>();
        binds.add(step + " seconds");
        binds.add(Timestamp.from(q.from));
        String sql = "SELECT date_bin(?::interval, time, ?) AS bucket, count(*) FROM " + table + " WHERE "
                + q.where(binds) + " GROUP BY 1 ORDER BY 1";
        long t0 = System.nanoTime();
        Map<Instant, Long> counts = new LinkedHashMap<>();
        try (Connection c = connect(); PreparedStatement ps = prepare(c, sql, binds); ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                counts.put(r.getTimestamp(1).toInstant(), r.getLong(2));
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        long total = 0;
        for (Instant b = q.from; b.isBefore(q.to); b = b.plusSeconds(step)) {
            long n = counts.getOrDefault(b, 0L);
            total += n;
            out.add(Map.of("start", b.toString(), "count", n));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", q.from.toString());
        m.put("to", q.to.toString());
        m.put("bucket_seconds", step);
        m.put("total", total);
        m.put("buckets", out);
        m.put("took_ms", (System.nanoTime() - t0) / 1_000_000);
        return m;
    }

    /** One event by its time and id, or null. */
    /**
     * One event with all its columns; a signed one with {@code hmac}: its key id, the signed time, and
     * {@code verification}: {@code valid}, {@code invalid} (the row no longer matches its signature:
     * changed after signing, in the pipeline or in the database), {@code unknown key}, or
     * {@code not checked} when {@code signer} is null (no keys configured).
     */
    Map<String, Object> event(Instant time, String id, io.sluice.api.EventSigner signer) throws SQLException {
        try (Connection c = connect()) {
            // A database of a shipper not yet upgraded (schema version 1) has no hmac column.
            String sql = "SELECT " + COLUMNS + (hasHmacColumn(c) ? ", hmac" : ", NULL AS hmac") + " FROM " + table
                    + " WHERE time = ? AND id = ?";
            try (PreparedStatement ps = prepare(c, sql, List.of(Timestamp.from(time), id));
                    ResultSet r = ps.executeQuery()) {
                return event(r, signer);
            }
        }
    }

    private boolean hasHmacColumn(Connection c) throws SQLException {
        String t = table.substring(table.indexOf('.') + 1);
        String schemaName = table.substring(0, table.indexOf('.'));
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.columns WHERE table_schema = ? "
                + "AND table_name = ? AND column_name = 'hmac'")) {
            ps.setString(1, schemaName);
            ps.setString(2, t);
            try (ResultSet r = ps.executeQuery()) {
                return r.next();
            }
        }
    }

    private static Map<String, Object> event(ResultSet r, io.sluice.api.EventSigner signer) throws SQLException {
        if (!r.next()) {
            return null;
        }
        Map<String, Object> m = row(r);
        String hmac = r.getString("hmac");
        m.put("hmac", hmac == null ? null : verify(r, hmac, signer));
        return m;
    }

    /** Rebuilds the signed parts of the event from its row and checks its MAC. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> verify(ResultSet r, String hmacJson, io.sluice.api.EventSigner signer)
            throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Map<String, Object> h = (Map<String, Object>) Json.read(hmacJson);
            String key = (String) h.get("key");
            out.put("key", key);
            String reported = (String) h.get("reported");
            out.put("signed_time", reported != null ? reported : h.get("generated"));
            if (signer == null) {
                out.put("verification", "not checked (no hmacKeys in etc/io.sluice.web.cfg)");
                return out;
            }
            io.sluice.api.Event.Builder b = io.sluice.api.Event.builder()
                    .timegenerated(reported != null ? r.getTimestamp("received").toInstant()
                            : Instant.parse((String) h.get("generated")))
                    .host(r.getString("host")).appName(r.getString("app_name")).procId(r.getString("procid"))
                    .msgId(r.getString("msgid")).message(r.getString("message"))
                    .hmac(new io.sluice.api.Signature(key, (String) h.get("mac")));
            if (reported != null) {
                b.timereported(java.time.OffsetDateTime.parse(reported));
            }
            int sev = r.getShort("severity");
            boolean noSeverity = r.wasNull();
            int fac = r.getShort("facility");
            if (noSeverity || r.wasNull()) {
                // every event has both; the shipper never writes NULL there: the row was changed
                out.put("verification", "invalid");
                return out;
            }
            b.severity(sev).facility(fac);
            String sdText = r.getString("structured_data");
            Map<String, Object> sd = sdText == null ? Map.of() : (Map<String, Object>) Json.read(sdText);
            List<Object> order = (List<Object>) h.getOrDefault("sd_order", List.of());
            Map<String, Map<String, List<String>>> ordered = new LinkedHashMap<>();
            for (Object o : order) {
                List<Object> el = (List<Object>) o;
                String elId = (String) el.get(0);
                Map<String, Object> params = (Map<String, Object>) sd.get(elId);
                List<Object> names = (List<Object>) el.get(1);
                if (params == null || !params.keySet().equals(new java.util.HashSet<>(names))
                        || names.size() != params.size()) {
                    // a parameter added to or removed from the stored element: not what was signed
                    out.put("verification", "invalid");
                    return out;
                }
                Map<String, List<String>> p = new LinkedHashMap<>();
                for (Object name : names) {
                    Object v = params == null ? null : params.get(name);
                    p.put((String) name, v == null ? List.of() : ((List<Object>) v).stream().map(String::valueOf).toList());
                }
                ordered.put(elId, p);
            }
            if (!ordered.keySet().equals(sd.keySet())) {
                out.put("verification", "invalid");
                return out;
            }
            b.structuredData(ordered);
            out.put("verification", switch (signer.verify(b.build())) {
                case VALID -> "valid";
                case INVALID -> "invalid";
                case UNKNOWN_KEY -> "unknown key";
                case UNSIGNED -> "unsigned";
            });
        } catch (java.io.IOException | RuntimeException e) {
            out.put("verification", "invalid");
            out.put("verification_error", "the stored signature cannot be read: " + e.getMessage());
        }
        return out;
    }

    /** Every match, newest first, at most {@code max}, one at a time to {@code sink} (fetched in chunks). */
    long stream(SearchQuery q, long max, Consumer<Map<String, Object>> sink) throws SQLException {
        List<Object> binds = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM " + table + " WHERE " + q.where(binds)
                + " ORDER BY time DESC, id DESC LIMIT " + max;
        long n = 0;
        try (Connection c = connect()) {
            c.setAutoCommit(false); // the driver fetches in chunks only inside a transaction
            try (PreparedStatement ps = prepare(c, sql, binds)) {
                ps.setFetchSize(1000);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        sink.accept(row(r));
                        n++;
                    }
                }
            }
            c.commit();
        }
        return n;
    }

    /** The plan PostgreSQL chooses for a page of this query (for tests and the benchmark). */
    String explain(SearchQuery q) throws SQLException {
        List<Object> binds = new ArrayList<>();
        String sql = "EXPLAIN SELECT " + COLUMNS + " FROM " + table + " WHERE " + q.where(binds)
                + " ORDER BY time DESC, id DESC LIMIT " + (q.limit + 1);
        StringBuilder plan = new StringBuilder();
        try (Connection c = connect(); PreparedStatement ps = prepare(c, sql, binds); ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                plan.append(r.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (!user.isEmpty()) {
            p.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "sluice-web");
        p.setProperty("connectTimeout", "5");
        // the driver itself, not DriverManager: in OSGi, DriverManager does not see other bundles' drivers
        Connection c = new org.postgresql.Driver().connect(url, p);
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + url);
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = " + statementTimeoutMillis);
            s.execute("SET default_transaction_read_only = on");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> binds) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < binds.size(); i++) {
            Object v = binds.get(i);
            if (v instanceof String[] a) {
                ps.setArray(i + 1, c.createArrayOf("text", a));
            } else {
                ps.setObject(i + 1, v);
            }
        }
        return ps;
    }

    private static Map<String, Object> row(ResultSet r) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", r.getTimestamp("time").toInstant().toString());
        m.put("id", r.getString("id"));
        m.put("received", r.getTimestamp("received").toInstant().toString());
        int sev = r.getShort("severity");
        m.put("severity", r.wasNull() ? null : Severity.of(sev).keyword());
        int fac = r.getShort("facility");
        m.put("facility", r.wasNull() ? null : Facility.of(fac).keyword());
        m.put("host", r.getString("host"));
        m.put("app_name", r.getString("app_name"));
        m.put("procid", r.getString("procid"));
        m.put("msgid", r.getString("msgid"));
        m.put("message", r.getString("message"));
        String sd = r.getString("structured_data");
        m.put("structured_data", sd == null ? null : new Json.Raw(sd));
        String fields = r.getString("fields");
        m.put("fields", fields == null ? null : new Json.Raw(fields));
        java.sql.Array tags = r.getArray("tags");
        m.put("tags", tags == null ? List.of() : List.of((Object[]) tags.getArray()));
        return m;
    }
}
