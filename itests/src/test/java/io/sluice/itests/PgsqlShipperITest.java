package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.sluice.shipper.pgsql.PrivatePostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The shipped distribution with its example PostgreSQL shipper configuration switched on, against
 * a PostgreSQL of the test's own: events sent over RELP (answered once durable in the journal)
 * become rows, each once; stopping PostgreSQL for a while loses nothing.
 */
public class PgsqlShipperITest {
    private static final int TOTAL = 10_000;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 300_000)
    public void eventsSentToTheDistributionBecomeRowsOnceAndWaitWhilePostgresIsDown() throws Exception {
        Path work = tmp.getRoot().toPath();
        try (PrivatePostgres pg = PrivatePostgres.start(work.resolve("pg"));
                KarafProcess k = KarafProcess.unpack(work.resolve("sluice"))) {
            int relp = k.listenOnFreePorts(work.resolve("s.sock")).relp();
            Path example = k.home.resolve("etc/io.sluice.shipper.pgsql-main.cfg.example");
            assertTrue("the distribution ships the example", Files.exists(example));
            Files.copy(example, k.home.resolve("etc/io.sluice.shipper.pgsql-main.cfg"));
            k.setProperty("etc/io.sluice.shipper.pgsql-main.cfg", "url", pg.url());
            k.setProperty("etc/io.sluice.shipper.pgsql-main.cfg", "batchSize", "1000");
            k.setProperty("etc/io.sluice.shipper.pgsql-main.cfg", "maxBackoffMillis", "500");
            k.start(relp);

            k.sendNumbered(work, relp, 0, TOTAL / 2);
            await("first half in PostgreSQL").atMost(Duration.ofSeconds(120)).until(() -> pg.events() == TOTAL / 2);

            pg.stop();
            k.sendNumbered(work, relp, TOTAL / 2, TOTAL / 2);
            await().atMost(Duration.ofSeconds(60)).until(() -> k.logLines("PostgreSQL shipper pgsql-main: cannot write")
                    >= 1);
            pg.startServer();
            await("second half after the restart").atMost(Duration.ofSeconds(120))
                    .until(() -> pg.events() == TOTAL);
            io.sluice.api.testing.DeliveryCheck check = new io.sluice.api.testing.DeliveryCheck(TOTAL)
                    .acknowledged(0, TOTAL); // sluice-send returned for both halves: every event answered 200
            try (Connection c = pg.connect("sluice"); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT message FROM sluice.events")) {
                while (r.next()) {
                    check.found(r.getString(1));
                }
            }
            check.assertNoneLost();
            assertEquals("once: " + check.report(), 0, check.duplicates());
            assertTrue(k.logLines("PostgreSQL shipper pgsql-main: writing to .* again") >= 1);
        }
    }
}
