package io.sluice.codec.rfc5424;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fields a test expects of a parsed event; unset header fields are expected to be null. */
final class Expected {
    int priority;
    int version = 1;
    String timestamp;
    String host;
    String appName;
    String procId;
    String msgId;
    final Map<String, Map<String, List<String>>> sd = new LinkedHashMap<>();
    String message = "";

    static Expected pri(int priority) {
        Expected e = new Expected();
        e.priority = priority;
        return e;
    }

    Expected version(int v) {
        version = v;
        return this;
    }

    /** ISO-8601 with offset, e.g. {@code 2003-10-11T22:14:15.003Z}. */
    Expected ts(String v) {
        timestamp = v;
        return this;
    }

    Expected host(String v) {
        host = v;
        return this;
    }

    Expected app(String v) {
        appName = v;
        return this;
    }

    Expected procId(String v) {
        procId = v;
        return this;
    }

    Expected msgId(String v) {
        msgId = v;
        return this;
    }

    /** Appends a value to param {@code param} of {@code sdId}. */
    Expected sd(String sdId, String param, String value) {
        sd.computeIfAbsent(sdId, k -> new LinkedHashMap<>()).computeIfAbsent(param, k -> new ArrayList<>()).add(value);
        return this;
    }

    /** An SD element with no params. */
    Expected sdElement(String sdId) {
        sd.computeIfAbsent(sdId, k -> new LinkedHashMap<>());
        return this;
    }

    Expected msg(String v) {
        message = v;
        return this;
    }

    void assertMatches(Event e) {
        assertThat(e.priority()).as("priority").isEqualTo(priority);
        Object v = e.field(Rfc5424Parser.FIELD_VERSION);
        assertThat(v == null ? 1L : v).as("version").isEqualTo((long) version);
        if (timestamp == null) {
            assertThat(e.timereported()).as("timereported").isNull();
        } else {
            assertThat(e.timereported()).as("timereported").isEqualTo(OffsetDateTime.parse(timestamp));
        }
        assertThat(e.host()).as("host").isEqualTo(host);
        assertThat(e.appName()).as("appName").isEqualTo(appName);
        assertThat(e.procId()).as("procId").isEqualTo(procId);
        assertThat(e.msgId()).as("msgId").isEqualTo(msgId);
        assertThat(e.structuredData()).as("structured data").isEqualTo(sd);
        assertThat(List.copyOf(e.structuredData().keySet())).as("SD-ID order").isEqualTo(List.copyOf(sd.keySet()));
        assertThat(e.message()).as("message").isEqualTo(message);
    }

    @Override
    public String toString() {
        return "pri=" + priority + " v=" + version + " ts=" + timestamp + " host=" + host + " app=" + appName
                + " procid=" + procId + " msgid=" + msgId + " sd=" + sd + " msg=" + message;
    }
}
