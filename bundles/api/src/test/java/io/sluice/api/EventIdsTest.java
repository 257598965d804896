package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventIdsTest {
    private static final OffsetDateTime REPORTED = OffsetDateTime.parse("2003-10-11T22:14:15.003Z");

    private static Event.Builder base() {
        return Event.builder().timereported(REPORTED).timegenerated(Instant.parse("2026-01-01T00:00:00Z"))
                .facility("local4").severity("notice").host("mymachine").appName("su").procId("77")
                .msgId("ID47").structuredData("a@1", "p", "v").message("'su root' failed");
    }

    @Test
    void sameEventReceivedTwiceHasTheSameId() {
        Event first = base().build();
        Event resent = base().timegenerated(Instant.parse("2026-01-01T00:05:00Z")).tag("late").field("x", 1).build();
        assertThat(first.id()).hasSize(EventIds.LENGTH).matches("[0-9a-f]{32}").isEqualTo(resent.id());
    }

    static Stream<Arguments> identifyingChanges() {
        return Stream.of(
                Arguments.of("timereported", (UnaryOperator<Event.Builder>) b -> b.timereported(REPORTED.plusNanos(1000))),
                Arguments.of("offset", (UnaryOperator<Event.Builder>) b -> b.timereported(
                        REPORTED.withOffsetSameInstant(java.time.ZoneOffset.ofHours(2)))),
                Arguments.of("facility", (UnaryOperator<Event.Builder>) b -> b.facility("local5")),
                Arguments.of("severity", (UnaryOperator<Event.Builder>) b -> b.severity("info")),
                Arguments.of("host", (UnaryOperator<Event.Builder>) b -> b.host("other")),
                Arguments.of("host null", (UnaryOperator<Event.Builder>) b -> b.host(null)),
                Arguments.of("app", (UnaryOperator<Event.Builder>) b -> b.appName("sudo")),
                Arguments.of("procid", (UnaryOperator<Event.Builder>) b -> b.procId("78")),
                Arguments.of("msgid", (UnaryOperator<Event.Builder>) b -> b.msgId("ID48")),
                Arguments.of("sd value", (UnaryOperator<Event.Builder>) b -> b.structuredData("a@1", "p", "w")),
                Arguments.of("message", (UnaryOperator<Event.Builder>) b -> b.message("'su root' failed!")),
                // Length prefixes: moving a character from one field to the next changes the id.
                Arguments.of("boundary", (UnaryOperator<Event.Builder>) b -> b.host("mymachin").appName("esu")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("identifyingChanges")
    void changingAnIdentifyingFieldChangesTheId(String what, UnaryOperator<Event.Builder> change) {
        assertThat(change.apply(base()).build().id()).isNotEqualTo(base().build().id());
    }

    @Test
    void withoutReportedTimeTheReceiveTimeKeepsDistinctMessagesApart() {
        Event a = base().timereported(null).timegenerated(Instant.parse("2026-01-01T00:00:00Z")).build();
        Event b = base().timereported(null).timegenerated(Instant.parse("2026-01-01T00:00:01Z")).build();
        assertThat(a.id()).isNotEqualTo(b.id());
    }

    @Test
    void explicitIdWinsUntilAnIdentifyingFieldChanges() {
        Event e = base().id("carried-over").build();
        assertThat(e.id()).isEqualTo("carried-over");
        assertThat(e.toBuilder().message("changed").build().id()).isEqualTo(EventIds.compute(
                base().message("changed").build()));
    }
}
