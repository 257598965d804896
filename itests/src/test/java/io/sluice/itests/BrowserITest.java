package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;

import io.sluice.shipper.pgsql.PrivatePostgres;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Sluice's page in Debian's Chromium (headless, driven by playwright-core: browser/pages.test.mjs)
 * against the distribution run as a process with sluice-web booted, its PostgreSQL shipper and
 * search on a PostgreSQL of the test's own: log in, see a client appear when logger connects,
 * follow the live tail, search a message sent a moment earlier and open its details. Screenshots in
 * target/screenshots.
 */
public class BrowserITest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 300_000)
    public void anOperatorFollowsAClientTheLiveTailAndASearchInTheBrowser() throws Exception {
        Path work = tmp.getRoot().toPath();
        try (PrivatePostgres pg = PrivatePostgres.start(work.resolve("pg"));
                KarafProcess k = KarafProcess.unpack(work.resolve("sluice"))) {
            int tcp = k.listenOnFreePorts(work.resolve("s.sock")).tcp();
            String http = SluiceOptions.freePort();
            k.setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", http);
            k.setProperty("etc/users.properties", "browser", "b-secret,admin");
            Files.copy(k.home.resolve("etc/io.sluice.shipper.pgsql-main.cfg.example"),
                    k.home.resolve("etc/io.sluice.shipper.pgsql-main.cfg"));
            k.setProperty("etc/io.sluice.shipper.pgsql-main.cfg", "url", pg.url());
            k.setProperty("etc/io.sluice.shipper.pgsql-main.cfg", "maxBackoffMillis", "500");
            Files.copy(k.home.resolve("etc/io.sluice.web.cfg.example"), k.home.resolve("etc/io.sluice.web.cfg"));
            k.setProperty("etc/io.sluice.web.cfg", "searchUrl", pg.url());
            k.bootFeature("sluice-web");
            k.start(tcp);
            await("the page's port").atMost(Duration.ofSeconds(60)).until(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(http))) {
                    return true;
                } catch (java.io.IOException notYet) {
                    return false;
                }
            });

            Path log = work.resolve("browser.log");
            ProcessBuilder pb = new ProcessBuilder("node", "pages.test.mjs")
                    .directory(Path.of(System.getProperty("sluice.browser.dir")).toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("BASE", "http://127.0.0.1:" + http);
            pb.environment().put("USER", "browser");
            pb.environment().put("PASSWORD", "b-secret");
            pb.environment().put("TCP_PORT", Integer.toString(tcp));
            pb.environment().put("SHOTS", System.getProperty("sluice.screenshots"));
            Process p = pb.start();
            try {
                boolean done = p.waitFor(180, TimeUnit.SECONDS);
                String said = Files.readString(log, StandardCharsets.UTF_8);
                System.out.println("browser test:\n" + said);
                assertEquals("the browser test passed:\n" + said, 0, done ? p.exitValue() : -1);
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
