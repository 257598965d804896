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
            "/sluice/api/search", "/sluice/api/search/histogram", "/sluice/api/search/export", "/sluice/api/event",
            "/sluice/api/tail", "/sluice/api/openapi.json", "/sluice/api/session", "/sluice/api/status/stream",
            "/sluice/api/rates", "/sluice/api/nodes", "/sluice/api/chains", "/sluice/api/nothing"}) {
            HttpResponse<String> r = get(path, null);
            assertEquals(path, 401, r.statusCode());
            assertTrue(path, r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
            assertTrue(r.body(), r.body().contains("\"status\":401"));
        }
        for (String path : new String[] {"/sluice/api/components/tcp-main/stop", "/sluice/api/chains/main/reload"}) {
            assertEquals(path, 401, send("POST", path, null).statusCode());
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
        HttpResponse<String> buckets = get("/sluice/api/search/histogram?buckets=0", "viewer1:v-secret");
        assertEquals(400, buckets.statusCode());
        assertTrue(buckets.body(), buckets.body().contains("'buckets' must be between 1 and 1000"));
        HttpResponse<String> format = get("/sluice/api/search/export?format=xml", "viewer1:v-secret");
        assertEquals(400, format.statusCode());
        assertTrue(format.body(), format.body().contains("'format' must be jsonl or csv"));
        assertEquals(400, get("/sluice/api/search/export?from=soon", "viewer1:v-secret").statusCode());
        assertEquals(400, get("/sluice/api/event?id=x", "viewer1:v-secret").statusCode());
        HttpResponse<String> nodes = get("/sluice/api/nodes", "viewer1:v-secret");
        assertEquals("no Redis configured: an empty cluster", 200, nodes.statusCode());
        assertEquals("{\"nodes\":[]}", nodes.body());
        HttpResponse<String> badEvent = get("/sluice/api/event?time=yesterday&id=x", "viewer1:v-secret");
        assertEquals(400, badEvent.statusCode());
        assertTrue(badEvent.body(), badEvent.body().contains("'time' must be an ISO-8601 instant"));
    }

    private static URI url(String path) {
        return URI.create("http://127.0.0.1:" + System.getProperty("sluice.itest.http") + path);
    }

    /** Logs in with the page's form on a client of its own; returns the client, holding the session cookie. */
    private HttpClient loggedIn(String user, String password) throws Exception {
        HttpClient c = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(url("/sluice/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=" + user + "&password=" + password)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, r.statusCode());
        assertTrue(r.headers().firstValue("Location").orElse(""), r.headers().firstValue("Location").orElse("")
                .endsWith("/sluice/"));
        String cookie = r.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cookie, cookie.startsWith("SLUICE_SESSION=") && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict") && cookie.contains("Path=/sluice"));
        return c;
    }

    private static HttpResponse<String> call(HttpClient c, String method, String path, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf(HttpClient c) throws Exception {
        HttpResponse<String> s = call(c, "GET", "/sluice/api/session");
        assertEquals(s.body(), 200, s.statusCode());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(s.body());
        assertTrue(s.body(), m.find());
        return m.group(1);
    }

    private String stateOf(String component) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"name\":\"" + component
                + "\",\"kind\":\"[a-z]+\",\"state\":\"([a-z]+)\"").matcher(get("/sluice/api/status",
                "viewer1:v-secret").body());
        return m.find() ? m.group(1) : null;
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    public void theLoginFormMakesASessionThatTheLogoutEnds() throws Exception {
        HttpClient anonymous = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = call(anonymous, "GET", "/sluice/");
        assertEquals("a page without a login goes to the form", 302, page.statusCode());
        assertTrue(page.headers().firstValue("Location").orElse("").endsWith("/sluice/login"));
        HttpResponse<String> form = call(anonymous, "GET", "/sluice/login");
        assertEquals(200, form.statusCode());
        assertTrue(form.body(), form.body().contains("<form id=\"login\" method=\"post\""));
        HttpResponse<String> pageCall = call(anonymous, "GET", "/sluice/api/status", "X-Sluice-Page", "1");
        assertEquals(401, pageCall.statusCode());
        assertTrue("no Basic dialog for the page's own calls",
                pageCall.headers().firstValue("WWW-Authenticate").isEmpty());

        HttpResponse<String> wrong = anonymous.send(HttpRequest.newBuilder(url("/sluice/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=viewer1&password=nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("Location").orElse("").endsWith("/sluice/login?failed"));
        assertTrue(call(anonymous, "GET", "/sluice/login?failed").body().contains("Login failed"));

        HttpClient viewer = loggedIn("viewer1", "v-secret");
        assertEquals(200, call(viewer, "GET", "/sluice/").statusCode());
        HttpResponse<String> session = call(viewer, "GET", "/sluice/api/session");
        assertTrue(session.body(), session.body().contains("\"user\":\"viewer1\"")
                && session.body().contains("\"admin\":false"));
        assertEquals(200, call(viewer, "GET", "/sluice/api/status").statusCode());

        HttpResponse<String> out = call(viewer, "POST", "/sluice/logout");
        assertEquals(302, out.statusCode());
        assertEquals("the session is over", 401, call(viewer, "GET", "/sluice/api/status").statusCode());
    }

    @Test
    public void anAdministratorStopsAndStartsAListenerWithTheSessionsTokenAndAViewerCannot() throws Exception {
        int tcp = Integer.parseInt(System.getProperty("sluice.itest.tcp"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(stateOf("tcp-main")));
        HttpClient admin = loggedIn("admin1", "a-secret");
        String token = csrf(admin);
        assertEquals("no token: refused", 403, call(admin, "POST", "/sluice/api/components/tcp-main/stop").statusCode());
        assertEquals("wrong token: refused", 403, call(admin, "POST", "/sluice/api/components/tcp-main/stop",
                "X-Sluice-CSRF", token + "x").statusCode());
        assertEquals("another site's request: refused", 403, call(admin, "POST", "/sluice/api/components/tcp-main/stop",
                "X-Sluice-CSRF", token, "Origin", "http://elsewhere.example").statusCode());
        HttpClient viewer = loggedIn("viewer1", "v-secret");
        HttpResponse<String> notAdmin = call(viewer, "POST", "/sluice/api/components/tcp-main/stop",
                "X-Sluice-CSRF", csrf(viewer));
        assertEquals(403, notAdmin.statusCode());
        assertTrue(notAdmin.body(), notAdmin.body().contains("admin role"));
        assertEquals("running", stateOf("tcp-main"));

        HttpResponse<String> stop = call(admin, "POST", "/sluice/api/components/tcp-main/stop", "X-Sluice-CSRF", token);
        assertEquals(stop.body(), 202, stop.statusCode());
        await("tcp-main stopped").atMost(Duration.ofSeconds(30)).until(() -> "stopped".equals(stateOf("tcp-main")));
        assertTrue("its port is closed", !accepts(tcp));
        String cfg = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("karaf.etc"),
                "io.sluice.syslog.tcp-main.cfg"));
        assertTrue("kept in its .cfg file: " + cfg, cfg.matches("(?s).*enabled\\s*=\\s*\"?false.*"));

        // A script with HTTP Basic: needs the X-Requested-By header.
        HttpResponse<String> noHeader = send("POST", "/sluice/api/components/tcp-main/start", "admin1:a-secret");
        assertEquals(403, noHeader.statusCode());
        assertTrue(noHeader.body(), noHeader.body().contains("X-Requested-By"));
        HttpResponse<String> start = client.send(HttpRequest.newBuilder(url("/sluice/api/components/tcp-main/start"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin1:a-secret".getBytes(StandardCharsets.UTF_8)))
                .header("X-Requested-By", "script").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(start.body(), 202, start.statusCode());
        await("tcp-main runs again").atMost(Duration.ofSeconds(30))
                .until(() -> "running".equals(stateOf("tcp-main")) && accepts(tcp));

        assertEquals(404, call(admin, "POST", "/sluice/api/components/nothing/stop", "X-Sluice-CSRF", token).statusCode());
        assertEquals(404, call(admin, "POST", "/sluice/api/components/tcp-main/explode", "X-Sluice-CSRF", token)
                .statusCode());
        HttpResponse<String> notStoppable = call(admin, "POST", "/sluice/api/components/bus/stop", "X-Sluice-CSRF", token);
        assertEquals(notStoppable.body(), 409, notStoppable.statusCode());
    }

    @Test
    public void anAdministratorReloadsAChainAndEveryoneReadsChainsRatesAndTheLiveStatus() throws Exception {
        HttpResponse<String> chains = get("/sluice/api/chains", "viewer1:v-secret");
        assertEquals(200, chains.statusCode());
        assertTrue(chains.body(), chains.body().contains("\"name\":\"main\""));
        HttpClient admin = loggedIn("admin1", "a-secret");
        HttpResponse<String> reload = call(admin, "POST", "/sluice/api/chains/main/reload", "X-Sluice-CSRF", csrf(admin));
        assertEquals(reload.body(), 200, reload.statusCode());
        assertTrue(reload.body(), reload.body().contains("\"name\":\"main\"") && reload.body().contains("\"last_error\":null"));
        assertEquals(404, call(admin, "POST", "/sluice/api/chains/none/reload", "X-Sluice-CSRF", csrf(admin)).statusCode());

        // Rates are sampled by the server every 5 s whether or not a page is open.
        await("rate points").atMost(Duration.ofSeconds(30)).until(() -> get("/sluice/api/rates", "viewer1:v-secret")
                .body().contains("\"received\":"));
        HttpResponse<String> rates = get("/sluice/api/rates", "viewer1:v-secret");
        assertTrue(rates.body(), rates.body().contains("\"interval_seconds\":5"));

        HttpRequest live = HttpRequest.newBuilder(url("/sluice/api/status/stream")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "viewer1:v-secret".getBytes(StandardCharsets.UTF_8))).build();
        HttpResponse<java.io.InputStream> r = client.send(live, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
                StandardCharsets.UTF_8))) {
            assertEquals("event: status", in.readLine());
            String data = in.readLine();
            assertTrue(data, data.startsWith("data: {\"status\":{") && data.contains("\"clients\":[")
                    && data.contains("\"streams\":[") && data.contains("\"chains\":[") && data.contains("\"nodes\":["));
            assertEquals("", in.readLine());
            assertEquals("pushed again", "event: status", in.readLine());
        }
    }
}
