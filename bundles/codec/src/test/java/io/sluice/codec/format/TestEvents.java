package io.sluice.codec.format;

import io.sluice.api.Event;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Events shared by the formatter tests. */
final class TestEvents {
    static final Instant RECEIVED = Instant.parse("2003-10-12T05:14:16.5Z");

    private TestEvents() {
    }

    /** RFC 5424 §6.5 example 1 as an event. */
    static Event.Builder rfcExample() {
        return Event.builder()
                .timegenerated(RECEIVED)
                .timereported(OffsetDateTime.parse("2003-10-11T22:14:15.003Z"))
                .facility("auth").severity("crit")
                .host("mymachine.example.com").appName("su").msgId("ID47")
                .message("'su root' failed for lonvick on /dev/pts/8");
    }
}
