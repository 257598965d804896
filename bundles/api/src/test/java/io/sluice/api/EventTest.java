package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void defaultsFollowRfc3164ForMissingPriorityAndKeepMessageNonNull() {
        Event e = Event.builder().timegenerated(RECEIVED).build();
        assertThat(e.facility()).isEqualTo(Facility.USER);
        assertThat(e.severity()).isEqualTo(Severity.NOTICE);
        assertThat(e.priority()).isEqualTo(13);
        assertThat(e.message()).isEmpty();
        assertThat(e.timereported()).isNull();
        assertThat(e.time()).isEqualTo(RECEIVED.atOffset(ZoneOffset.UTC));
        assertThat(e.host()).isNull();
    }

    @Test
    void structuredDataKeepsOrderOfIdsParamsAndRepeatedValues() {
        Event e = Event.builder()
                .structuredData("origin", "ip", "192.0.2.1")
                .structuredData("meta", "sequenceId", "1")
                .structuredData("origin", "ip", "192.0.2.129")
                .structuredData("origin", "software", "syslog-ng")
                .structuredDataElement("empty@32473")
                .build();
        assertThat(e.structuredData().keySet()).containsExactly("origin", "meta", "empty@32473");
        assertThat(e.structuredData().get("origin").keySet()).containsExactly("ip", "software");
        assertThat(e.structuredData().get("origin").get("ip")).containsExactly("192.0.2.1", "192.0.2.129");
        assertThat(e.structuredData().get("empty@32473")).isEmpty();
    }

    @Test
    void eventIsDeeplyImmutable() {
        Event e = Event.builder().structuredData("a", "b", "c").tag("t").field("f", List.of(1)).build();
        assertThatThrownBy(() -> e.structuredData().get("a").get("b").add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> e.structuredData().get("a").put("x", List.of()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> e.tags().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> e.fields().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        List<Object> nested = (List<Object>) e.field("f");
        assertThatThrownBy(() -> nested.add(2)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void changingTheBuilderAfterBuildNeverChangesBuiltEvents() {
        Event.Builder b = Event.builder().timegenerated(RECEIVED).structuredData("a", "p", "1").tag("one")
                .field("k", "v");
        Event first = b.build();
        b.structuredData("a", "p", "2").tag("two").field("k", "changed");
        Event second = b.build();
        assertThat(first.structuredData().get("a").get("p")).containsExactly("1");
        assertThat(first.tags()).containsExactly("one");
        assertThat(first.field("k")).isEqualTo("v");
        assertThat(second.structuredData().get("a").get("p")).containsExactly("1", "2");
        assertThat(second.tags()).containsExactly("one", "two");
    }

    @Test
    void givenCollectionsAreCopiedNotShared() {
        List<Object> list = new ArrayList<>(List.of("a"));
        Event e = Event.builder().field("l", list).build();
        list.add("b");
        assertThat(e.field("l")).isEqualTo(List.of("a"));
    }

    @Test
    void toBuilderRoundTripsToAnEqualEvent() {
        Event e = Event.builder()
                .timereported(OffsetDateTime.parse("2003-10-11T22:14:15.003-07:00"))
                .timegenerated(RECEIVED).facility("local4").severity("notice")
                .host("mymachine.example.com").appName("evntslog").msgId("ID47")
                .structuredData("exampleSDID@32473", "iut", "3")
                .message("An application event log entry...")
                .tag("x").field("n", 5).hmac(new Signature("k1", "AAAA"))
                .build();
        Event copy = e.toBuilder().build();
        assertThat(copy).isEqualTo(e).hasSameHashCodeAs(e);
        assertThat(copy.id()).isEqualTo(e.id());
        assertThat(e.toBuilder().message("other").build()).isNotEqualTo(e);
    }

    @Test
    void fieldValuesAreNormalizedToJsonTypes() {
        Event e = Event.builder()
                .field("int", 5).field("short", (short) 2).field("float", 1.5f).field("big", new BigDecimal("1.10"))
                .field("sb", new StringBuilder("text")).field("null", null)
                .field("map", Map.of("inner", List.of(1, "two", true)))
                .build();
        assertThat(e.field("int")).isEqualTo(5L);
        assertThat(e.field("short")).isEqualTo(2L);
        assertThat(e.field("float")).isEqualTo(1.5d);
        assertThat(e.field("big")).isEqualTo(new BigDecimal("1.10"));
        assertThat(e.field("sb")).isEqualTo("text");
        assertThat(e.fields()).containsKey("null");
        assertThat(e.field("map")).isEqualTo(Map.of("inner", List.of(1L, "two", true)));
    }

    @Test
    void nonJsonFieldValuesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> Event.builder().field("when", RECEIVED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'when'").hasMessageContaining("java.time.Instant");
        assertThatThrownBy(() -> Event.builder().field("m", Map.of(1, "x")))
                .hasMessageContaining("not a string");
    }

    @Test
    void deeplyNestedFieldsAreRefused() {
        Object v = "leaf";
        for (int i = 0; i < 40; i++) {
            v = List.of(v);
        }
        Object deep = v;
        assertThatThrownBy(() -> Event.builder().field("deep", deep)).hasMessageContaining("nests deeper");
    }

    @Test
    void priorityOutOfRangeIsRefused() {
        assertThatThrownBy(() -> Event.builder().priority(192)).hasMessageContaining("0..191");
        assertThatThrownBy(() -> Event.builder().priority(-1)).hasMessageContaining("0..191");
    }

    @Test
    void tagsCanBeRemovedAndFieldsDropped() {
        Event e = Event.builder().tag("a").tag("b").field("x", 1).build();
        Event changed = e.toBuilder().removeTag("a").removeField("x").build();
        assertThat(changed.tags()).containsExactly("b");
        assertThat(changed.fields()).isEmpty();
    }
}
