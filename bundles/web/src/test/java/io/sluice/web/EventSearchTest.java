package io.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import io.sluice.shipper.pgsql.PgShipper;
import io.sluice.shipper.pgsql.PrivatePostgres;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/**
 * The search over the tables the PostgreSQL shipper writes (a PostgreSQL of the test's own, the
 * shipper's own schema): pages and cursors, every filter, the histogram, one event, the export.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EventSearchTest {
    @TempDir
    static Path dir;
    static PrivatePostgres pg;
    static EventSearch search;
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final int N = 1000;

    @BeforeAll
    static void fill() throws Exception {
        pg = PrivatePostgres.start(dir.resolve("pg"));
        PgShipper shipper = new PgShipper(Converters.standardConverter().convert(Map.of("name", "pgsql-web",
                "url", pg.url(), "schema", "websearch")).to(PgShipper.Config.class), Map.of());
        try {
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                Event.Builder b = Event.builder().timereported(NOW.minusSeconds(i).atOffset(java.time.ZoneOffset.UTC))
                        .timegenerated(NOW).host(i % 2 == 0 ? "web-1" : "db-1").appName(i % 3 == 0 ? "nginx" : "postfix/smtpd")
                        .severity(i % 10 == 0 ? "err" : "info").facility("local0")
                        .message((i % 7 == 0 ? "disk almost full " : "request served ") + "event " + i)
                        .field("n", (long) i).field("status", i % 5 == 0 ? "404" : "200");
                if (i % 4 == 0) {
                    b.tag("slow");
                }
                events.add(b.build());
            }
            shipper.ship(events).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            shipper.close();
        }
        search = new EventSearch(pg.url(), "sluice", "", "websearch", 10_000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static SearchQuery query(Map<String, String> p) {
        Map<String, String[]> params = new HashMap<>();
        p.forEach((k, v) -> params.put(k, v.split("\\|")));
        params.putIfAbsent("from", new String[] {NOW.minusSeconds(N).toString()});
        params.putIfAbsent("to", new String[] {NOW.plusSeconds(1).toString()});
        return new SearchQuery(params, NOW, 1000);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("events");
    }

    @Test
    void pagesGoNewestFirstAndTheCursorWalksEveryMatchOnce() throws Exception {
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Map<String, String> p = new HashMap<>(Map.of("limit", "300"));
            if (after != null) {
                p.put("after", after);
            }
            Map<String, Object> page = search.page(query(p));
            events(page).forEach(e -> seen.add((String) e.get("message")));
            after = (String) page.get("next");
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(4);
        assertThat(seen).hasSize(N).doesNotHaveDuplicates();
        assertThat(seen.get(0)).isEqualTo("disk almost full event 0");
        assertThat(seen.get(N - 1)).endsWith("event 999");
    }

    @Test
    void everyFilterNarrowsTheMatches() throws Exception {
        assertThat(events(search.page(query(Map.of("host", "web-1", "limit", "1000"))))).hasSize(N / 2)
                .allSatisfy(e -> assertThat(e.get("host")).isEqualTo("web-1"));
        assertThat(events(search.page(query(Map.of("app", "postfix/smtpd", "limit", "1000"))))).hasSize(666);
        assertThat(events(search.page(query(Map.of("host", "web-1|db-1", "app", "nginx", "limit", "1000")))))
                .hasSize(334);
        assertThat(events(search.page(query(Map.of("severity", "err", "limit", "1000"))))).hasSize(100)
                .allSatisfy(e -> assertThat(e.get("severity")).isEqualTo("err"));
        assertThat(events(search.page(query(Map.of("tag", "slow", "limit", "1000"))))).hasSize(250);
        assertThat(events(search.page(query(Map.of("field.status", "404", "limit", "1000"))))).hasSize(200);
        assertThat(events(search.page(query(Map.of("q", "disk full", "limit", "1000"))))).hasSize(143)
                .allSatisfy(e -> assertThat((String) e.get("message")).startsWith("disk almost full"));
        assertThat(events(search.page(query(Map.of("q", "disk", "field.status", "404", "host", "web-1", "limit",
                "1000"))))).extracting(e -> e.get("message")).contains("disk almost full event 0",
                "disk almost full event 70").hasSize(15);
        assertThat(events(search.page(query(Map.of("facility", "local1"))))).isEmpty();
        assertThat(events(search.page(query(Map.of("from", NOW.minusSeconds(9).toString(), "limit", "1000")))))
                .hasSize(10);
    }

    @Test
    void theHistogramCountsEveryMatchInEqualBuckets() throws Exception {
        Map<String, Object> h = search.histogram(query(Map.of("from", NOW.minusSeconds(999).toString(),
                "to", NOW.plusSeconds(1).toString())), 10);
        assertThat(h.get("bucket_seconds")).isEqualTo(100L);
        assertThat(h.get("total")).isEqualTo((long) N);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> buckets = (List<Map<String, Object>>) h.get("buckets");
        assertThat(buckets).hasSize(10).allSatisfy(b -> assertThat(b.get("count")).isEqualTo(100L));
        Map<String, Object> errs = search.histogram(query(Map.of("severity", "err", "from",
                NOW.minusSeconds(999).toString(), "to", NOW.plusSeconds(1).toString())), 10);
        assertThat(errs.get("total")).isEqualTo(100L);
    }

    @Test
    void oneEventComesBackWithAllItsFieldsAndTheExportHasEveryMatch() throws Exception {
        Map<String, Object> first = events(search.page(query(Map.of("limit", "1")))).get(0);
        Map<String, Object> e = search.event(Instant.parse((String) first.get("time")), (String) first.get("id"), null);
        assertThat(e).containsEntry("message", "disk almost full event 0").containsEntry("app_name", "nginx")
                .containsEntry("facility", "local0").containsEntry("tags", List.of("slow"));
        assertThat(Json.object(e)).contains("\"fields\":{\"n\": 0, \"status\": \"404\"}");
        assertThat(search.event(NOW, "no-such-id", null)).isNull();
        List<String> lines = new ArrayList<>();
        long n = search.stream(query(Map.of("tag", "slow")), 1_000_000, row -> lines.add(Csv.line(row)));
        assertThat(n).isEqualTo(250);
        assertThat(lines.get(0)).contains(",web-1,nginx,").endsWith(",slow\r\n");
        assertThat(search.stream(query(Map.of()), 7, row -> { })).isEqualTo(7);
    }

    @Test
    void aSearchByWordsUsesTheFullTextIndexAndAHostSearchItsIndex() throws Exception {
        try (var c = pg.connect("sluice"); var s = c.createStatement()) {
            s.execute("ANALYZE websearch.events");
        }
        String plan = search.explain(query(Map.of("q", "disk")));
        assertThat(plan).as(plan).containsAnyOf("events_message_fts", "message_fts", "Bitmap Index Scan");
        assertThatThrownBy(() -> query(Map.of("limit", "5000"))).hasMessageContaining("'limit' must be between 1 and 1000");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEventViewChecksTheSignatureAgainstTheStoredRowAndSeesARowChangedInTheDatabase() throws Exception {
        io.sluice.api.EventSigner signer = io.sluice.api.EventSigner.builder()
                .key("k1", "0123456789abcdef0123".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).build();
        io.sluice.api.EventSigner other = io.sluice.api.EventSigner.builder()
                .key("k2", "fedcba9876543210fedc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).build();
        // What the columns cannot keep: an offset, nanoseconds, and structured data whose order jsonb loses.
        Event signed = signer.sign(Event.builder()
                .timereported(NOW.minusSeconds(3600).plusNanos(123_456_289).atOffset(java.time.ZoneOffset.ofHours(1)))
                .timegenerated(NOW).host("web-1").appName("shop").procId("42").severity("notice").facility("auth")
                .structuredData("zeta@32473", "b", "2").structuredData("zeta@32473", "a", "1")
                .structuredData("alpha@32473", "only", "x").message("order 7 paid").tag("t").build());
        Event unsigned = Event.builder().timegenerated(NOW).host("web-1").appName("shop").message("plain").build();
        PgShipper shipper = new PgShipper(Converters.standardConverter().convert(Map.of("name", "pgsql-signed",
                "url", pg.url(), "schema", "websigned"))
                .to(PgShipper.Config.class),
                Map.of());
        try {
            shipper.ship(List.of(signed, unsigned)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            shipper.close();
        }
        EventSearch s = new EventSearch(pg.url(), "sluice", "", "websigned", 10_000);
        Instant t = signed.timereported().toInstant().truncatedTo(ChronoUnit.MICROS);
        Map<String, Object> hmac = (Map<String, Object>) s.event(t, signed.id(), signer).get("hmac");
        assertThat(hmac).containsEntry("key", "k1").containsEntry("verification", "valid")
                .containsEntry("signed_time", signed.timereported().toString());
        assertThat((Map<String, Object>) s.event(t, signed.id(), other).get("hmac"))
                .containsEntry("verification", "unknown key");
        assertThat(((Map<String, Object>) s.event(t, signed.id(), null).get("hmac")).get("verification"))
                .asString().startsWith("not checked");
        assertThat(s.event(NOW, unsigned.id(), signer)).containsEntry("hmac", null);

        try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.url(), "sluice", "");
                java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE websigned.events SET message = 'order 7 refunded' WHERE id = '" + signed.id() + "'");
        }
        assertThat((Map<String, Object>) s.event(t, signed.id(), signer).get("hmac"))
                .containsEntry("verification", "invalid");

        // Back to the signed message, then other changes: each is seen.
        String restore = "UPDATE websigned.events SET message = 'order 7 paid', severity = 5, structured_data = '"
                + "{\"zeta@32473\": {\"b\": [\"2\"], \"a\": [\"1\"]}, \"alpha@32473\": {\"only\": [\"x\"]}}'"
                + " WHERE id = '" + signed.id() + "'";
        for (String change : List.of(
                "UPDATE websigned.events SET structured_data = jsonb_set(structured_data, '{zeta@32473,x}', '[\"1\"]')",
                "UPDATE websigned.events SET severity = NULL",
                "UPDATE websigned.events SET structured_data = structured_data - 'alpha@32473'",
                "UPDATE websigned.events SET host = 'web-2'")) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.url(), "sluice", "");
                    java.sql.Statement st = c.createStatement()) {
                st.executeUpdate(restore);
                assertThat((Map<String, Object>) s.event(t, signed.id(), signer).get("hmac")).as("restored")
                        .containsEntry("verification", "valid");
                st.executeUpdate(change + " WHERE id = '" + signed.id() + "'");
            }
            assertThat((Map<String, Object>) s.event(t, signed.id(), signer).get("hmac")).as(change)
                    .containsEntry("verification", "invalid");
        }

        // A database of a shipper not yet upgraded: no hmac column, the view still works.
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.url(), "sluice", "");
                java.sql.Statement st = c.createStatement()) {
            st.execute("ALTER TABLE websigned.events DROP COLUMN hmac");
        }
        assertThat(s.event(t, signed.id(), signer)).containsEntry("hmac", null).containsEntry("message", "order 7 paid");
    }
}
