package io.sluice.web;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

/**
 * Logins against a JAAS realm (Karaf's {@code karaf} realm by default: etc/users.properties), from
 * an HTTP Basic {@code Authorization} header. The roles are the names of the subject's role
 * principals. The distribution's default credentials (karaf/karaf) are refused until they are
 * changed, even though the realm accepts them.
 */
final class Logins {
    /** Karaf's role principal class (org.apache.karaf.jaas.boot.principal.RolePrincipal), by name. */
    private static final String ROLE_PRINCIPAL = "RolePrincipal";
    static final String DEFAULT_USER = "karaf";
    static final String DEFAULT_PASSWORD = "karaf";

    /** Who is logged in. */
    record Login(String user, Set<String> roles) {
        boolean has(String role) {
            return roles.contains(role);
        }
    }

    /** Why a request is not let in: 401 (no or bad credentials) or 403 (refused). */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final String realm;
    private final boolean refuseDefault;
    private final String viewerRole;
    private final String adminRole;

    Logins(String realm, boolean refuseDefault, String viewerRole, String adminRole) {
        this.realm = realm;
        this.refuseDefault = refuseDefault;
        this.viewerRole = viewerRole;
        this.adminRole = adminRole;
    }

    /** Logs in and checks that the user may read: the viewer or the admin role (403 otherwise). */
    Login reader(String authorization) throws Refused {
        Login login = login(authorization);
        if (!login.has(viewerRole) && !login.has(adminRole)) {
            throw new Refused(403, "user '" + login.user() + "' has neither the " + viewerRole + " nor the "
                    + adminRole + " role");
        }
        return login;
    }

    /** Logs in with the credentials of a Basic header. */
    Login login(String authorization) throws Refused {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new Refused(401, "log in (HTTP Basic) with a user of the Karaf realm '" + realm + "'");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused(401, "the Authorization header is not valid Base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || decoded.length() > 1024) {
            throw new Refused(401, "the Authorization header is not user:password");
        }
        String user = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        Subject subject = new Subject();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try {
            // Karaf's JAAS configuration loads its login modules through the thread's class loader
            Thread.currentThread().setContextClassLoader(Logins.class.getClassLoader());
            LoginContext lc = new LoginContext(realm, subject, callbacks -> {
                for (var cb : callbacks) {
                    if (cb instanceof NameCallback n) {
                        n.setName(user);
                    } else if (cb instanceof PasswordCallback p) {
                        p.setPassword(password);
                    } else {
                        throw new UnsupportedCallbackException(cb);
                    }
                }
            });
            lc.login();
        } catch (LoginException e) {
            throw new Refused(401, "login failed for user '" + user + "'");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        if (refuseDefault && user.equals(DEFAULT_USER) && new String(password).equals(DEFAULT_PASSWORD)) {
            throw new Refused(403, "the default credentials karaf/karaf are refused: change the password in "
                    + "etc/users.properties");
        }
        Set<String> roles = new TreeSet<>();
        for (Principal p : subject.getPrincipals()) {
            if (p.getClass().getSimpleName().equals(ROLE_PRINCIPAL)) {
                roles.add(p.getName());
            }
        }
        return new Login(user, roles);
    }
}
