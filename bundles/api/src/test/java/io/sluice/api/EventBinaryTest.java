package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventBinaryTest {

    private static Event full() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("list", List.of(1, "two", 3.5, true, false));
        nested.put("null", null);
        return Event.builder()
                .timereported(OffsetDateTime.parse("2003-10-11T22:14:15.000003-07:00"))
                .timegenerated(Instant.parse("2026-11-23T10:00:00.123456789Z"))
                .facility("local4").severity("notice").host("mymachine.example.com").appName("evntslog")
                .procId("8710").msgId("ID47")
                .structuredData("exampleSDID@32473", "iut", "3")
                .structuredData("origin", "ip", "192.0.2.1").structuredData("origin", "ip", "192.0.2.129")
                .structuredDataElement("empty@1")
                .message("An application event log entry… with ünïcödé and \n control")
                .tag("a").tag("b")
                .field("n", -42).field("d", -0.0).field("big", new BigInteger("123456789012345678901234567890"))
                .field("dec", new BigDecimal("1.10")).field("nested", nested)
                .hmac(new Signature("k1", "c2lnbmF0dXJl"))
                .build();
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        Event e = full();
        Event back = EventBinary.decode(EventBinary.encode(e));
        assertThat(back).isEqualTo(e);
        assertThat(back.id()).isEqualTo(e.id());
        assertThat(back.timereported().getOffset()).isEqualTo(e.timereported().getOffset());
    }

    @Test
    void minimalEventRoundTripsWithNullsKept() {
        Event e = Event.builder().timegenerated(Instant.EPOCH).build();
        Event back = EventBinary.decode(EventBinary.encode(e));
        assertThat(back).isEqualTo(e);
        assertThat(back.host()).isNull();
        assertThat(back.timereported()).isNull();
    }

    @Test
    void explicitIdIsCarriedAndAComputedIdIsNotRecomputed() {
        Event explicit = full().toBuilder().id("carried").build();
        assertThat(EventBinary.decode(EventBinary.encode(explicit)).id()).isEqualTo("carried");
        Event computed = full();
        String id = computed.id();
        assertThat(EventBinary.decode(EventBinary.encode(computed)).id()).isEqualTo(id);
    }

    @Test
    void truncatedOrCorruptBytesAreRefusedWithAClearError() {
        byte[] b = EventBinary.encode(full());
        for (int cut = 0; cut < b.length; cut++) {
            byte[] part = Arrays.copyOf(b, cut);
            assertThatThrownBy(() -> EventBinary.decode(part)).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] badVersion = b.clone();
        badVersion[0] = 9;
        assertThatThrownBy(() -> EventBinary.decode(badVersion)).hasMessageContaining("version 9");
        byte[] trailing = Arrays.copyOf(b, b.length + 1);
        assertThatThrownBy(() -> EventBinary.decode(trailing)).hasMessageContaining("left after");
    }

    @Test
    void randomBytesNeverThrowAnythingButIllegalArgument() {
        Random random = new Random(7);
        byte[] valid = EventBinary.encode(full());
        for (int i = 0; i < 20_000; i++) {
            byte[] b = valid.clone();
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            try {
                EventBinary.decode(b);
            } catch (IllegalArgumentException expected) {
                // refused: fine
            }
        }
    }

    @Test
    void sliceOfALargerBufferDecodes() {
        byte[] b = EventBinary.encode(full());
        byte[] framed = new byte[b.length + 10];
        System.arraycopy(b, 0, framed, 5, b.length);
        assertThat(EventBinary.decode(framed, 5, b.length)).isEqualTo(full());
    }

    @Test
    void anEventPassedOnUnchangedKeepsTheEncodingItWasDecodedFrom() {
        Event original = Event.builder().timegenerated(java.time.Instant.parse("2026-12-03T10:00:00Z")).host("h")
                .appName("app").message("m").build();
        byte[] bytes = EventBinary.encode(original);
        Event decoded = EventBinary.decodeOwned(bytes);
        org.assertj.core.api.Assertions.assertThat(EventBinary.encodeShared(decoded)).isSameAs(bytes);
        Event changed = decoded.toBuilder().message("other").build();
        byte[] changedBytes = EventBinary.encodeShared(changed);
        org.assertj.core.api.Assertions.assertThat(changedBytes).isNotSameAs(bytes);
        org.assertj.core.api.Assertions.assertThat(EventBinary.decode(changedBytes).message()).isEqualTo("other");
        org.assertj.core.api.Assertions.assertThat(EventBinary.encode(decoded)).isNotSameAs(bytes).isEqualTo(bytes);
    }

    private static String at(EventBinary.View v, int off, int len) {
        return len < 0 ? null : new String(v.record(), off, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aViewReadsTheHeaderInPlaceAndRefusesWhatItCannotRead() {
        Event e = Event.builder().timegenerated(Instant.parse("2026-12-04T10:00:00.5Z"))
                .timereported(OffsetDateTime.parse("2026-12-04T11:00:00.25+01:00")).facility(4).severity(2)
                .host("wéb-1").appName("sshd").procId("77").msgId("ID1").message("accepted ✓")
                .structuredData("a@1", "k", "v").tag("t").field("n", 1L).id("fixed-id").build();
        byte[] b = EventBinary.encode(e);
        EventBinary.View v = new EventBinary.View();
        assertThat(v.read(b)).isTrue();
        assertThat(v.record()).isSameAs(b);
        assertThat(v.generatedSecond()).isEqualTo(e.timegenerated().getEpochSecond());
        assertThat(v.generatedNano()).isEqualTo(500_000_000);
        assertThat(v.hasReported()).isTrue();
        assertThat(v.reportedSecond()).isEqualTo(e.timereported().toEpochSecond());
        assertThat(v.reportedNano()).isEqualTo(250_000_000);
        assertThat(v.reportedOffset()).isEqualTo(3600);
        assertThat(v.facility()).isEqualTo(4);
        assertThat(v.severity()).isEqualTo(2);
        assertThat(at(v, v.hostOffset(), v.hostLength())).isEqualTo("wéb-1");
        assertThat(at(v, v.appNameOffset(), v.appNameLength())).isEqualTo("sshd");
        assertThat(at(v, v.procIdOffset(), v.procIdLength())).isEqualTo("77");
        assertThat(at(v, v.msgIdOffset(), v.msgIdLength())).isEqualTo("ID1");
        assertThat(at(v, v.messageOffset(), v.messageLength())).isEqualTo("accepted ✓");

        Event bare = Event.builder().timegenerated(Instant.EPOCH).message("").build();
        assertThat(v.read(EventBinary.encode(bare))).isTrue();
        assertThat(v.hasReported()).isFalse();
        assertThat(v.hostLength()).isEqualTo(-1);
        assertThat(v.appNameLength()).isEqualTo(-1);
        assertThat(v.procIdLength()).isEqualTo(-1);
        assertThat(v.msgIdLength()).isEqualTo(-1);
        assertThat(v.messageLength()).isZero();

        byte[] otherVersion = b.clone();
        otherVersion[0] = 9;
        assertThat(v.read(otherVersion)).isFalse();
        assertThat(v.read(Arrays.copyOf(b, 12))).as("truncated").isFalse();
        assertThat(v.read(new byte[0])).isFalse();
    }
}
