package io.sluice.syslog.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PeerPolicyTest {

    @Test
    void wildcardMatchesExactlyOneLeftmostLabel() {
        assertThat(PeerPolicy.matches("*.example.com", "a.example.com")).isTrue();
        assertThat(PeerPolicy.matches("*.example.com", "A.Example.COM")).isTrue();
        assertThat(PeerPolicy.matches("*.example.com", "example.com")).isFalse();
        assertThat(PeerPolicy.matches("*.example.com", "a.b.example.com")).isFalse();
        assertThat(PeerPolicy.matches("*.example.com", "aexample.com")).isFalse();
        assertThat(PeerPolicy.matches("*.example.com", ".example.com")).isFalse();
    }

    @Test
    void aWildcardInTheCertificateIsNeverExpanded() {
        assertThat(PeerPolicy.matches("a.example.com", "*.example.com")).isFalse();
        assertThat(PeerPolicy.matches("*.example.com", "*.example.com")).isFalse();
    }

    @Test
    void exactNamesCompareWithoutCase() {
        assertThat(PeerPolicy.matches("host.example.com", "HOST.example.com")).isTrue();
        assertThat(PeerPolicy.matches("host.example.com", "host.example.com.evil.org")).isFalse();
    }

    @Test
    void unsafePatternsAreRefused() {
        assertThatThrownBy(() -> PeerPolicy.parse("a*.example.com")).hasMessageContaining("a*.example.com");
        assertThatThrownBy(() -> PeerPolicy.parse("*.com")).hasMessageContaining("top-level domain");
        assertThatThrownBy(() -> PeerPolicy.parse("*")).hasMessageContaining("'*'");
        assertThatThrownBy(() -> PeerPolicy.parse("*.*.example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerPolicy.parse("SHA256:1234")).hasMessageContaining("SHA-256");
    }

    @Test
    void fingerprintsTakeColonsOrNotAndAnyCase() {
        String hex = "ab".repeat(32);
        assertThat(PeerPolicy.parse("SHA256:" + hex).permitsAll()).isFalse();
        assertThat(PeerPolicy.parse("sha256:" + hex.toUpperCase().replaceAll("(..)(?!$)", "$1:")).permitsAll()).isFalse();
        assertThat(PeerPolicy.parse(" , ").permitsAll()).isTrue();
    }
}
