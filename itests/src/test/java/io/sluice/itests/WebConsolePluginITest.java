package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Sluice's page in Karaf's web console (feature sluice-webconsole, installed as a user does): the
 * components with their configuration links, and the restart action — refused without the page's
 * token, and applied with it (the component's configuration is applied again).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebConsolePluginITest {
    private static final String HTTP = SluiceOptions.freePort();

    @Inject
    private FeaturesService features;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private org.osgi.framework.BundleContext context;

    /** The component object registered under {@code name} now, or null. */
    private Object component(String name) throws Exception {
        for (org.osgi.framework.ServiceReference<io.sluice.api.component.SluiceComponent> r
                : context.getServiceReferences(io.sluice.api.component.SluiceComponent.class, null)) {
            io.sluice.api.component.SluiceComponent c = context.getService(r);
            if (c != null && name.equals(c.name())) {
                return c;
            }
        }
        return null;
    }

    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    public Option[] config() {
        return SluiceOptions.distribution(
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", HTTP),
                editConfigurationFilePut("etc/users.properties", "admin1", "a-secret,admin"),
                editConfigurationFilePut("etc/users.properties", "viewer1", "v-secret,viewer"),
                systemProperty("sluice.itest.http").value(HTTP));
    }

    @Before
    public void installConsole() throws Exception {
        if (!features.isInstalled(features.getFeature("sluice-webconsole"))) {
            features.installFeature("sluice-webconsole", EnumSet.noneOf(FeaturesService.Option.class));
        }
        await("the Sluice console page").atMost(Duration.ofSeconds(90)).until(() -> {
            try {
                return page("admin1:a-secret").statusCode() == 200;
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
    }

    private HttpResponse<String> page(String credentials) throws Exception {
        return client.send(HttpRequest.newBuilder(url("/system/console/sluice")).timeout(Duration.ofSeconds(20))
                .header("Authorization", basic(credentials)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String form) throws Exception {
        return client.send(HttpRequest.newBuilder(url("/system/console/sluice")).timeout(Duration.ofSeconds(20))
                .header("Authorization", basic("admin1:a-secret"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI url(String path) {
        return URI.create("http://127.0.0.1:" + System.getProperty("sluice.itest.http") + path);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    public void anAdministratorSeesTheComponentsAndRestartsOneWithThePagesToken() throws Exception {
        HttpResponse<String> p = page("admin1:a-secret");
        assertEquals(200, p.statusCode());
        String html = p.body();
        assertTrue(html, html.contains("id='sluice-components'") && html.contains("<td>tcp-main</td>")
                && html.contains("<td>bus</td>"));
        Matcher link = Pattern.compile("href='configMgr/(io\\.sluice\\.shipper\\.file[^']*)'").matcher(html);
        assertTrue("a configuration link for file-main: " + html, link.find());
        String pid = link.group(1);
        Matcher token = Pattern.compile("name='token' value='([^']+)'").matcher(html);
        assertTrue(token.find());

        org.osgi.service.cm.Configuration[] cfg = configAdmin.listConfigurations("(service.pid=" + pid + ")");
        long before = cfg[0].getChangeCount();
        String restart = "action=restart&component=file-main&token=";
        assertEquals("no token: refused", 403, post(restart + "wrong").statusCode());
        assertEquals(before, configAdmin.listConfigurations("(service.pid=" + pid + ")")[0].getChangeCount());

        Object instance = component("file-main");
        HttpResponse<String> ok = post(restart + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8));
        assertEquals(ok.body(), 302, ok.statusCode());
        assertNotEquals("the configuration was applied again", before,
                configAdmin.listConfigurations("(service.pid=" + pid + ")")[0].getChangeCount());
        await("file-main made anew by Declarative Services").atMost(Duration.ofSeconds(30))
                .until(() -> { Object now = component("file-main"); return now != null && now != instance; });
        await("file-main runs again").atMost(Duration.ofSeconds(30))
                .until(() -> page("admin1:a-secret").body().contains("<td>file-main</td><td>shipper</td><td>running</td>"));
    }

    @Test
    public void anAdministratorStopsAndStartsAListenerAndReloadsAChainFromTheConsole() throws Exception {
        String html = page("admin1:a-secret").body();
        Matcher token = Pattern.compile("name='token' value='([^']+)'").matcher(html);
        assertTrue(token.find());
        String t = URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
        assertTrue("a Stop button for tcp-main", html.contains("name='action' value='stop'><input type='hidden' "
                + "name='component' value='tcp-main'>"));
        assertTrue("a Reload button for chain main", html.contains("name='chain' value='main'>"));

        assertEquals(403, post("action=stop&component=tcp-main&token=wrong").statusCode());
        HttpResponse<String> stop = post("action=stop&component=tcp-main&token=" + t);
        assertEquals(stop.body(), 302, stop.statusCode());
        await("tcp-main stopped").atMost(Duration.ofSeconds(30))
                .until(() -> page("admin1:a-secret").body().contains("<td>tcp-main</td><td>receiver</td><td>stopped</td>"));
        assertTrue("a Start button now", page("admin1:a-secret").body().contains("name='action' value='start'><input "
                + "type='hidden' name='component' value='tcp-main'>"));
        assertEquals(302, post("action=start&component=tcp-main&token=" + t).statusCode());
        await("tcp-main runs again").atMost(Duration.ofSeconds(30))
                .until(() -> page("admin1:a-secret").body().contains("<td>tcp-main</td><td>receiver</td><td>running</td>"));
        assertEquals("the bus has no stop", 409, post("action=stop&component=bus&token=" + t).statusCode());

        HttpResponse<String> reload = post("action=reload&chain=main&token=" + t);
        assertEquals(302, reload.statusCode());
        assertTrue(reload.headers().firstValue("Location").orElse(""),
                reload.headers().firstValue("Location").orElse("").contains("Reloaded+chain+main."));
    }

    @Test
    public void aViewerIsNotLetIntoTheConsole() throws Exception {
        // a client of its own: no session cookie from the administrator's login
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int status = fresh.send(HttpRequest.newBuilder(url("/system/console/sluice")).timeout(Duration.ofSeconds(20))
                .header("Authorization", basic("viewer1:v-secret")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
        assertTrue("status " + status, status == 401 || status == 403);
    }
}
