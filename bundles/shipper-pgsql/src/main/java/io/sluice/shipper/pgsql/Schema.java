package io.sluice.shipper.pgsql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables of the PostgreSQL shipper, in their own schema (docs/pgsql.md): created or migrated
 * to {@link #VERSION} at start (one shipper at a time, under an advisory lock), daily partitions
 * of {@code events} made on demand, and partitions older than the retention dropped.
 */
final class Schema {
    /** The schema version this code writes. */
    static final int VERSION = 2;
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final long LOCK = 0x51C3_0001L;

    private final String schema;
    private final Pattern partitionName = Pattern.compile("events_(\\d{8})");
    private final Set<LocalDate> partitions = ConcurrentHashMap.newKeySet();

    Schema(String schema) {
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("schema '" + schema + "' must be a lower-case SQL name");
        }
        this.schema = schema;
    }

    String events() {
        return schema + ".events";
    }

    String deadLetters() {
        return schema + ".dead_letters";
    }

    /** Brings the schema to {@link #VERSION}; returns the version found before. */
    int migrate(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("CREATE TABLE IF NOT EXISTS " + schema + ".schema_version (version int PRIMARY KEY, "
                    + "applied_at timestamptz NOT NULL DEFAULT now())");
            int found = 0;
            try (ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + schema + ".schema_version")) {
                r.next();
                found = r.getInt(1);
            }
            if (found > VERSION) {
                throw new SQLException("schema " + schema + " is at version " + found + ", newer than this Sluice ("
                        + VERSION + "): refusing to write to it");
            }
            if (found < 1) {
                for (String sql : version1()) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO " + schema + ".schema_version (version) VALUES (1)");
            }
            if (found < 2) {
                // 2: the signature of a signed event, and what of the signed event the columns cannot
                // hold exactly (its time with offset and nanoseconds, the order of its structured data)
                s.execute("ALTER TABLE " + events() + " ADD COLUMN IF NOT EXISTS hmac jsonb");
                s.execute("INSERT INTO " + schema + ".schema_version (version) VALUES (2)");
            }
            c.commit();
            return found;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private List<String> version1() {
        String t = events();
        return List.of(
                "CREATE TABLE " + t + " ("
                        + "time timestamptz NOT NULL, "
                        + "id text NOT NULL, "
                        + "received timestamptz NOT NULL, "
                        + "severity smallint, "
                        + "facility smallint, "
                        + "host text, "
                        + "app_name text, "
                        + "procid text, "
                        + "msgid text, "
                        + "message text NOT NULL, "
                        + "structured_data jsonb, "
                        + "fields jsonb, "
                        + "tags text[], "
                        + "PRIMARY KEY (time, id)) PARTITION BY RANGE (time)",
                "CREATE INDEX events_host_time ON " + t + " (host, time DESC)",
                "CREATE INDEX events_app_time ON " + t + " (app_name, time DESC)",
                "CREATE INDEX events_severity_time ON " + t + " (severity, time DESC)",
                "CREATE INDEX events_fields ON " + t + " USING gin (fields jsonb_path_ops)",
                "CREATE INDEX events_tags ON " + t + " USING gin (tags)",
                "CREATE TABLE " + deadLetters() + " ("
                        + "id bigserial PRIMARY KEY, "
                        + "at timestamptz NOT NULL DEFAULT now(), "
                        + "event_id text, "
                        + "sqlstate text, "
                        + "error text NOT NULL, "
                        + "event bytea NOT NULL)");
    }

    /**
     * Creates or drops the full-text index on the message, as configured: it is what makes word
     * searches fast, and about half of what an insert costs PostgreSQL (docs/benchmarks.md).
     * Returns whether anything changed.
     */
    boolean fullText(Connection c, boolean wanted) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            boolean present;
            try (ResultSet r = s.executeQuery("SELECT to_regclass('" + schema + ".events_message_fts') IS NOT NULL")) {
                r.next();
                present = r.getBoolean(1);
            }
            if (wanted == present) {
                c.commit();
                return false;
            }
            s.execute(wanted ? "CREATE INDEX events_message_fts ON " + events()
                    + " USING gin (to_tsvector('simple', message))" : "DROP INDEX " + schema + ".events_message_fts");
            c.commit();
            return true;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Forgets which partitions exist: the next batch checks (creates) them again. */
    void forgetPartitions() {
        partitions.clear();
    }

    /** Makes sure the daily partitions of these days exist. */
    void partitions(Connection c, Set<LocalDate> days) throws SQLException {
        List<LocalDate> missing = new ArrayList<>();
        for (LocalDate d : days) {
            if (!partitions.contains(d)) {
                missing.add(d);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            for (LocalDate d : missing) {
                s.execute("CREATE TABLE IF NOT EXISTS " + schema + ".events_" + DAY.format(d) + " PARTITION OF "
                        + events() + " FOR VALUES FROM ('" + d + " 00:00:00+00') TO ('" + d.plusDays(1)
                        + " 00:00:00+00')");
            }
            c.commit();
            partitions.addAll(missing);
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Drops the daily partitions that end before {@code keepFrom}; returns their names. */
    List<String> dropBefore(Connection c, LocalDate keepFrom) throws SQLException {
        List<String> dropped = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        + "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
                        + "WHERE p.relname = 'events' AND n.nspname = '" + schema + "'")) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        for (String name : names) {
            Matcher m = partitionName.matcher(name);
            if (!m.matches()) {
                continue;
            }
            LocalDate day = LocalDate.parse(m.group(1), DAY);
            if (day.plusDays(1).isAfter(keepFrom)) {
                continue;
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + schema + "." + name);
            }
            partitions.remove(day);
            dropped.add(name);
        }
        return dropped;
    }

    static LocalDate day(java.time.Instant t) {
        return t.atOffset(ZoneOffset.UTC).toLocalDate();
    }
}
