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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;
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
    private transient volatile io.sluice.api.component.ComponentControl control;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile io.sluice.api.filter.FilterChains chains;

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
        String done = req.getParameter("done");
        resp.setContentType("text/html");
        resp.setCharacterEncoding("UTF-8");
        PrintWriter w = resp.getWriter();
        if (done != null) {
            w.println("<p class='ui-state-highlight' id='sluice-done'>" + esc(done) + "</p>");
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
                w.print("<a href='configMgr/" + esc(p) + "'>" + esc(p) + "</a></td><td>");
                java.util.Set<io.sluice.api.component.ComponentControl.Action> actions = actions(c.name());
                if (actions.contains(io.sluice.api.component.ComponentControl.Action.STOP)) {
                    boolean stopped = c.state() == io.sluice.api.component.ComponentState.STOPPED;
                    w.print(button(token, stopped ? "start" : "stop", "component", c.name(), stopped ? "Start" : "Stop"));
                }
                w.print(button(token, "restart", "component", c.name(), "Restart"));
            } else {
                w.print("(defaults)</td><td>");
            }
            w.println("</td></tr>");
        }
        w.println("</tbody></table>");
        io.sluice.api.filter.FilterChains fc = chains;
        if (fc != null) {
            w.println("<h3>Filter chains</h3><table class='nicetable' id='sluice-chains'><thead><tr><th>Chain</th>"
                    + "<th>File</th><th>State</th><th></th></tr></thead><tbody>");
            for (io.sluice.api.filter.FilterChains.ChainStatus st : fc.chains()) {
                String state = st.problem() != null ? st.problem() : st.lastError() != null
                        ? "running; newest version refused: " + st.lastError() : "running";
                w.println("<tr><td>" + esc(st.name()) + "</td><td>" + esc(st.file()) + "</td><td>" + esc(state)
                        + "</td><td>" + button(token, "reload", "chain", st.name(), "Reload") + "</td></tr>");
            }
            w.println("</tbody></table>");
        }
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
        String action = String.valueOf(req.getParameter("action"));
        String done;
        if (action.equals("reload")) {
            String chain = req.getParameter("chain");
            io.sluice.api.filter.FilterChains fc = chains;
            if (fc == null || chain == null) {
                resp.sendError(404, "no filter chains running");
                return;
            }
            try {
                io.sluice.api.filter.FilterChains.ChainStatus st = fc.reload(chain);
                LOG.info("web console: {} reloaded filter chain {}", req.getRemoteUser(), chain);
                done = "Reloaded chain " + chain + (st.lastError() == null ? "." : ": the new version is refused ("
                        + st.lastError() + "); the previous one keeps running.");
            } catch (java.util.NoSuchElementException e) {
                resp.sendError(404, e.getMessage());
                return;
            } catch (java.io.UncheckedIOException e) {
                resp.sendError(500, e.getMessage());
                return;
            }
        } else {
            String name = req.getParameter("component");
            io.sluice.api.component.ComponentControl.Action a =
                    io.sluice.api.component.ComponentControl.Action.named(action);
            if (a == null) {
                resp.sendError(400, "unknown action");
                return;
            }
            try {
                control.apply(String.valueOf(name), a, "web console:" + req.getRemoteUser());
            } catch (java.util.NoSuchElementException e) {
                resp.sendError(404, e.getMessage());
                return;
            } catch (UnsupportedOperationException e) {
                resp.sendError(409, e.getMessage());
                return;
            } catch (IOException e) {
                resp.sendError(500, "the configuration cannot be changed: " + e.getMessage());
                return;
            }
            done = switch (action) {
                case "stop" -> "Stopped ";
                case "start" -> "Started ";
                default -> "Restarted ";
            } + name + ".";
        }
        resp.sendRedirect("sluice?done=" + java.net.URLEncoder.encode(done, java.nio.charset.StandardCharsets.UTF_8));
    }

    private java.util.Set<io.sluice.api.component.ComponentControl.Action> actions(String name) {
        try {
            return control.actions(name);
        } catch (java.util.NoSuchElementException goneMeanwhile) {
            return java.util.Set.of();
        }
    }

    /** A POST form with the page's token: one action on one component or chain. */
    private static String button(String token, String action, String field, String name, String label) {
        return "<form method='post' action='sluice' style='display:inline'><input type='hidden' name='token' value='"
                + token + "'><input type='hidden' name='action' value='" + action + "'><input type='hidden' name='"
                + field + "' value='" + esc(name) + "'><input type='submit' value='" + label + "'></form>";
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
