package io.sluice.filter.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterResult;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The useragent filter against the test cases of ua-parser's uap-core, as Debian's package uap-core
 * installs them (the README's test command installs it) with the regexes.yaml of the same version:
 * every browser and operating system case gives the fields the project expects.
 */
class UapCoreConformanceTest {
    private static final Path UAP = Path.of("/usr/share/uap-core");

    private final EventFilter filter = new UserAgentFilter().create(new FilterArguments("useragent", List.of(),
            Map.of("regexes", UAP.resolve("regexes.yaml").toString(), "cache", "0")));

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cases(String file) throws Exception {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(16 * 1024 * 1024);
        try (InputStream in = Files.newInputStream(UAP.resolve("tests").resolve(file))) {
            Map<String, Object> doc = new Yaml(new SafeConstructor(options)).load(in);
            return (List<Map<String, Object>>) doc.get("test_cases");
        }
    }

    private Map<String, Object> fields(String agent) {
        FilterResult r = filter.filter(Event.builder().timegenerated(Instant.EPOCH).message("-").field("agent", agent)
                .build());
        return r.matched() ? r.event().fields() : Map.of();
    }

    private static void expect(List<String> wrong, String agent, Map<String, Object> got, String field, Object want) {
        Object has = got.get(field);
        String w = want == null || String.valueOf(want).isEmpty() ? null : String.valueOf(want);
        if (!java.util.Objects.equals(w, has)) {
            wrong.add(agent + ": " + field + " " + has + " != " + w);
        }
    }

    @Test
    void everyBrowserCaseOfUapCoreGivesTheExpectedFields() throws Exception {
        List<Map<String, Object>> cases = cases("test_ua.yaml");
        assertThat(cases).hasSizeGreaterThan(1000);
        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            String agent = String.valueOf(c.get("user_agent_string"));
            Map<String, Object> got = fields(agent);
            if ("Other".equals(c.get("family"))) {
                expect(wrong, agent, got, "ua_name", null);
                continue;
            }
            expect(wrong, agent, got, "ua_name", c.get("family"));
            expect(wrong, agent, got, "ua_major", c.get("major"));
            expect(wrong, agent, got, "ua_minor", c.get("minor"));
            expect(wrong, agent, got, "ua_patch", c.get("patch"));
        }
        assertThat(wrong).as(cases.size() + " cases").isEmpty();
    }

    @Test
    void everyOperatingSystemCaseOfUapCoreGivesTheExpectedFields() throws Exception {
        List<Map<String, Object>> cases = cases("test_os.yaml");
        assertThat(cases).hasSizeGreaterThan(300);
        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            String agent = String.valueOf(c.get("user_agent_string"));
            Map<String, Object> got = fields(agent);
            if (got.isEmpty()) {
                continue; // the browser was not recognised: the filter sets nothing (no match), as documented
            }
            boolean other = "Other".equals(c.get("family"));
            expect(wrong, agent, got, "ua_os", other ? null : c.get("family"));
            expect(wrong, agent, got, "ua_os_major", other ? null : c.get("major"));
            expect(wrong, agent, got, "ua_os_minor", other ? null : c.get("minor"));
        }
        assertThat(wrong).as(cases.size() + " cases").isEmpty();
    }
}
