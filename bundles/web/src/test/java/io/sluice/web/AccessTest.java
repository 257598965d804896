package io.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.spi.LoginModule;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** Sessions, CSRF and origin checks, and login throttling, against a JAAS realm of the test's own. */
class AccessTest {
    private static Configuration previous;
    /** Logins of user "slow" reach the module, and wait there until released, then fail. */
    static final java.util.concurrent.atomic.AtomicInteger ATTEMPTS = new java.util.concurrent.atomic.AtomicInteger();
    static final java.util.concurrent.CountDownLatch RELEASE = new java.util.concurrent.CountDownLatch(1);

    /** Named like Karaf's role principal, which is how {@link Logins} recognises roles. */
    public static final class RolePrincipal implements Principal {
        private final String name;

        RolePrincipal(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }
    }

    /** ann/pw has the viewer role, root/pw the admin role, nobody/pw none. */
    public static final class TestModule implements LoginModule {
        private Subject subject;
        private CallbackHandler handler;
        private String user;

        @Override
        public void initialize(Subject s, CallbackHandler h, Map<String, ?> shared, Map<String, ?> options) {
            subject = s;
            handler = h;
        }

        @Override
        public boolean login() throws javax.security.auth.login.LoginException {
            NameCallback n = new NameCallback("user");
            PasswordCallback p = new PasswordCallback("password", false);
            try {
                handler.handle(new Callback[] {n, p});
            } catch (Exception e) {
                throw new javax.security.auth.login.LoginException(e.toString());
            }
            if ("slow".equals(n.getName())) {
                ATTEMPTS.incrementAndGet();
                try {
                    RELEASE.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new FailedLoginException();
            }
            if (!"pw".equals(new String(p.getPassword())) || !Map.of("ann", 1, "root", 1, "nobody", 1)
                    .containsKey(n.getName())) {
                throw new FailedLoginException();
            }
            user = n.getName();
            return true;
        }

        @Override
        public boolean commit() {
            if (user.equals("ann")) {
                subject.getPrincipals().add(new RolePrincipal("viewer"));
            } else if (user.equals("root")) {
                subject.getPrincipals().add(new RolePrincipal("admin"));
            }
            return true;
        }

        @Override
        public boolean abort() {
            return true;
        }

        @Override
        public boolean logout() {
            return true;
        }
    }

    @BeforeAll
    static void realm() {
        previous = Configuration.getConfiguration();
        Configuration.setConfiguration(new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return name.equals("test") ? new AppConfigurationEntry[] {new AppConfigurationEntry(
                        TestModule.class.getName(), AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of())}
                        : null;
            }
        });
    }

    @AfterAll
    static void restore() {
        Configuration.setConfiguration(previous);
    }

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now = Instant.parse("2026-12-04T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final Hands clock = new Hands();

    private Access access(Map<String, Object> cfg) {
        Map<String, Object> m = new HashMap<>(cfg);
        m.put("realm", "test");
        return new Access(Converters.standardConverter().convert(m).to(ApiServlet.Config.class), clock);
    }

    /** A request with these headers ("Cookie" gives the session cookie's value) from 127.0.0.1. */
    private static HttpServletRequest request(String... headers) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i].toLowerCase(java.util.Locale.ROOT), headers[i + 1]);
        }
        return (HttpServletRequest) Proxy.newProxyInstance(AccessTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> h.get(((String) args[0]).toLowerCase(java.util.Locale.ROOT));
                    case "getCookies" -> h.containsKey("cookie")
                            ? new Cookie[] {new Cookie(Access.COOKIE, h.get("cookie"))} : null;
                    case "getRemoteAddr" -> "127.0.0.1";
                    case "isSecure" -> false;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSessionLastsWhileUsedAndEndsWhenIdleOrTooOld() throws Exception {
        Access a = access(Map.of("sessionIdleMinutes", 30, "sessionMaxHours", 2));
        Access.Session s = a.login(request(), "ann", "pw");
        assertThat(a.reader(request("Cookie", s.id())).user()).isEqualTo("ann");
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertThat(a.reader(request("Cookie", s.id())).session()).as("used: still alive").isNotNull();
        clock.now = clock.now.plus(Duration.ofMinutes(31));
        assertThatThrownBy(() -> a.reader(request("Cookie", s.id()))).as("idle for 31 minutes")
                .isInstanceOfSatisfying(Logins.Refused.class, r -> assertThat(r.status).isEqualTo(401));

        Access.Session t = a.login(request(), "ann", "pw");
        for (int i = 0; i < 4; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(25));
            a.reader(request("Cookie", t.id()));
        }
        clock.now = clock.now.plus(Duration.ofMinutes(25));
        assertThatThrownBy(() -> a.reader(request("Cookie", t.id()))).as("more than two hours after the login")
                .isInstanceOf(Logins.Refused.class);
        assertThat(Access.cookieHeader(request(), t)).contains("HttpOnly", "SameSite=Strict", "Path=/sluice")
                .doesNotContain("Secure");
    }

    @Test
    void aLogoutEndsTheSessionAndTheOldestEndsWhenTooManyAreOpen() throws Exception {
        Access a = access(Map.of("maxSessions", 2));
        Access.Session first = a.login(request(), "ann", "pw");
        Access.Session second = a.login(request(), "root", "pw");
        Access.Session third = a.login(request(), "ann", "pw");
        assertThat(a.sessionCount()).isEqualTo(2);
        assertThatThrownBy(() -> a.reader(request("Cookie", first.id()))).isInstanceOf(Logins.Refused.class);
        a.logout(request("Cookie", second.id()));
        assertThatThrownBy(() -> a.reader(request("Cookie", second.id()))).isInstanceOf(Logins.Refused.class);
        assertThat(a.reader(request("Cookie", third.id())).user()).isEqualTo("ann");
        Access.Session again = a.login(request("Cookie", third.id()), "ann", "pw");
        assertThat(again.id()).as("a login makes a new session id").isNotEqualTo(third.id());
        assertThatThrownBy(() -> a.reader(request("Cookie", third.id()))).isInstanceOf(Logins.Refused.class);
    }

    @Test
    void anAdminRequestNeedsTheTokenOrTheScriptHeaderTheSameOriginAndTheRole() throws Exception {
        Access a = access(Map.of());
        Access.Session root = a.login(request(), "root", "pw");
        Access.Session ann = a.login(request(), "ann", "pw");
        Access.Caller rootCaller = a.reader(request("Cookie", root.id()));
        assertThatThrownBy(() -> a.admin(request("Cookie", root.id()), rootCaller)).hasMessageContaining("X-Sluice-CSRF");
        assertThatThrownBy(() -> a.admin(request("Cookie", root.id(), Access.CSRF_HEADER, ann.csrf()), rootCaller))
                .as("another session's token").hasMessageContaining("X-Sluice-CSRF");
        a.admin(request("Cookie", root.id(), Access.CSRF_HEADER, root.csrf(), "Origin", "http://127.0.0.1:8181",
                "Host", "127.0.0.1:8181"), rootCaller);
        assertThatThrownBy(() -> a.admin(request("Cookie", root.id(), Access.CSRF_HEADER, root.csrf(),
                "Origin", "https://evil.example", "Host", "127.0.0.1:8181"), rootCaller))
                .hasMessageContaining("another site");
        Access.Caller annCaller = a.reader(request("Cookie", ann.id()));
        assertThatThrownBy(() -> a.admin(request("Cookie", ann.id(), Access.CSRF_HEADER, ann.csrf()), annCaller))
                .isInstanceOfSatisfying(Logins.Refused.class, r -> assertThat(r.status).isEqualTo(403))
                .hasMessageContaining("admin role");

        Access.Caller script = a.reader(request("Authorization", basic("root", "pw")));
        assertThat(script.session()).isNull();
        assertThatThrownBy(() -> a.admin(request("Authorization", basic("root", "pw")), script))
                .hasMessageContaining("X-Requested-By");
        a.admin(request("Authorization", basic("root", "pw"), "X-Requested-By", "cli"), script);
    }

    @Test
    void anAddressIsThrottledAfterTooManyFailedLoginsForFiveMinutes() throws Exception {
        Access a = access(Map.of("maxLoginFailures", 3));
        assertThatThrownBy(() -> a.login(request(), "nobody", "pw")).as("no role: 403, not a failure")
                .isInstanceOfSatisfying(Logins.Refused.class, r -> assertThat(r.status).isEqualTo(403));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> a.login(request(), "ann", "wrong"))
                    .isInstanceOfSatisfying(Logins.Refused.class, r -> assertThat(r.status).isEqualTo(401));
        }
        assertThatThrownBy(() -> a.login(request(), "ann", "pw")).as("even the right password, for now")
                .isInstanceOfSatisfying(Logins.Refused.class, r -> assertThat(r.status).isEqualTo(429));
        assertThatThrownBy(() -> a.reader(request("Authorization", basic("ann", "pw"))))
                .isInstanceOfSatisfying(Logins.Refused.class, r -> assertThat(r.status).isEqualTo(429));
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(a.login(request(), "ann", "pw").login().user()).isEqualTo("ann");
    }

    @Test
    void parallelGuessesCannotGetPastTheLimit() throws Exception {
        Access a = access(Map.of("maxLoginFailures", 3));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                results.add(pool.submit(() -> {
                    try {
                        a.login(request(), "slow", "guess");
                        return 200;
                    } catch (Logins.Refused r) {
                        return r.status;
                    }
                }));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ATTEMPTS.get() == 3);
            // would a fourth get through while three wait in the realm? (the other seven are refused at once)
            org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> ATTEMPTS.get() == 3);
            RELEASE.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Integer> f : results) {
                statuses.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(statuses).containsOnly(401, 429);
            assertThat(statuses.stream().filter(x -> x == 401).count()).isEqualTo(3);
        } finally {
            RELEASE.countDown();
            pool.shutdownNow();
        }
    }
}
