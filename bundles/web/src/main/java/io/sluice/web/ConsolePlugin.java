package io.sluice.web;

import io.sluice.api.component.ClientInfo;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A page of the Felix web console (Karaf feature {@code webconsole}; Sluice feature
 * {@code sluice-webconsole}) at {@code /system/console/sluice}: every component with its state,
 * detail and counters, the clients of the listeners, a link to each component's configuration in
 * the console's Configuration Manager, and a restart action (the configuration applied again, so
 * that Declarative Services stops and starts the component with it). The console itself checks the
 * login (Karaf realm, admin role); the action is a POST that must carry the page's token (a
 * per-session secret), so that another site cannot make an administrator's browser send it.
 */
@Component(service = Servlet.class, property = {"felix.webconsole.label=sluice", "felix.webconsole.title=Sluice",
    "felix.webconsole.category=Sluice"})
public class ConsolePlugin extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ConsolePlugin.class);
    private static final String TOKEN = "sluice.console.token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final transient Map<SluiceComponent, Map<String, Object>> components = new ConcurrentHashMap<>();
    @Reference
    private transient volatile ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addComponent(SluiceComponent c, Map<String, Object> props) {
        components.put(c, props);
    }

    void removeComponent(SluiceComponent c) {
        components.remove(c);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String token = token(req.getSession(true));
        String done = req.getParameter("restarted");
        resp.setContentType("text/html");
        resp.setCharacterEncoding("UTF-8");
        PrintWriter w = resp.getWriter();
        if (done != null) {
            w.println("<p class='ui-state-highlight'>Restarted " + esc(done) + ".</p>");
        }
        w.println("<h3>Components</h3>");
        w.println("<table class='nicetable' id='sluice-components'><thead><tr><th>Name</th><th>Kind</th>"
                + "<th>State</th><th>Detail</th><th>Counters</th><th>Configuration</th><th></th></tr></thead><tbody>");
        List<Map.Entry<SluiceComponent, Map<String, Object>>> list = new ArrayList<>(components.entrySet());
        list.sort(Comparator.comparing(e -> e.getKey().name()));
        for (Map.Entry<SluiceComponent, Map<String, Object>> e : list) {
            SluiceComponent c = e.getKey();
            Object pid = e.getValue().get("service.pid");
            w.print("<tr><td>" + esc(c.name()) + "</td><td>" + esc(c.kind().name().toLowerCase(Locale.ROOT))
                    + "</td><td>" + esc(c.state().name().toLowerCase(Locale.ROOT)) + "</td><td>" + esc(c.stateDetail())
                    + "</td><td>" + esc(c.counters().snapshot().toString()) + "</td><td>");
            if (pid instanceof String p) {
                w.print("<a href='configMgr/" + esc(p) + "'>" + esc(p) + "</a></td><td>"
                        + "<form method='post' action='sluice'><input type='hidden' name='token' value='" + token + "'>"
                        + "<input type='hidden' name='action' value='restart'><input type='hidden' name='component' "
                        + "value='" + esc(c.name()) + "'><input type='submit' value='Restart'></form>");
            } else {
                w.print("(defaults)</td><td>");
            }
            w.println("</td></tr>");
        }
        w.println("</tbody></table>");
        w.println("<h3>Clients</h3><table class='nicetable' id='sluice-clients'><thead><tr><th>Listener</th>"
                + "<th>Peer</th><th>Protocol</th><th>Since</th><th>Events</th></tr></thead><tbody>");
        for (Map.Entry<SluiceComponent, Map<String, Object>> e : list) {
            if (e.getKey() instanceof Receiver r) {
                for (ClientInfo ci : r.clients()) {
                    w.println("<tr><td>" + esc(e.getKey().name()) + "</td><td>" + esc(ci.peer()) + "</td><td>"
                            + esc(ci.protocol()) + "</td><td>" + esc(ci.since().toString()) + "</td><td>" + ci.events()
                            + "</td></tr>");
                }
            }
        }
        w.println("</tbody></table>");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        String expected = session == null ? null : (String) session.getAttribute(TOKEN);
        if (expected == null || !expected.equals(req.getParameter("token"))) {
            resp.sendError(403, "missing or wrong token: reload the Sluice page and try again");
            return;
        }
        if (!"restart".equals(req.getParameter("action"))) {
            resp.sendError(400, "unknown action");
            return;
        }
        String name = req.getParameter("component");
        Map.Entry<SluiceComponent, Map<String, Object>> target = components.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name)).findFirst().orElse(null);
        Object pid = target == null ? null : target.getValue().get("service.pid");
        if (!(pid instanceof String p)) {
            resp.sendError(404, "no component '" + name + "' with a configuration");
            return;
        }
        Configuration cfg = configAdmin.getConfiguration(p, "?");
        Dictionary<String, Object> props = cfg.getProperties();
        if (props == null) {
            resp.sendError(404, "configuration " + p + " is gone");
            return;
        }
        cfg.update(props); // DS deactivates the component and activates it again with it
        LOG.info("web console: {} restarted component {} (configuration {})", req.getRemoteUser(), name, p);
        resp.sendRedirect("sluice?restarted=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String token(HttpSession session) {
        Object t = session.getAttribute(TOKEN);
        if (t instanceof String s) {
            return s;
        }
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        String s = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        session.setAttribute(TOKEN, s);
        return s;
    }

    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
