package io.sluice.syslog.tls;

import io.netty.handler.ssl.ClientAuth;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A listener's TLS settings, checked when the configuration is read.
 *
 * @param certificate  the server's certificate chain, PEM (leaf first)
 * @param key          its private key, PEM PKCS#8 ({@code BEGIN PRIVATE KEY}, or encrypted with
 *                     {@code keyPassword})
 * @param keyPassword  the key's password; empty for none
 * @param clientAuth   whether clients present a certificate: none, optional, required
 * @param caCertificates the CAs client certificates must chain to, PEM; empty: the JDK's
 * @param peers        which client certificates may connect beyond the CA's check
 * @param protocols    the TLS versions taken
 * @param ciphers      the cipher suites taken; empty: the JDK's defaults for those versions
 */
public record TlsSettings(Path certificate, Path key, String keyPassword, ClientAuth clientAuth, Path caCertificates,
        PeerPolicy peers, List<String> protocols, List<String> ciphers) {

    private static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    public TlsSettings {
        Objects.requireNonNull(certificate, "tlsCertificate");
        Objects.requireNonNull(key, "tlsKey");
        if (!peers.permitsAll() && clientAuth != ClientAuth.REQUIRE) {
            throw new IllegalArgumentException("tlsPermittedPeers needs tlsClientAuth = required");
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("tlsProtocols is empty");
        }
        for (String p : protocols) {
            if (!KNOWN_PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("tlsProtocols: '" + p + "' is not one of " + KNOWN_PROTOCOLS
                        + " (older versions are broken and refused)");
            }
        }
    }

    /** Builds the settings from a listener's configuration strings; {@code etc} resolves relative paths. */
    public static TlsSettings of(Path etc, String certificate, String key, String keyPassword, String clientAuth,
            String caCertificates, String permittedPeers, String protocols, String ciphers) {
        ClientAuth auth = switch (clientAuth.strip().toLowerCase(Locale.ROOT)) {
            case "none", "" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "required", "require" -> ClientAuth.REQUIRE;
            default -> throw new IllegalArgumentException("tlsClientAuth (" + clientAuth
                    + ") must be none, optional or required");
        };
        if (certificate.isBlank() || key.isBlank()) {
            throw new IllegalArgumentException("tls = true needs tlsCertificate and tlsKey");
        }
        return new TlsSettings(etc.resolve(certificate.strip()), etc.resolve(key.strip()), keyPassword,
                auth, caCertificates.isBlank() ? null : etc.resolve(caCertificates.strip()),
                PeerPolicy.parse(permittedPeers), list(protocols), list(ciphers));
    }

    private static List<String> list(String s) {
        return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
}
