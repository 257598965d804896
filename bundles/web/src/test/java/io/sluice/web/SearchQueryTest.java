package io.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchQueryTest {
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    private static SearchQuery q(Map<String, String[]> p) {
        return new SearchQuery(p, NOW, 1000);
    }

    @Test
    void defaultsToTheLastHourAndAHundredEvents() {
        SearchQuery q = q(Map.of());
        assertThat(q.to).isEqualTo(NOW);
        assertThat(q.from).isEqualTo(NOW.minusSeconds(3600));
        assertThat(q.limit).isEqualTo(100);
        List<Object> binds = new ArrayList<>();
        assertThat(q.where(binds)).isEqualTo("time >= ? AND time < ?");
        assertThat(binds).hasSize(2);
    }

    @Test
    void everyValueIsABindParameterNeverSqlText() {
        SearchQuery q = q(Map.of("host", new String[] {"a", "b"}, "q", new String[] {"x' OR 1=1 --"},
                "field.user", new String[] {"'; DROP TABLE events; --"}, "severity", new String[] {"warning"},
                "tag", new String[] {"t1"}));
        List<Object> binds = new ArrayList<>();
        String where = q.where(binds);
        assertThat(where).doesNotContain("OR 1=1").doesNotContain("DROP");
        assertThat(where).contains("host = ANY (?)").contains("severity <= ?").contains("tags @> ?")
                .contains("fields @> ?::jsonb").contains("plainto_tsquery('simple', ?)");
        assertThat(binds).contains("x' OR 1=1 --", "{\"user\":\"'; DROP TABLE events; --\"}", (short) 4);
    }

    @Test
    void badParametersAreRefusedWithTheirName() {
        assertThatThrownBy(() -> q(Map.of("from", new String[] {"yesterday"}))).hasMessageContaining("'from' must be");
        assertThatThrownBy(() -> q(Map.of("from", new String[] {NOW.toString()}))).hasMessageContaining("must be before");
        assertThatThrownBy(() -> q(Map.of("severity", new String[] {"loud"}))).hasMessageContaining("'severity'");
        assertThatThrownBy(() -> q(Map.of("facility", new String[] {"99"}))).hasMessageContaining("'facility'");
        assertThatThrownBy(() -> q(Map.of("limit", new String[] {"0"}))).hasMessageContaining("'limit'");
        assertThatThrownBy(() -> q(Map.of("limit", new String[] {"ten"}))).hasMessageContaining("'limit'");
        assertThatThrownBy(() -> q(Map.of("host", new String[] {"a b"}))).hasMessageContaining("'host'");
        assertThatThrownBy(() -> q(Map.of("after", new String[] {"nonsense"}))).hasMessageContaining("'after'");
        assertThatThrownBy(() -> q(Map.of("limit", new String[] {"1", "2"}))).hasMessageContaining("more than once");
        assertThatThrownBy(() -> q(Map.of("sort", new String[] {"x"}))).hasMessageContaining("unknown parameter 'sort'");
        assertThatThrownBy(() -> q(Map.of("q", new String[] {"x".repeat(1001)}))).hasMessageContaining("'q'");
    }
}
