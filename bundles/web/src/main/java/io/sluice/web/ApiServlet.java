package io.sluice.web;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.StreamStats;
import io.sluice.api.component.ClientInfo;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /sluice/api/} (docs/api.md; the OpenAPI description is served at
 * {@code /sluice/api/openapi.json}), registered with Karaf's HTTP whiteboard. Every call needs a
 * login against the Karaf JAAS realm with the viewer or admin role; answers are JSON, errors too
 * ({@code {"status": 400, "error": "..."}}), with 4xx for what the caller got wrong.
 */
@Component(service = Servlet.class, configurationPid = "io.sluice.web",
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"osgi.http.whiteboard.servlet.pattern=/sluice/api/*",
            "osgi.http.whiteboard.servlet.name=sluice-api"})
@Designate(ocd = ApiServlet.Config.class)
public class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    @ObjectClassDefinition(name = "Sluice web", description = "The REST API and the pages of Sluice.")
    public @interface Config {
        @AttributeDefinition(description = "JAAS realm logins are checked against (Karaf's: etc/users.properties).")
        String realm() default "karaf";

        @AttributeDefinition(description = "Role that may read (status, streams, search).")
        String viewerRole() default "viewer";

        @AttributeDefinition(description = "Role that may also act (start/stop components, reload chains).")
        String adminRole() default "admin";

        @AttributeDefinition(description = "Refuse the distribution's default credentials (karaf/karaf) until they are "
                + "changed in etc/users.properties.")
        boolean refuseDefaultCredentials() default true;

        @AttributeDefinition(description = "A login session ends after this many minutes without a request.",
                min = "1")
        int sessionIdleMinutes() default 30;

        @AttributeDefinition(description = "A login session ends this many hours after the login, used or not.",
                min = "1")
        int sessionMaxHours() default 12;

        @AttributeDefinition(description = "Most login sessions held at once; beyond, the oldest ends.", min = "1")
        int maxSessions() default 1000;

        @AttributeDefinition(description = "Failed logins from one address within five minutes after which that "
                + "address is refused (429) until the five minutes are over.", min = "1")
        int maxLoginFailures() default 10;

        @AttributeDefinition(description = "HMAC keys file (as for the hmac_verify filter: keyid = base64 secret per "
                + "line, relative to etc/) the event view checks signed events with. Empty: the view shows the "
                + "signature's key id without checking it.")
        String hmacKeys() default "";

        @AttributeDefinition(description = "PostgreSQL the search reads (the PostgreSQL shipper's database), as a JDBC "
                + "URL. Empty: search is off (503).")
        String searchUrl() default "";

        @AttributeDefinition(description = "User for the search.")
        String searchUser() default "sluice";

        @AttributeDefinition(description = "Password for the search.", type = AttributeType.PASSWORD)
        String searchPassword() default "";

        @AttributeDefinition(description = "Schema of the shipper's tables.")
        String searchSchema() default "sluice";

        @AttributeDefinition(description = "Longest a search query may run, in milliseconds.", min = "100")
        int searchTimeoutMillis() default 10_000;

        @AttributeDefinition(description = "Largest page of a search.", min = "1", max = "10000")
        int maxPageSize() default 1_000;

        @AttributeDefinition(description = "Most events one export returns.", min = "1")
        long maxExportEvents() default 1_000_000;

        @AttributeDefinition(description = "Longest query string taken, in characters.", min = "256")
        int maxQueryChars() default 4096;

        @AttributeDefinition(description = "Live tails (server-sent events) open at once; more are answered 503.",
                min = "1")
        int maxTails() default 16;

        @AttributeDefinition(description = "Longest a live tail stays open, in seconds (the page opens a new one).",
                min = "1")
        int tailMaxSeconds() default 3600;

        @AttributeDefinition(description = "Seconds between two samples of the event rates the page charts (the "
                + "server keeps the last hour).", min = "1", max = "600")
        int rateSampleSeconds() default 5;

        @AttributeDefinition(description = "Seconds between two pushes of the live status to an open page.",
                min = "1", max = "60")
        int statusPushSeconds() default 2;

        @AttributeDefinition(description = "Live status streams (one per open page) at once; more are answered 503.",
                min = "1")
        int maxStatusStreams() default 64;

        @AttributeDefinition(description = "Events a live tail holds for a slow browser; beyond, they are skipped "
                + "and the tail says how many.", min = "10")
        int tailBuffer() default 10_000;
    }

    private final transient Config config;
    private final transient Access access;
    private final transient EventSearch search;
    private final transient Clock clock;
    private final transient Map<SluiceComponent, Map<String, Object>> components =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final transient java.util.concurrent.atomic.AtomicInteger tails = new java.util.concurrent.atomic.AtomicInteger();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile EventBus bus;
    @Reference
    private transient volatile io.sluice.api.component.ComponentControl control;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile io.sluice.api.filter.FilterChains chains;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile io.sluice.api.component.ClusterStatus cluster;
    private final transient Rates rates;
    private final transient io.sluice.api.EventSigner signer;
    private final transient java.util.concurrent.ScheduledExecutorService sampler;

    @Activate
    public ApiServlet(Config config, @Reference Access access) {
        this(config, access, Clock.systemUTC());
    }

    ApiServlet(Config config, Access access, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.access = access;
        this.rates = new Rates(config.rateSampleSeconds());
        this.signer = signer(config.hmacKeys());
        // What can refuse the configuration first: a thread started before would be left running.
        this.search = config.searchUrl().isBlank() ? null : new EventSearch(config.searchUrl().strip(),
                config.searchUser(), config.searchPassword(), config.searchSchema().strip(), config.searchTimeoutMillis());
        this.sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-web-rates");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sampleRates, 0, config.rateSampleSeconds(),
                java.util.concurrent.TimeUnit.SECONDS);
    }

    private transient volatile boolean stopping;

    /** Ends the live tails (their loops look at this every second). */
    @org.osgi.service.component.annotations.Deactivate
    void stop() {
        stopping = true;
        sampler.shutdownNow();
    }

    /** The keys the event view checks signatures with, or null (none configured, or the file is wrong: logged). */
    private static io.sluice.api.EventSigner signer(String file) {
        if (file.isBlank()) {
            return null;
        }
        java.nio.file.Path p = java.nio.file.Path.of(file.strip());
        if (!p.isAbsolute()) {
            p = java.nio.file.Path.of(System.getProperty("karaf.etc", "etc")).resolve(p);
        }
        try {
            return io.sluice.api.EventSigner.fromKeysFile(p);
        } catch (IllegalArgumentException e) {
            LOG.error("web: hmacKeys: {}; the event view does not check signatures", e.getMessage());
            return null;
        }
    }

    private void sampleRates() {
        try {
            long received = 0;
            long shipped = 0;
            for (SluiceComponent c : components.keySet()) {
                Map<String, Long> counters = c.counters().snapshot();
                if (c.kind() == SluiceComponent.Kind.RECEIVER) {
                    received += counters.getOrDefault("received", 0L);
                } else if (c.kind() == SluiceComponent.Kind.SHIPPER) {
                    shipped += counters.getOrDefault("acked", 0L);
                }
            }
            rates.sample(clock.instant(), received, shipped);
        } catch (RuntimeException e) {
            LOG.debug("rate sample skipped: {}", e.toString());
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addComponent(SluiceComponent c, Map<String, Object> props) {
        components.put(c, props);
    }

    void removeComponent(SluiceComponent c) {
        components.remove(c);
    }

    void bus(EventBus b) {
        this.bus = b;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        try {
            if (req.getQueryString() != null && req.getQueryString().length() > config.maxQueryChars()) {
                throw new ApiError(414, "the query string is longer than " + config.maxQueryChars() + " characters");
            }
            Access.Caller caller;
            try {
                caller = access.reader(req);
                if (req.getMethod().equals("POST") && path.matches("/(components|chains)/.*")) {
                    access.admin(req, caller);
                }
            } catch (Logins.Refused r) {
                Access.challenge(req, resp, r);
                throw new ApiError(r.status, r.getMessage());
            }
            if (req.getMethod().equals("POST") && path.matches("/(components|chains)/.*")) {
                act(path, caller, resp);
                return;
            }
            if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
                resp.setHeader("Allow", "GET, HEAD");
                throw new ApiError(405, req.getMethod() + " is not taken on " + path);
            }
            if (path.equals("/session")) {
                json(resp, session(caller));
                return;
            }
            route(path, req, resp);
        } catch (ApiError e) {
            error(resp, e.status, e.getMessage());
        } catch (SearchQuery.BadRequest e) {
            error(resp, 400, e.getMessage());
        } catch (SQLException e) {
            LOG.warn("search on {} failed: {}", search == null ? "-" : search.where(), e.getMessage());
            boolean timeout = "57014".equals(e.getSQLState());
            error(resp, timeout ? 504 : 503, timeout ? "the search ran longer than " + config.searchTimeoutMillis()
                    + " ms: narrow the time range or add conditions" : "the search database failed: " + e.getMessage());
        }
    }

    private void route(String path, HttpServletRequest req, HttpServletResponse resp) throws IOException,
            SQLException, ApiError {
        switch (path) {
            case "/status" -> json(resp, status());
            case "/clients" -> json(resp, Map.of("clients", clients()));
            case "/streams" -> json(resp, Map.of("streams", streams()));
            case "/chains" -> json(resp, Map.of("chains", chains()));
            case "/nodes" -> json(resp, Map.of("nodes", nodes()));
            case "/rates" -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("interval_seconds", config.rateSampleSeconds());
                m.put("points", rates.points().stream().map(Rates.Point::json).toList());
                json(resp, m);
            }
            case "/status/stream" -> statusStream(resp);
            case "/search" -> {
                SearchQuery q = query(req); // parameters first: a bad one is a 400 even with search off
                json(resp, search().page(q));
            }
            case "/search/histogram" -> {
                String b = req.getParameter("buckets");
                int buckets;
                try {
                    buckets = b == null ? 60 : Integer.parseInt(b);
                } catch (NumberFormatException e) {
                    throw new ApiError(400, "'buckets' must be a number, not '" + b + "'");
                }
                if (buckets < 1 || buckets > 1000) {
                    throw new ApiError(400, "'buckets' must be between 1 and 1000");
                }
                SearchQuery q = query(req);
                json(resp, search().histogram(q, buckets));
            }
            case "/search/export" -> export(req, resp);
            case "/tail" -> tail(req, resp);
            case "/event" -> {
                String time = req.getParameter("time");
                String id = req.getParameter("id");
                if (time == null || id == null || id.length() > 200) {
                    throw new ApiError(400, "'time' and 'id' of the event are needed");
                }
                Instant t;
                try {
                    t = Instant.parse(time);
                } catch (DateTimeParseException e) {
                    throw new ApiError(400, "'time' must be an ISO-8601 instant, not '" + time + "'");
                }
                Map<String, Object> e = search().event(t, id, signer);
                if (e == null) {
                    throw new ApiError(404, "no event " + id + " at " + time);
                }
                json(resp, e);
            }
            case "/openapi.json" -> {
                try (InputStream in = ApiServlet.class.getResourceAsStream("/openapi.json")) {
                    resp.setContentType("application/json");
                    resp.setCharacterEncoding("UTF-8");
                    in.transferTo(resp.getOutputStream());
                }
            }
            default -> throw new ApiError(404, "no such API: " + path + " (see /sluice/api/openapi.json)");
        }
    }

    private SearchQuery query(HttpServletRequest req) {
        return new SearchQuery(req.getParameterMap(), clock.instant(), config.maxPageSize());
    }

    private EventSearch search() throws ApiError {
        if (search == null) {
            throw new ApiError(503, "search is off: set searchUrl in etc/io.sluice.web.cfg to the PostgreSQL shipper's "
                    + "database");
        }
        return search;
    }

    /** Who is logged in, the roles, and (for a session) the token its POST requests carry. */
    private Map<String, Object> session(Access.Caller caller) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", caller.user());
        m.put("roles", List.copyOf(caller.login().roles()));
        m.put("admin", access.isAdmin(caller));
        m.put("csrf", caller.session() == null ? null : caller.session().csrf());
        return m;
    }

    /**
     * {@code POST /components/{name}/{stop|start|restart}} and {@code POST /chains/{name}/reload}
     * (admin role, checked before): 202 once the configuration is changed (the component follows within
     * moments), 200 with the chain's status after a reload.
     */
    private void act(String path, Access.Caller caller, HttpServletResponse resp) throws IOException, ApiError {
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            throw new ApiError(404, "no such action: " + path);
        }
        String name = parts[1]; // getPathInfo() is decoded already
        if (parts[0].equals("chains")) {
            if (!parts[2].equals("reload")) {
                throw new ApiError(404, "no action '" + parts[2] + "' on chains (reload)");
            }
            io.sluice.api.filter.FilterChains fc = chains;
            if (fc == null) {
                throw new ApiError(503, "the filter chains (feature sluice-filters) are not running");
            }
            io.sluice.api.filter.FilterChains.ChainStatus st;
            try {
                st = fc.reload(name);
            } catch (java.util.NoSuchElementException e) {
                throw new ApiError(404, e.getMessage());
            } catch (java.io.UncheckedIOException e) {
                throw new ApiError(500, e.getMessage());
            }
            LOG.info("web: user {} reloaded filter chain {}", caller.user(), name);
            json(resp, chain(st));
            return;
        }
        io.sluice.api.component.ComponentControl.Action action =
                io.sluice.api.component.ComponentControl.Action.named(parts[2]);
        if (action == null) {
            throw new ApiError(404, "no action '" + parts[2] + "' (stop, start, restart)");
        }
        try {
            String pid = control.apply(name, action, "web:" + caller.user());
            resp.setStatus(202);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("component", name);
            m.put("action", parts[2]);
            m.put("configuration", pid);
            json(resp, m);
        } catch (java.util.NoSuchElementException e) {
            throw new ApiError(404, e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new ApiError(409, e.getMessage());
        } catch (IOException e) {
            LOG.error("web: {} of component {} failed: {}", parts[2], name, e.toString());
            throw new ApiError(500, "the configuration of '" + name + "' cannot be changed: " + e.getMessage());
        }
    }

    /** Every node's status from Redis (empty without io.sluice.redis); a node's components as written. */
    private List<Map<String, Object>> nodes() throws ApiError {
        io.sluice.api.component.ClusterStatus c = cluster;
        if (c == null) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            for (io.sluice.api.component.ClusterStatus.Node n : c.nodes()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", n.name());
                m.put("updated", n.updated() == null ? null : n.updated().toString());
                Map<String, Object> comps = new java.util.TreeMap<>();
                n.components().forEach((name, json) -> {
                    if (Json.isObject(json)) {
                        comps.put(name, new Json.Raw(json));
                    }
                });
                m.put("components", comps);
                out.add(m);
            }
        } catch (IllegalStateException e) {
            throw new ApiError(503, e.getMessage());
        }
        return out;
    }

    /**
     * The page's live status as server-sent events: an {@code event: status} with the components,
     * clients, streams, chains, nodes and the newest rate point, every {@code statusPushSeconds}; at
     * most {@code maxStatusStreams} at once.
     */
    private void statusStream(HttpServletResponse resp) throws IOException, ApiError {
        if (statusStreams.incrementAndGet() > config.maxStatusStreams()) {
            statusStreams.decrementAndGet();
            throw new ApiError(503, "too many live status streams open (maxStatusStreams " + config.maxStatusStreams()
                    + ")");
        }
        try {
            resp.setContentType("text/event-stream");
            resp.setCharacterEncoding("UTF-8");
            Writer w = resp.getWriter();
            long end = System.nanoTime() + config.tailMaxSeconds() * 1_000_000_000L;
            while (System.nanoTime() < end && !stopping) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("status", status());
                m.put("clients", clients());
                m.put("streams", streams());
                m.put("chains", chains());
                List<Map<String, Object>> nodes;
                String nodesError = null;
                try {
                    nodes = cachedNodes();
                } catch (ApiError e) {
                    nodes = List.of();
                    nodesError = e.getMessage();
                }
                m.put("nodes", nodes);
                m.put("nodes_error", nodesError);
                Rates.Point p = rates.latest();
                m.put("rate", p == null ? null : p.json());
                w.write("event: status\ndata: ");
                w.write(Json.object(m));
                w.write("\n\n");
                w.flush();
                if (w instanceof java.io.PrintWriter pw && pw.checkError()) {
                    break; // the browser left
                }
                Thread.sleep(config.statusPushSeconds() * 1000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            statusStreams.decrementAndGet();
        }
    }

    private final transient java.util.concurrent.atomic.AtomicInteger statusStreams =
            new java.util.concurrent.atomic.AtomicInteger();
    private transient volatile List<Map<String, Object>> nodesCache;
    private transient volatile long nodesCacheUntil;

    /** The cluster read from Redis at most once per push interval, whatever the number of open pages. */
    private List<Map<String, Object>> cachedNodes() throws ApiError {
        long now = System.nanoTime();
        List<Map<String, Object>> n = nodesCache;
        if (n != null && now - nodesCacheUntil < 0) {
            return n;
        }
        n = nodes();
        nodesCache = n;
        nodesCacheUntil = now + config.statusPushSeconds() * 1_000_000_000L - 100_000_000L;
        return n;
    }

    /** What an administrator may do to a component: "stop", "start", "restart", or nothing. */
    private List<String> actions(String name) {
        try {
            return control.actions(name).stream().map(a -> a.name().toLowerCase(Locale.ROOT)).toList();
        } catch (java.util.NoSuchElementException goneMeanwhile) {
            return List.of();
        }
    }

    private List<Map<String, Object>> chains() {
        io.sluice.api.filter.FilterChains fc = chains;
        if (fc == null) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (io.sluice.api.filter.FilterChains.ChainStatus st : fc.chains()) {
            out.add(chain(st));
        }
        return out;
    }

    private static Map<String, Object> chain(io.sluice.api.filter.FilterChains.ChainStatus st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", st.name());
        m.put("file", st.file());
        m.put("problem", st.problem());
        m.put("last_error", st.lastError());
        List<Map<String, Object>> calls = new ArrayList<>();
        for (io.sluice.api.filter.FilterChains.CallStats c : st.calls()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("filter", c.filter());
            cm.put("line", c.line());
            cm.put("calls", c.calls());
            cm.put("matched", c.matched());
            cm.put("failed", c.failed());
            cm.put("millis", c.nanos() / 1_000_000);
            calls.add(cm);
        }
        m.put("calls", calls);
        return m;
    }

    private Map<String, Object> status() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Map.Entry<SluiceComponent, Map<String, Object>> e : components.entrySet()) {
            SluiceComponent c = e.getKey();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
            m.put("state", c.state().name().toLowerCase(Locale.ROOT));
            m.put("detail", c.stateDetail());
            m.put("counters", c.counters().snapshot());
            m.put("configuration", e.getValue().get("service.pid") instanceof String pid ? pid : null);
            m.put("service", e.getValue().get(SluiceComponent.SERVICE_PROPERTY));
            m.put("actions", actions(c.name()));
            list.add(m);
        }
        list.sort((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", clock.instant().toString());
        out.put("components", list);
        return out;
    }

    private List<Map<String, Object>> clients() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SluiceComponent c : components.keySet()) {
            if (c instanceof Receiver r) {
                for (ClientInfo ci : r.clients()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("listener", c.name());
                    m.put("id", ci.id());
                    m.put("peer", ci.peer());
                    m.put("local_port", ci.localPort());
                    m.put("protocol", ci.protocol());
                    m.put("since", ci.since().toString());
                    m.put("events", ci.events());
                    out.add(m);
                }
            }
        }
        return out;
    }

    private List<Map<String, Object>> streams() {
        EventBus b = bus;
        List<Map<String, Object>> out = new ArrayList<>();
        if (b == null) {
            return out;
        }
        for (String s : b.streams()) {
            StreamStats st = b.stats(s);
            if (st == null) {
                continue;
            }
            Map<String, Object> lag = new LinkedHashMap<>();
            st.groups().keySet().stream().sorted().forEach(g -> lag.put(g, st.lag(g)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stream", s);
            m.put("depth", st.depth());
            m.put("bytes", st.bytes());
            m.put("max_bytes", st.maxBytes());
            m.put("lag", lag);
            out.add(m);
        }
        return out;
    }

    private void export(HttpServletRequest req, HttpServletResponse resp) throws IOException, SQLException, ApiError {
        String format = req.getParameter("format") == null ? "jsonl" : req.getParameter("format");
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw new ApiError(400, "'format' must be jsonl or csv, not '" + format + "'");
        }
        SearchQuery q = query(req);
        EventSearch s = search();
        resp.setCharacterEncoding("UTF-8");
        resp.setContentType(format.equals("csv") ? "text/csv" : "application/x-ndjson");
        resp.setHeader("Content-Disposition", "attachment; filename=\"sluice-events." + format + "\"");
        Writer w = resp.getWriter();
        if (format.equals("csv")) {
            w.write("time,id,severity,facility,host,app_name,procid,msgid,message,tags\r\n");
        }
        s.stream(q, config.maxExportEvents(), row -> {
            try {
                if (format.equals("csv")) {
                    w.write(Csv.line(row));
                } else {
                    try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
                        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                        Json.write(g, row);
                    }
                    w.write('\n');
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        w.flush();
    }

    /**
     * Live tail as server-sent events: every event of the stream that matches, as it becomes durable,
     * one {@code data:} line of JSON each; a comment every 15 s keeps the connection alive (and finds
     * a browser that left); events a slow browser could not take are skipped and reported as an
     * {@code event: skipped} with their count. Best effort, like {@code sluice:tail}: a tail never holds
     * anything back.
     */
    private void tail(HttpServletRequest req, HttpServletResponse resp) throws IOException, ApiError {
        TailFilter filter = new TailFilter(req.getParameterMap());
        EventBus b = bus;
        if (b == null) {
            throw new ApiError(503, "no event bus is running");
        }
        if (tails.incrementAndGet() > config.maxTails()) {
            tails.decrementAndGet();
            throw new ApiError(503, "too many live tails open (maxTails " + config.maxTails() + ")");
        }
        java.util.concurrent.BlockingQueue<io.sluice.api.Event> queue =
                new java.util.concurrent.ArrayBlockingQueue<>(config.tailBuffer());
        java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
        io.sluice.api.bus.Subscription sub = b.observe(filter.stream, e -> {
            if (filter.matches(e) && !queue.offer(e)) {
                skipped.incrementAndGet();
            }
        });
        try {
            resp.setContentType("text/event-stream");
            resp.setCharacterEncoding("UTF-8");
            Writer w = resp.getWriter();
            w.write(": sluice live tail of stream " + filter.stream + "\n\n");
            w.flush();
            long end = System.nanoTime() + config.tailMaxSeconds() * 1_000_000_000L;
            long nextBeat = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < end && !stopping) {
                io.sluice.api.Event e = queue.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                long lost = skipped.getAndSet(0);
                if (lost > 0) {
                    w.write("event: skipped\ndata: " + lost + "\n\n");
                }
                if (e != null) {
                    w.write("data: ");
                    w.write(Json.object(TailFilter.json(e)));
                    w.write("\n\n");
                    for (io.sluice.api.Event more; (more = queue.poll()) != null; ) {
                        w.write("data: ");
                        w.write(Json.object(TailFilter.json(more)));
                        w.write("\n\n");
                    }
                } else if (System.nanoTime() > nextBeat) {
                    w.write(": keep-alive\n\n");
                    nextBeat = System.nanoTime() + 15_000_000_000L;
                }
                w.flush();
                if (w instanceof java.io.PrintWriter pw && pw.checkError()) {
                    break; // the browser left
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sub.close();
            tails.decrementAndGet();
        }
    }

    private static void json(HttpServletResponse resp, Map<String, ?> body) throws IOException {
        byte[] b = Json.object(body).getBytes(StandardCharsets.UTF_8);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }

    private static void error(HttpServletResponse resp, int status, String message) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        resp.setStatus(status);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("error", message);
        json(resp, m);
    }

    /** A 4xx or 5xx answer with its reason. */
    static final class ApiError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        ApiError(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
