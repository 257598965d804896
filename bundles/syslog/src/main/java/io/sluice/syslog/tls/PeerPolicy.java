package io.sluice.syslog.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Which client certificates may connect, beyond being signed by a trusted CA: entries of
 * {@code tlsPermittedPeers}, each either a SHA-256 fingerprint of the certificate
 * ({@code SHA256:AB:CD:…}, colons optional, any case) or a host name matched against the
 * certificate's DNS subject alternative names and, when it has none, its subject CN.
 *
 * <p>A wildcard is only a whole leftmost label: {@code *.example.com} matches {@code a.example.com}
 * but not {@code example.com}, {@code a.b.example.com} or {@code aexample.com}; patterns such as
 * {@code a*.example.com}, {@code *.com} or {@code *} are refused when the configuration is read. A
 * wildcard inside a <em>certificate's</em> name is never expanded: {@code *.example.com} in a
 * certificate matches only the same pattern written in the list. Names compare without case.
 */
public final class PeerPolicy {
    private final List<byte[]> fingerprints = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    private PeerPolicy() {
    }

    /** Parses a comma-separated list; an empty list permits every certificate the CA trusts. */
    public static PeerPolicy parse(String list) {
        PeerPolicy p = new PeerPolicy();
        if (list == null) {
            return p;
        }
        for (String raw : list.split(",")) {
            String e = raw.strip();
            if (e.isEmpty()) {
                continue;
            }
            if (e.regionMatches(true, 0, "SHA256:", 0, 7)) {
                String hex = e.substring(7).replace(":", "");
                if (!hex.matches("(?i)[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("tlsPermittedPeers: '" + e + "' is not a SHA-256 fingerprint "
                            + "(SHA256: and 32 hex bytes)");
                }
                p.fingerprints.add(HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)));
            } else {
                p.names.add(checkName(e.toLowerCase(Locale.ROOT)));
            }
        }
        return p;
    }

    private static String checkName(String n) {
        if (!n.matches("(\\*\\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
            throw new IllegalArgumentException("tlsPermittedPeers: '" + n + "' is neither a host name, a wildcard "
                    + "name of the form *.domain.tld, nor SHA256:<fingerprint>");
        }
        if (n.startsWith("*.") && n.indexOf('.', 2) < 0) {
            throw new IllegalArgumentException("tlsPermittedPeers: '" + n + "' would match a whole top-level domain");
        }
        return n;
    }

    public boolean permitsAll() {
        return fingerprints.isEmpty() && names.isEmpty();
    }

    /** Whether {@code cert} (the client's own certificate, already validated by the CA) may connect. */
    public boolean permits(X509Certificate cert) {
        if (permitsAll()) {
            return true;
        }
        byte[] fp = fingerprint(cert);
        for (byte[] f : fingerprints) {
            if (MessageDigest.isEqual(f, fp)) {
                return true;
            }
        }
        for (String certName : names(cert)) {
            for (String pattern : names) {
                if (matches(pattern, certName)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean matches(String pattern, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!pattern.startsWith("*.")) {
            return pattern.equals(n);
        }
        if (n.startsWith("*.")) {
            return false;
        }
        int dot = n.indexOf('.');
        return dot > 0 && n.substring(dot).equals(pattern.substring(1));
    }

    /** The DNS names of a certificate: its DNS subject alternative names, else its subject CNs. */
    static List<String> names(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                        out.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return out;
        }
        if (out.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        out.add(String.valueOf(rdn.getValue()));
                    }
                }
            } catch (InvalidNameException e) {
                return out;
            }
        }
        return out;
    }

    /** {@code SHA256:AB:CD:…}, as the list takes it. */
    public static String fingerprintText(X509Certificate cert) {
        return "SHA256:" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(fingerprint(cert));
    }

    static byte[] fingerprint(X509Certificate cert) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return permitsAll() ? "any certificate the CA trusts" : names + " " + fingerprints.size() + " fingerprint(s)";
    }
}
