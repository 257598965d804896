package io.sluice.filter.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The useragent filter with the uap-core regexes built in, and with a regexes file of the user's. */
class UserAgentFilterTest {
    @TempDir
    Path dir;

    private static EventFilter filter(Map<String, String> named) {
        return new UserAgentFilter().create(new FilterArguments("useragent", List.of(), named));
    }

    private static Event event(String agent) {
        return Event.builder().timegenerated(Instant.EPOCH).message("GET /").field("agent", agent).build();
    }

    @Test
    void browsersOperatingSystemsAndDevicesOfRealAgentsAreRecognised() {
        EventFilter f = filter(Map.of());
        FilterResult firefox = f.filter(event(
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"));
        assertThat(firefox.matched()).isTrue();
        assertThat(firefox.event().fields()).containsEntry("ua_name", "Firefox").containsEntry("ua_major", "128")
                .containsEntry("ua_minor", "0").containsEntry("ua_os", "Linux");

        FilterResult android = f.filter(event("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36"));
        assertThat(android.event().fields()).containsEntry("ua_name", "Chrome Mobile").containsEntry("ua_major", "126")
                .containsEntry("ua_os", "Android").containsEntry("ua_os_major", "14").containsEntry("ua_device", "Pixel 8");

        FilterResult curl = f.filter(event("curl/7.88.1"));
        assertThat(curl.event().fields()).containsEntry("ua_name", "curl").containsEntry("ua_major", "7");
    }

    @Test
    void anUnknownAgentIsNoMatchAndMayBeTagged() {
        assertThat(filter(Map.of()).filter(event("x")).matched()).isFalse();
        FilterResult tagged = filter(Map.of("tag_on_failure", "_ua_unknown")).filter(event("x"));
        assertThat(tagged.event().tags()).containsExactly("_ua_unknown");
        assertThat(filter(Map.of("source", "none")).filter(event("curl/7.88.1")).matched()).isFalse();
    }

    @Test
    void aRegexesFileOfTheUsersReplacesTheBuiltInOneAndABadOneIsRefusedAtLoad() throws Exception {
        Path own = Files.writeString(dir.resolve("regexes.yaml"), """
                user_agent_parsers:
                  - regex: '(SluiceProbe)/(\\d+)\\.(\\d+)'
                os_parsers:
                  - regex: '(Plan 9)'
                device_parsers:
                  - regex: '(Terminal)'
                """);
        EventFilter f = filter(Map.of("regexes", own.toString(), "prefix", "client_"));
        assertThat(f.filter(event("SluiceProbe/2.5 (Plan 9; Terminal)")).event().fields())
                .containsEntry("client_name", "SluiceProbe").containsEntry("client_major", "2")
                .containsEntry("client_os", "Plan 9").containsEntry("client_device", "Terminal");
        assertThat(f.filter(event("curl/7.88.1")).matched()).as("only the user's regexes").isFalse();

        assertThatThrownBy(() -> filter(Map.of("regexes", dir.resolve("none.yaml").toString())))
                .hasMessageContaining("cannot read regexes");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "user_agent_parsers: [ {regex: '('} ]\n");
        assertThatThrownBy(() -> filter(Map.of("regexes", bad.toString()))).hasMessageContaining("is not a uap-core");
    }
}
