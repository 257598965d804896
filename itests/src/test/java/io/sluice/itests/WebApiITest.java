package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The REST API of the distribution (feature sluice-web, installed as a user does), over HTTP on
 * loopback: every endpoint with and without credentials, the default credentials refused, a user
 * without a role refused, bad parameters and methods answered with a 4xx and a JSON reason.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebApiITest {
    private static final String HTTP = SluiceOptions.freePort();

    @Inject
    private FeaturesService features;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    public Option[] config() {
        return SluiceOptions.distribution(
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", HTTP),
                editConfigurationFilePut("etc/users.properties", "viewer1", "v-secret,viewer"),
                editConfigurationFilePut("etc/users.properties", "admin1", "a-secret,admin"),
                editConfigurationFilePut("etc/users.properties", "norole", "n-secret"),
                systemProperty("sluice.itest.http").value(HTTP));
    }

    @Before
    public void installWeb() throws Exception {
        if (!features.isInstalled(features.getFeature("sluice-web"))) {
            features.installFeature("sluice-web", EnumSet.noneOf(FeaturesService.Option.class));
        }
        await("the API answers").atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                return get("/sluice/api/status", null).statusCode() == 401;
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
    }

    private HttpResponse<String> get(String path, String credentials) throws Exception {
        return send("GET", path, credentials);
    }

    private HttpResponse<String> send(String method, String path, String credentials) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + System.getProperty(
                "sluice.itest.http") + path)).timeout(Duration.ofSeconds(20)).method(method,
                HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void withoutCredentialsEveryEndpointAsksForThem() throws Exception {
        for (String path : new String[] {"/sluice/api/status", "/sluice/api/clients", "/sluice/api/streams",
            "/sluice/api/search", "/sluice/api/openapi.json", "/sluice/api/nothing"}) {
            HttpResponse<String> r = get(path, null);
            assertEquals(path, 401, r.statusCode());
            assertTrue(path, r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
            assertTrue(r.body(), r.body().contains("\"status\":401"));
        }
        assertEquals(401, get("/sluice/api/status", "viewer1:wrong").statusCode());
        assertEquals(401, get("/sluice/api/status", "nobody-at-all:x").statusCode());
    }

    @Test
    public void theDefaultCredentialsAndAUserWithoutARoleAreRefused() throws Exception {
        HttpResponse<String> r = get("/sluice/api/status", "karaf:karaf");
        assertEquals(403, r.statusCode());
        assertTrue(r.body(), r.body().contains("default credentials"));
        HttpResponse<String> n = get("/sluice/api/status", "norole:n-secret");
        assertEquals(403, n.statusCode());
        assertTrue(n.body(), n.body().contains("neither the viewer nor the admin role"));
    }

    @Test
    public void aViewerReadsStatusClientsStreamsAndTheApiDescription() throws Exception {
        HttpResponse<String> status = get("/sluice/api/status", "viewer1:v-secret");
        assertEquals(status.body(), 200, status.statusCode());
        assertTrue(status.body(), status.body().contains("\"name\":\"tcp-main\"")
                && status.body().contains("\"name\":\"bus\"") && status.body().contains("\"counters\":{"));
        assertEquals("application/json", status.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        HttpResponse<String> streams = get("/sluice/api/streams", "viewer1:v-secret");
        assertEquals(200, streams.statusCode());
        assertTrue(streams.body(), streams.body().contains("\"stream\":\"ingest\""));
        assertEquals(200, get("/sluice/api/clients", "admin1:a-secret").statusCode());
        HttpResponse<String> openapi = get("/sluice/api/openapi.json", "viewer1:v-secret");
        assertEquals(200, openapi.statusCode());
        assertTrue(openapi.body().contains("\"openapi\": \"3.0.3\""));
    }

    @Test
    public void theLiveTailStreamsMatchingEventsAsTheyArrive() throws Exception {
        HttpRequest tail = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + System.getProperty(
                "sluice.itest.http") + "/sluice/api/tail?app=webtail&q=needle")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "viewer1:v-secret".getBytes(StandardCharsets.UTF_8))).build();
        HttpResponse<java.util.stream.Stream<String>> r = client.send(tail, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.stream.Stream<String> body = r.body();
        Thread reader = new Thread(() -> {
            try {
                body.forEach(lines::add);
            } catch (RuntimeException closed) {
                // the test is done with it
            }
        });
        reader.setDaemon(true);
        reader.start();
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                Integer.parseInt(System.getProperty("sluice.itest.tcp")))) {
            s.getOutputStream().write(("<13>1 2026-12-04T10:00:00Z host webtail - - - hay\n"
                    + "<13>1 2026-12-04T10:00:01Z host webtail - - - a needle in the hay\n"
                    + "<13>1 2026-12-04T10:00:02Z host other - - - a needle elsewhere\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // The first data line is the one event that matches (app webtail and the word needle).
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            String found = null;
            while (found == null && System.nanoTime() < deadline) {
                String l = lines.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                if (l != null && l.startsWith("data: ")) {
                    found = l;
                }
            }
            assertTrue("the matching event arrived: " + found, found != null
                    && found.contains("\"message\":\"a needle in the hay\"") && found.contains("\"app_name\":\"webtail\""));
        } finally {
            body.close(); // the server notices at its next write and closes its side
        }
        HttpResponse<String> bad = get("/sluice/api/tail?from=2026-12-04T10:00:00Z", "viewer1:v-secret");
        assertEquals(400, bad.statusCode());
    }

    @Test
    public void badRequestsGetAClearFourHundred() throws Exception {
        HttpResponse<String> unknown = get("/sluice/api/nothing", "viewer1:v-secret");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("no such API"));
        HttpResponse<String> post = send("POST", "/sluice/api/status", "viewer1:v-secret");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> longQuery = get("/sluice/api/search?q=" + "x".repeat(5000), "viewer1:v-secret");
        assertEquals(414, longQuery.statusCode());
        HttpResponse<String> badLimit = get("/sluice/api/search?limit=0", "viewer1:v-secret");
        assertEquals(400, badLimit.statusCode());
        assertTrue(badLimit.body(), badLimit.body().contains("'limit' must be between 1 and 1000"));
        assertEquals(400, get("/sluice/api/search?sort=time", "viewer1:v-secret").statusCode());
        // Search is off until searchUrl is set in etc/io.sluice.web.cfg: 503 says so.
        HttpResponse<String> off = get("/sluice/api/search?limit=5", "viewer1:v-secret");
        assertEquals(503, off.statusCode());
        assertTrue(off.body(), off.body().contains("searchUrl"));
        HttpResponse<String> badEvent = get("/sluice/api/event?time=yesterday&id=x", "viewer1:v-secret");
        assertEquals(400, badEvent.statusCode());
        assertTrue(badEvent.body(), badEvent.body().contains("'time' must be an ISO-8601 instant"));
    }
}
