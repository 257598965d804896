package io.sluice.web;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the page and the API, shared by both servlets: a session made by the login form
 * (cookie {@value #COOKIE}: HttpOnly, SameSite=Strict, path /sluice, Secure over HTTPS), or HTTP
 * Basic for scripts; both checked against the Karaf JAAS realm by {@link Logins}. Sessions end after
 * {@code sessionIdleMinutes} without a request and {@code sessionMaxHours} after the login, and at
 * most {@code maxSessions} are held (the oldest is ended first).
 *
 * <p>Requests that change something (POST) must prove they come from Sluice's own page: a session's
 * request carries the session's CSRF token in the {@value #CSRF_HEADER} header (the page reads it
 * from {@code /sluice/api/session}); a Basic request carries an {@value #REQUESTED_BY_HEADER} header,
 * which a form on another site cannot set. A POST whose {@code Origin} is not this server is refused
 * either way. Failed logins are counted per client address: after {@code maxLoginFailures} within
 * five minutes, that address is refused (429) until the five minutes are over.
 */
@Component(service = Access.class, configurationPid = "io.sluice.web", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class Access {
    static final String COOKIE = "SLUICE_SESSION";
    static final String CSRF_HEADER = "X-Sluice-CSRF";
    static final String REQUESTED_BY_HEADER = "X-Requested-By";
    /** Sent by the page with its API calls: a 401 then comes without a Basic challenge (no browser dialog). */
    static final String PAGE_HEADER = "X-Sluice-Page";
    private static final Logger LOG = LoggerFactory.getLogger(Access.class);
    private static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);
    private static final int MAX_TRACKED_ADDRESSES = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A login held by a cookie. */
    record Session(String id, Logins.Login login, String csrf, Instant created, Instant lastUsed) {
    }

    /** The caller of a request and how it logged in ({@code session} null for Basic). */
    record Caller(Logins.Login login, Session session) {
        String user() {
            return login.user();
        }
    }

    private final Logins logins;
    private final String adminRole;
    private final Duration idle;
    private final Duration maxAge;
    private final int maxSessions;
    private final int maxFailures;
    private final Clock clock;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final Map<String, Failures> failures = new LinkedHashMap<>();

    private static final class Failures {
        Instant since;
        int count;
        int inFlight;
    }

    @Activate
    public Access(ApiServlet.Config config) {
        this(config, Clock.systemUTC());
    }

    Access(ApiServlet.Config config, Clock clock) {
        this.logins = new Logins(config.realm(), config.refuseDefaultCredentials(), config.viewerRole(),
                config.adminRole());
        this.adminRole = config.adminRole();
        this.idle = Duration.ofMinutes(config.sessionIdleMinutes());
        this.maxAge = Duration.ofHours(config.sessionMaxHours());
        this.maxSessions = config.maxSessions();
        this.maxFailures = config.maxLoginFailures();
        this.clock = clock;
    }

    /**
     * The caller of a request that reads: by its session cookie, else by its Basic header; the viewer
     * or admin role is required.
     *
     * @throws Logins.Refused 401 without a valid session or credentials, 403 without a role, 429 after
     *         too many failed logins from the address
     */
    Caller reader(HttpServletRequest req) throws Logins.Refused {
        Session s = session(req);
        if (s != null) {
            return new Caller(s.login(), s);
        }
        String auth = req.getHeader("Authorization");
        if (auth == null) {
            throw new Logins.Refused(401, "log in: the form at /sluice/login, or HTTP Basic with a user of the "
                    + "Karaf realm");
        }
        return new Caller(checkedLogin(req, () -> logins.reader(auth)), null);
    }

    /**
     * Checks that a request that changes something comes from Sluice's page or a script, and that its
     * caller has the admin role.
     *
     * @throws Logins.Refused 403 when the token, the header or the role is missing
     */
    void admin(HttpServletRequest req, Caller caller) throws Logins.Refused {
        sameOrigin(req);
        if (caller.session() != null) {
            String given = req.getHeader(CSRF_HEADER);
            if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    caller.session().csrf().getBytes(StandardCharsets.UTF_8))) {
                throw new Logins.Refused(403, "missing or wrong " + CSRF_HEADER + " header (the page gets its token "
                        + "from /sluice/api/session)");
            }
        } else if (req.getHeader(REQUESTED_BY_HEADER) == null) {
            throw new Logins.Refused(403, "a POST with HTTP Basic needs an " + REQUESTED_BY_HEADER + " header "
                    + "(any value): it shows the request does not come from a form of another site");
        }
        if (!caller.login().has(adminRole)) {
            throw new Logins.Refused(403, "user '" + caller.user() + "' does not have the " + adminRole + " role");
        }
    }

    boolean isAdmin(Caller c) {
        return c.login().has(adminRole);
    }

    /** A POST whose Origin header names another site is refused (browsers send it with every POST). */
    static void sameOrigin(HttpServletRequest req) throws Logins.Refused {
        String origin = req.getHeader("Origin");
        String host = req.getHeader("Host");
        if (origin == null) {
            return;
        }
        String bare = origin.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        if (host == null || !bare.equalsIgnoreCase(host)) {
            throw new Logins.Refused(403, "the request comes from another site (Origin " + origin + ")");
        }
    }

    /** Logs in with the login form's fields; on success, a new session (any earlier one of the request ends). */
    Session login(HttpServletRequest req, String user, String password) throws Logins.Refused {
        sameOrigin(req);
        if (user == null || password == null || user.isEmpty() || user.length() > 256 || password.length() > 1024) {
            throw new Logins.Refused(401, "user and password are needed");
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        Logins.Login login = checkedLogin(req, () -> logins.reader(basic));
        Session old = session(req);
        synchronized (this) {
            if (old != null) {
                sessions.remove(old.id());
            }
            expire();
            while (sessions.size() >= maxSessions) {
                Iterator<String> oldest = sessions.keySet().iterator();
                oldest.next();
                oldest.remove();
                LOG.warn("web: {} sessions are open (maxSessions): the oldest ends", maxSessions);
            }
            Instant now = clock.instant();
            Session s = new Session(random(), login, random(), now, now);
            sessions.put(s.id(), s);
            LOG.info("web: user {} logged in from {}", user, req.getRemoteAddr());
            return s;
        }
    }

    /** Ends the request's session, if it has one. */
    synchronized void logout(HttpServletRequest req) {
        String id = cookie(req);
        if (id != null) {
            Session s = sessions.remove(id);
            if (s != null) {
                LOG.info("web: user {} logged out", s.login().user());
            }
        }
    }

    synchronized int sessionCount() {
        expire();
        return sessions.size();
    }

    /** The session cookie for {@code s}, or one that removes it ({@code s} null). */
    static String cookieHeader(HttpServletRequest req, Session s) {
        StringBuilder b = new StringBuilder(COOKIE).append('=').append(s == null ? "" : s.id())
                .append("; Path=/sluice; HttpOnly; SameSite=Strict");
        if (s == null) {
            b.append("; Max-Age=0");
        }
        if (req.isSecure()) {
            b.append("; Secure");
        }
        return b.toString();
    }

    /** The live session of the request's cookie, touched; null without one. */
    Session session(HttpServletRequest req) {
        String id = cookie(req);
        if (id == null) {
            return null;
        }
        synchronized (this) {
            Session s = sessions.get(id);
            if (s == null) {
                return null;
            }
            Instant now = clock.instant();
            if (expired(s, now)) {
                sessions.remove(id);
                return null;
            }
            Session touched = new Session(s.id(), s.login(), s.csrf(), s.created(), now);
            sessions.put(id, touched);
            return touched;
        }
    }

    private boolean expired(Session s, Instant now) {
        return s.lastUsed().plus(idle).isBefore(now) || s.created().plus(maxAge).isBefore(now);
    }

    private void expire() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
    }

    private static String cookie(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (COOKIE.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
                return c.getValue();
            }
        }
        return null;
    }

    private interface LoginCall {
        Logins.Login call() throws Logins.Refused;
    }

    /**
     * Runs a login, refusing an address with too many recent failures and counting a new one. Logins
     * under way count against the limit too, so that parallel guesses cannot get past it.
     */
    private Logins.Login checkedLogin(HttpServletRequest req, LoginCall call) throws Logins.Refused {
        String address = req.getRemoteAddr();
        Instant now = clock.instant();
        Failures f;
        synchronized (this) {
            f = failures.get(address);
            if (f != null && f.inFlight == 0 && f.since.plus(FAILURE_WINDOW).isBefore(now)) {
                failures.remove(address);
                f = null;
            }
            if (f == null) {
                f = new Failures();
                f.since = now;
                failures.put(address, f);
                if (failures.size() > MAX_TRACKED_ADDRESSES) {
                    Iterator<Map.Entry<String, Failures>> it = failures.entrySet().iterator();
                    while (failures.size() > MAX_TRACKED_ADDRESSES && it.hasNext()) {
                        if (it.next().getValue().inFlight == 0) {
                            it.remove();
                        }
                    }
                }
            }
            if (f.count + f.inFlight >= maxFailures) {
                throw new Logins.Refused(429, "too many failed logins from " + address + "; try again later");
            }
            f.inFlight++;
        }
        boolean failed = false;
        try {
            return call.call();
        } catch (Logins.Refused r) {
            failed = r.status == 401;
            throw r;
        } finally {
            synchronized (this) {
                f.inFlight--;
                if (failed) {
                    f.count++;
                    if (f.count == maxFailures) {
                        LOG.warn("web: {} failed logins from {} within {} minutes; refused until then", f.count,
                                address, FAILURE_WINDOW.toMinutes());
                    }
                } else if (f.count == 0 && f.inFlight == 0) {
                    failures.remove(address, f);
                }
            }
        }
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Writes a 401/403/429: JSON for the API, with a Basic challenge unless the page asked. */
    static boolean challenge(HttpServletRequest req, HttpServletResponse resp, Logins.Refused r) {
        if (r.status == 401 && req.getHeader(PAGE_HEADER) == null) {
            resp.setHeader("WWW-Authenticate", "Basic realm=\"Sluice\", charset=\"UTF-8\"");
            return true;
        }
        return false;
    }
}
