package io.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TailFilterTest {
    private static final Event E = Event.builder().timegenerated(Instant.parse("2026-12-04T10:00:00Z")).host("web-1")
            .appName("nginx").severity("warning").facility("local0").message("GET /index.html took 1200 ms")
            .tag("slow").field("status", "200").build();

    private static TailFilter f(String... kv) {
        Map<String, String[]> p = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], new String[] {kv[i + 1]});
        }
        return new TailFilter(p);
    }

    @Test
    void eachConditionOfASearchIsCheckedOnTheEvent() {
        assertThat(f().matches(E)).isTrue();
        assertThat(f().stream).isEqualTo("events");
        assertThat(f("host", "web-1", "app", "nginx").matches(E)).isTrue();
        assertThat(f("host", "db-1").matches(E)).isFalse();
        assertThat(f("severity", "warning").matches(E)).isTrue();
        assertThat(f("severity", "err").matches(E)).isFalse();
        assertThat(f("facility", "local0").matches(E)).isTrue();
        assertThat(f("facility", "local1").matches(E)).isFalse();
        assertThat(f("tag", "slow").matches(E)).isTrue();
        assertThat(f("tag", "fast").matches(E)).isFalse();
        assertThat(f("field.status", "200").matches(E)).isTrue();
        assertThat(f("field.status", "404").matches(E)).isFalse();
        assertThat(f("q", "get TOOK").matches(E)).isTrue();
        assertThat(f("q", "get post").matches(E)).isFalse();
        assertThat(f("stream", "ingest").stream).isEqualTo("ingest");
    }

    @Test
    void searchOnlyParametersAndBadValuesAreRefused() {
        assertThatThrownBy(() -> f("from", "2026-12-04T10:00:00Z")).hasMessageContaining("'from' has no meaning");
        assertThatThrownBy(() -> f("stream", "../x")).hasMessageContaining("'stream'");
        assertThatThrownBy(() -> f("severity", "loud")).hasMessageContaining("'severity'");
        assertThatThrownBy(() -> f("sort", "x")).hasMessageContaining("unknown parameter 'sort'");
    }

    @Test
    void anEventIsSentWithTheColumnsOfASearchResult() {
        String json = Json.object(TailFilter.json(E));
        assertThat(json).contains("\"host\":\"web-1\"").contains("\"severity\":\"warning\"")
                .contains("\"fields\":{\"status\":\"200\"}").contains("\"tags\":[\"slow\"]").contains("\"id\":\"");
    }
}
