package io.sluice.shipper.pgsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.api.Event;
import io.sluice.api.bus.EventBus;
import io.sluice.api.component.ComponentState;
import io.sluice.core.bus.BusConfig;
import io.sluice.core.bus.JournalEventBus;
import io.sluice.core.pipeline.ShipperManagerAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/**
 * The PostgreSQL shipper against a PostgreSQL server of the test's own (Debian's binaries, a temp
 * data directory, a free loopback port), stopped, restarted and made read-only under load.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PgShipperTest {
    @TempDir
    static Path dir;

    static PrivatePostgres pg;
    private static int schemas;

    private final List<PgShipper> shippers = new ArrayList<>();
    private String schema;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PrivatePostgres.start(dir.resolve("pg"));
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @AfterEach
    void closeShippers() {
        shippers.forEach(PgShipper::close);
    }

    /** A shipper on a schema of this test's own. */
    private PgShipper shipper(Map<String, Object> extra, Clock clock) {
        if (schema == null) {
            schema = "t" + (++schemas);
        }
        Map<String, Object> cfg = new HashMap<>(Map.of("name", "pgsql-test", "url", pg.url(), "schema", schema,
                "maxBackoffMillis", "500", "socketTimeoutSeconds", "20"));
        cfg.putAll(extra);
        PgShipper s = new PgShipper(Converters.standardConverter().convert(cfg).to(PgShipper.Config.class), Map.of(),
                clock);
        shippers.add(s);
        return s;
    }

    private PgShipper shipper(Map<String, Object> extra) {
        return shipper(extra, Clock.systemUTC());
    }

    private static Event numbered(int i) {
        return Event.builder().timegenerated(Instant.parse("2026-12-04T10:00:00Z").plusMillis(i))
                .timereported(OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5).plusNanos(i * 1000L))
                .host("web-1").appName("app").severity("info").facility("local0").message("event " + i).build();
    }

    private long count(String where) throws Exception {
        try (Connection c = pg.connect("sluice"); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM " + schema + "." + where)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void aBatchBecomesRowsWithItsColumnsJsonbAndTagsAndADuplicateIsIgnored() throws Exception {
        PgShipper s = shipper(Map.of());
        Event rich = Event.builder().timegenerated(Instant.parse("2026-12-04T10:00:00Z"))
                .timereported(OffsetDateTime.parse("2026-12-04T09:59:58.123+01:00")).host("db-1").appName("postgres")
                .procId("4242").msgId("AUTH").severity("warning").facility("auth")
                .message("line one\n\tline two with \\ backslash and \"quotes\"")
                .structuredData("origin@32473", "ip", "192.0.2.1").field("user", "alice").field("port", 22L)
                .field("ratio", 0.5).tag("ssh").tag("odd \"tag\" \\ here").build();
        List<Event> batch = new ArrayList<>(List.of(rich));
        IntStream.range(0, 999).forEach(i -> batch.add(numbered(i)));
        s.ship(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
        s.ship(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(count("events")).as("at least once upstream, exactly once here").isEqualTo(1000);
        assertThat(s.duplicates()).as("the second time through the staging table, all skipped").isEqualTo(1000);
        List<Event> mixed = new ArrayList<>(batch.subList(0, 10));
        Event twice = numbered(5000);
        mixed.add(twice);
        mixed.add(twice);
        s.ship(mixed).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(count("events")).as("one new event, sent twice in one batch").isEqualTo(1001);
        assertThat(s.state()).isEqualTo(ComponentState.RUNNING);

        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT time, id, severity, facility, host, app_name, procid, msgid, "
                        + "message, structured_data->'origin@32473'->'ip'->>0, fields->>'user', (fields->>'port')::int, "
                        + "(fields->>'ratio')::float, tags FROM " + schema + ".events WHERE host = 'db-1'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getObject(1, OffsetDateTime.class).toInstant()).isEqualTo(Instant.parse("2026-12-04T08:59:58.123Z"));
            assertThat(r.getString(2)).isEqualTo(rich.id());
            assertThat(r.getInt(3)).isEqualTo(4);
            assertThat(r.getInt(4)).isEqualTo(4);
            assertThat(r.getString(5)).isEqualTo("db-1");
            assertThat(r.getString(6)).isEqualTo("postgres");
            assertThat(r.getString(7)).isEqualTo("4242");
            assertThat(r.getString(8)).isEqualTo("AUTH");
            assertThat(r.getString(9)).isEqualTo(rich.message());
            assertThat(r.getString(10)).isEqualTo("192.0.2.1");
            assertThat(r.getString(11)).isEqualTo("alice");
            assertThat(r.getInt(12)).isEqualTo(22);
            assertThat(r.getDouble(13)).isEqualTo(0.5);
            assertThat((String[]) r.getArray(14).getArray()).containsExactly("ssh", "odd \"tag\" \\ here");
        }
        // the indexes the search page uses are there, and the full-text one answers
        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT count(*) FROM " + schema + ".events WHERE "
                        + "to_tsvector('simple', message) @@ plainto_tsquery('simple', 'backslash')")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(1);
        }
        assertThat(s.counters().acked.sum()).isEqualTo(2012);
    }

    @Test
    void rowsPostgresRefusesGoToTheDeadLettersAndTheRestOfTheirBatchIsWritten() throws Exception {
        PgShipper s = shipper(Map.of());
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Event e = numbered(i);
            if (i == 37) {
                e = e.toBuilder().message("a NUL \0 byte").build();
            } else if (i == 401) {
                e = e.toBuilder().field("bad", "NUL in JSON \0").build();
            }
            batch.add(e);
        }
        s.ship(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(count("events")).isEqualTo(498);
        assertThat(count("dead_letters")).isEqualTo(2);
        assertThat(s.counters().dropped.sum()).isEqualTo(2);
        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT event_id, sqlstate, error, event FROM " + schema
                        + ".dead_letters ORDER BY id")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo(batch.get(37).id());
            assertThat(r.getString(2)).isNotBlank();
            assertThat(r.getString(3)).isNotBlank();
            assertThat(new String(r.getBytes(4), StandardCharsets.UTF_8)).contains("\"message\":\"a NUL \\u0000 byte\"");
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo(batch.get(401).id());
        }
        // the queue keeps moving
        s.ship(List.of(numbered(1000))).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(count("events")).isEqualTo(499);
    }

    @Test
    void postgresStoppedAndMadeReadOnlyUnderLoadLosesNothingAndWritesEachEventOnce() throws Exception {
        JournalEventBus bus = new JournalEventBus(dir.resolve("bus-" + System.nanoTime()), Converters
                .standardConverter().convert(Map.of("redeliveryDelayMillis", "50")).to(BusConfig.class));
        PgShipper s = shipper(Map.of("batchSize", "500", "connections", "2"));
        AutoCloseable manager = ShipperManagerAccess.start(bus, s);
        int total = 20_000;
        try {
            for (int i = 0; i < total / 4; i += 500) {
                bus.publish(EventBus.EVENTS, IntStream.range(i, i + 500).mapToObj(PgShipperTest::numbered)
                        .collect(Collectors.toList())).toCompletableFuture().get();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> count("events") > 0);

            pg.stop();
            for (int i = total / 4; i < total / 2; i += 500) {
                bus.publish(EventBus.EVENTS, IntStream.range(i, i + 500).mapToObj(PgShipperTest::numbered)
                        .collect(Collectors.toList())).toCompletableFuture().get();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> s.state() == ComponentState.DEGRADED);
            assertThat(s.stateDetail()).contains("cannot write");
            long failedBefore = s.counters().failed.sum();
            // down for a while: attempts keep failing (with their back-off) before it comes back
            await().atMost(Duration.ofSeconds(30)).until(() -> s.counters().failed.sum() > failedBefore);
            pg.startServer();

            await().atMost(Duration.ofSeconds(120)).until(() -> count("events") == total / 2);
            assertThat(s.state()).isEqualTo(ComponentState.RUNNING);

            // read-only: refused (25006), retried until writable again
            try (Connection c = pg.connect("sluice"); Statement st = c.createStatement()) {
                st.execute("ALTER SYSTEM SET default_transaction_read_only = on");
                st.execute("SELECT pg_reload_conf()");
            }
            for (int i = total / 2; i < total; i += 500) {
                bus.publish(EventBus.EVENTS, IntStream.range(i, i + 500).mapToObj(PgShipperTest::numbered)
                        .collect(Collectors.toList())).toCompletableFuture().get();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> s.state() == ComponentState.DEGRADED);
            assertThat(s.stateDetail()).contains("25006");
            assertThat(count("events")).isEqualTo(total / 2);
            try (Connection c = pg.connect("sluice"); Statement st = c.createStatement()) {
                st.execute("SET default_transaction_read_only = off");
                st.execute("ALTER SYSTEM RESET default_transaction_read_only");
                st.execute("SELECT pg_reload_conf()");
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> count("events") == total);
            await().atMost(Duration.ofSeconds(30)).until(() -> bus.stats(EventBus.EVENTS).lag("pgsql-test") == 0);
            // every publish above completed: all acknowledged
            io.sluice.api.testing.DeliveryCheck check = new io.sluice.api.testing.DeliveryCheck(total)
                    .acknowledged(0, total);
            try (Connection c = pg.connect("sluice"); Statement st = c.createStatement();
                    ResultSet r = st.executeQuery("SELECT message FROM " + schema + ".events")) {
                while (r.next()) {
                    check.found(r.getString(1));
                }
            }
            check.assertNoneLost();
            assertThat(check.duplicates()).as("every event, once: " + check.report()).isZero();
            assertThat(count("dead_letters")).isZero();
        } finally {
            manager.close();
            bus.close();
        }
    }

    @Test
    void aPartitionDroppedMeanwhileFailsTheBatchInsteadOfDeadLetteringItAndIsMadeAgain() throws Exception {
        PgShipper s = shipper(Map.of());
        Event first = numbered(1);
        s.ship(List.of(first)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        String day = first.timereported().toLocalDate().toString().replace("-", "");
        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement()) {
            st.execute("DROP TABLE " + schema + ".events_" + day);
        }
        List<Event> batch = List.of(numbered(2), numbered(3));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> s.ship(batch).toCompletableFuture()
                .get(60, TimeUnit.SECONDS))).as("not the rows' fault: the batch fails").isNotNull();
        assertThat(count("dead_letters")).isZero();
        s.ship(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(count("events")).isEqualTo(2);
    }

    @Test
    void onlyErrorsAboutARowsDataAreThatRowsFault() {
        assertThat(PgShipper.isRowError(new java.sql.SQLException("invalid byte sequence", "22021"))).isTrue();
        assertThat(PgShipper.isRowError(new java.sql.SQLException("null value", "23502"))).isTrue();
        assertThat(PgShipper.isRowError(new java.sql.SQLException("no partition of relation \"events\" found for row",
                "23514"))).isFalse();
        for (String st : new String[] {"08006", "25006", "42501", "42703", "42P01", "57P01", "53300", "40001"}) {
            assertThat(PgShipper.isRowError(new java.sql.SQLException("x", st))).as(st).isFalse();
        }
        assertThat(PgShipper.isRowError(new java.sql.SQLException("I/O"))).isFalse();
    }

    @Test
    void theFullTextIndexIsCreatedOrDroppedAsConfigured() throws Exception {
        shipper(Map.of("fullTextIndex", "false")).ship(List.of(numbered(1))).toCompletableFuture().get(60,
                TimeUnit.SECONDS);
        assertThat(fullTextIndex()).isFalse();
        PgShipper on = shipper(Map.of("fullTextIndex", "true"));
        on.ship(List.of(numbered(2))).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(fullTextIndex()).isTrue();
        assertThat(count("events")).isEqualTo(2);
    }

    private boolean fullTextIndex() throws Exception {
        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT to_regclass('" + schema + ".events_message_fts') IS NOT NULL")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    @Test
    void partitionsPastTheRetentionAreDroppedAndAClockGoneWrongFilesAtTheReceivedTime() throws Exception {
        Instant past = Instant.now().minus(Duration.ofDays(45));
        PgShipper old = shipper(Map.of("retentionDays", "30"), Clock.fixed(past, ZoneOffset.UTC));
        old.ship(List.of(numbered(1).toBuilder().timereported(past.atOffset(ZoneOffset.UTC))
                .timegenerated(past).build())).toCompletableFuture().get(60, TimeUnit.SECONDS);
        String oldDay = past.atOffset(ZoneOffset.UTC).toLocalDate().toString().replace("-", "");
        assertThat(count("events_" + oldDay)).isEqualTo(1);

        PgShipper now = shipper(Map.of("retentionDays", "30"));
        Event wrongClock = numbered(2).toBuilder().timereported(OffsetDateTime.parse("2091-01-01T00:00:00Z"))
                .timegenerated(Instant.now()).build();
        now.ship(List.of(wrongClock)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT time FROM " + schema + ".events WHERE message = 'event 2'")) {
            r.next();
            assertThat(r.getObject(1, OffsetDateTime.class).getYear()).isEqualTo(OffsetDateTime.now().getYear());
        }
        now.dropExpired();
        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT to_regclass('" + schema + ".events_" + oldDay + "')")) {
            r.next();
            assertThat(r.getString(1)).as("dropped").isNull();
        }
        assertThat(count("events")).isEqualTo(1);
    }

    @Test
    void aVersionOneSchemaGainsTheSignatureColumnInPlaceAndANewerSchemaIsRefused() throws Exception {
        PgShipper first = shipper(Map.of());
        first.ship(List.of(numbered(1))).toCompletableFuture().get(60, TimeUnit.SECONDS);
        first.close();
        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement()) {
            // as a database written by the first version of the shipper
            st.execute("ALTER TABLE " + schema + ".events DROP COLUMN hmac");
            st.execute("DELETE FROM " + schema + ".schema_version WHERE version = 2");
        }
        io.sluice.api.EventSigner signer = io.sluice.api.EventSigner.builder()
                .key("k1", "0123456789abcdef0123".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).build();
        Event signed = signer.sign(numbered(2));
        PgShipper second = shipper(Map.of());
        second.ship(List.of(signed)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(count("events")).isEqualTo(2);
        assertThat(count("schema_version WHERE version = 2")).isEqualTo(1);
        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT hmac->>'key', hmac->>'mac', hmac->>'reported' FROM " + schema
                        + ".events WHERE id = '" + signed.id() + "'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("k1");
            assertThat(r.getString(2)).isEqualTo(signed.hmac().value());
            assertThat(r.getString(3)).isEqualTo(signed.timereported().toString());
        }
        second.close();

        try (Connection c = pg.connect("sluice"); Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + schema + ".schema_version (version) VALUES (" + (Schema.VERSION + 1) + ")");
        }
        PgShipper third = shipper(Map.of());
        assertThatThrownBy(() -> third.ship(List.of(numbered(3))).toCompletableFuture().get(60, TimeUnit.SECONDS))
                .hasMessageContaining("newer than this Sluice");
        assertThat(count("events")).isEqualTo(2);
    }
}
