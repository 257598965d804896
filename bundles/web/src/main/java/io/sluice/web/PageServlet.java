package io.sluice.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Sluice's page at {@code /sluice/}: static files from the bundle (no CDN: it works offline; uPlot,
 * from the npm registry, is copied into the jar at build time), which read the REST API of the same
 * origin. The same login as the API (Karaf realm, viewer or admin
 * role, default credentials refused), so the browser asks once and sends the credentials with the
 * page's API calls.
 */
@Component(service = Servlet.class, configurationPid = "io.sluice.web", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"osgi.http.whiteboard.servlet.pattern=/sluice/*", "osgi.http.whiteboard.servlet.name=sluice-page"})
public class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html", "/index.html", "index.html", "/sluice.js", "sluice.js", "/sluice.css", "sluice.css",
            "/uPlot.iife.min.js", "uPlot.iife.min.js", "/uPlot.min.css", "uPlot.min.css", "/uPlot.LICENSE", "LICENSE");

    private final transient Logins logins;

    @Activate
    public PageServlet(ApiServlet.Config config) {
        this.logins = new Logins(config.realm(), config.refuseDefaultCredentials(), config.viewerRole(),
                config.adminRole());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        try {
            logins.reader(req.getHeader("Authorization"));
        } catch (Logins.Refused r) {
            if (r.status == 401) {
                resp.setHeader("WWW-Authenticate", "Basic realm=\"Sluice\", charset=\"UTF-8\"");
            }
            resp.sendError(r.status, r.getMessage());
            return;
        }
        String file = FILES.get(path);
        if (file == null) {
            resp.sendError(404, "no such page");
            return;
        }
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        resp.setContentType(file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript"
                : file.endsWith(".css") ? "text/css" : "text/plain");
        resp.setCharacterEncoding("UTF-8");
        try (InputStream in = PageServlet.class.getResourceAsStream("/static/" + file)) {
            in.transferTo(resp.getOutputStream());
        }
    }
}
