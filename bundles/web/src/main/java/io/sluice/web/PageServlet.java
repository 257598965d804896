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
import org.osgi.service.component.annotations.Reference;

/**
 * Sluice's page at {@code /sluice/}: static files from the bundle (no CDN: it works offline; uPlot,
 * from the npm registry, is copied into the jar at build time), which read the REST API of the same
 * origin. Logins: the form at {@code /sluice/login} (a POST of user and password, checked against the
 * Karaf realm like the API's; viewer or admin role; default credentials refused) makes a session
 * ({@link Access}); {@code POST /sluice/logout} ends it. HTTP Basic is taken too. A page asked for
 * without a login is answered with a redirect to the form.
 */
@Component(service = Servlet.class, configurationPid = "io.sluice.web", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"osgi.http.whiteboard.servlet.pattern=/sluice/*", "osgi.http.whiteboard.servlet.name=sluice-page"})
public class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html", "/index.html", "index.html", "/sluice.js", "sluice.js", "/sluice.css", "sluice.css",
            "/uPlot.iife.min.js", "uPlot.iife.min.js", "/uPlot.min.css", "uPlot.min.css", "/uPlot.LICENSE", "LICENSE");

    private final transient Access access;

    @Activate
    public PageServlet(@Reference Access access) {
        this.access = access;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        headers(resp);
        if (path.equals("/login")) {
            loginPage(req, resp);
            return;
        }
        if (path.equals("/sluice.css")) {
            send(resp, "sluice.css");
            return;
        }
        try {
            access.reader(req);
        } catch (Logins.Refused r) {
            if (r.status == 401 && req.getHeader("Authorization") == null) {
                resp.sendRedirect(req.getContextPath() + "/sluice/login");
                return;
            }
            if (Access.challenge(req, resp, r)) {
                resp.sendError(401, r.getMessage());
                return;
            }
            resp.sendError(r.status, r.getMessage());
            return;
        }
        String file = FILES.get(path);
        if (file == null) {
            resp.sendError(404, "no such page");
            return;
        }
        send(resp, file);
    }

    /** {@code /sluice/login} (the form's fields user and password) and {@code /sluice/logout}. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        headers(resp);
        if (req.getContentLength() > 4096) {
            resp.sendError(413, "the form is too large");
            return;
        }
        switch (path) {
            case "/login" -> {
                try {
                    Access.Session s = access.login(req, req.getParameter("user"), req.getParameter("password"));
                    resp.setHeader("Set-Cookie", Access.cookieHeader(req, s));
                    resp.sendRedirect(req.getContextPath() + "/sluice/");
                } catch (Logins.Refused r) {
                    // One answer for every refusal but the throttle, so the form does not tell which part was wrong.
                    String why = r.status == 429 ? "throttled" : r.status == 403 ? "refused" : "failed";
                    resp.sendRedirect(req.getContextPath() + "/sluice/login?" + why);
                }
            }
            case "/logout" -> {
                try {
                    Access.sameOrigin(req);
                } catch (Logins.Refused r) {
                    resp.sendError(403, r.getMessage());
                    return;
                }
                access.logout(req);
                resp.setHeader("Set-Cookie", Access.cookieHeader(req, null));
                resp.sendRedirect(req.getContextPath() + "/sluice/login?out");
            }
            default -> {
                resp.setHeader("Allow", "GET");
                resp.sendError(405, "POST is taken on /sluice/login and /sluice/logout only");
            }
        }
    }

    /** The form, with a fixed message for how the last attempt went (nothing of the request is echoed). */
    private static void loginPage(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String q = req.getQueryString() == null ? "" : req.getQueryString();
        String message = switch (q) {
            case "failed" -> "Login failed: unknown user or wrong password.";
            case "refused" -> "Login refused: the user has neither the viewer nor the admin role, or uses the "
                    + "default credentials, which are refused until changed in etc/users.properties.";
            case "throttled" -> "Too many failed logins from this address: try again in a few minutes.";
            case "out" -> "Logged out.";
            default -> "";
        };
        String page;
        try (InputStream in = PageServlet.class.getResourceAsStream("/static/login.html")) {
            page = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        byte[] b = page.replace("<!--message-->", message).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        resp.setContentType("text/html");
        resp.setCharacterEncoding("UTF-8");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }

    private static void headers(HttpServletResponse resp) {
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    }

    private static void send(HttpServletResponse resp, String file) throws IOException {
        resp.setContentType(file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript"
                : file.endsWith(".css") ? "text/css" : "text/plain");
        resp.setCharacterEncoding("UTF-8");
        try (InputStream in = PageServlet.class.getResourceAsStream("/static/" + file)) {
            in.transferTo(resp.getOutputStream());
        }
    }
}
