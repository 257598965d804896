package io.sluice.filter.chains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.api.Event;
import io.sluice.api.filter.FilterChains.ChainUnavailableException;
import io.sluice.filter.builtin.Kv;
import io.sluice.filter.builtin.Rename;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainRegistryTest {
    @TempDir
    Path dir;

    private final ChainRegistry registry = new ChainRegistry();

    @AfterEach
    void stop() {
        registry.stop();
    }

    private static List<Event> events(String... messages) {
        return java.util.Arrays.stream(messages)
                .map(m -> Event.builder().timegenerated(Instant.EPOCH).message(m).build()).toList();
    }

    private List<String> tagsOf(String chain, String message) throws ChainUnavailableException {
        List<Event> out = registry.run(chain, events(message)).events();
        return out.isEmpty() ? null : List.copyOf(out.get(0).tags());
    }

    private int saves;

    /** Writes a chain file with a new modification time each time, as an editor saving it would. */
    private void write(String name, String source) throws Exception {
        Path f = dir.resolve(name + ".filter");
        Files.writeString(f, source);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(++saves)));
    }

    @Test
    void aChangedFileIsReloadedLiveAndAVersionWithAnErrorKeepsThePreviousOneRunning() throws Exception {
        registry.addFilter(new Kv());
        write("main", "tags += \"v1\"");
        registry.start(dir, 1);
        assertThat(tagsOf("main", "x")).containsExactly("v1");
        assertThat(registry.run("other", events("x")).events()).as("no such chain: events pass unchanged")
                .extracting(Event::tags).containsExactly(java.util.Set.of());

        write("main", "tags += \"v2\"\nif message == \"bye\" { drop }");
        await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(first(tagsOf("main", "x"))));
        assertThat(tagsOf("main", "bye")).as("dropped").isNull();

        write("main", "tags += \"v3\"\nif message = \"bye\" { drop }");
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.entries().get("main").lastError() != null);
        assertThat(registry.entries().get("main").lastError()).contains("main.filter:2:12: expected '{', found '='");
        assertThat(tagsOf("main", "x")).as("the previous version keeps running").containsExactly("v2");
        io.sluice.api.filter.FilterChains.ChainStatus st = registry.chains().get(0);
        assertThat(st.name()).isEqualTo("main");
        assertThat(st.problem()).isNull();
        assertThat(st.lastError()).contains("main.filter:2:12");
        assertThat(registry.filters()).containsExactly("kv");

        Files.delete(dir.resolve("main.filter"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !registry.entries().containsKey("main"));
        assertThat(tagsOf("main", "x")).isEmpty();
    }

    @Test
    void reloadReadsAFileNowEvenWhenItLooksUnchangedAndReportsARefusedVersion() throws Exception {
        write("main", "tags += \"v1\"");
        registry.start(dir, 3600); // the poller would not see anything during this test
        Path f = dir.resolve("main.filter");
        FileTime same = Files.getLastModifiedTime(f);
        Files.writeString(f, "tags += \"v2\""); // same size, same time: a poll cannot tell it changed
        Files.setLastModifiedTime(f, same);
        registry.scan();
        assertThat(tagsOf("main", "x")).as("unchanged by a scan").containsExactly("v1");

        io.sluice.api.filter.FilterChains.ChainStatus st = registry.reload("main");
        assertThat(st.lastError()).isNull();
        assertThat(tagsOf("main", "x")).containsExactly("v2");

        Files.writeString(f, "tags += ");
        st = registry.reload("main");
        assertThat(st.lastError()).contains("main.filter:1");
        assertThat(tagsOf("main", "x")).as("the previous version keeps running").containsExactly("v2");

        write("new", "tags += \"n\"");
        assertThat(registry.reload("new").problem()).isNull();
        assertThat(tagsOf("new", "x")).containsExactly("n");
        assertThatThrownBy(() -> registry.reload("missing")).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> registry.reload("../main")).isInstanceOf(java.util.NoSuchElementException.class);
        Files.delete(f);
        assertThat(registry.reload("main").problem()).contains("gone");
        assertThat(registry.entries()).doesNotContainKey("main");
    }

    @Test
    void aChainWaitsWhileAFilterItCallsIsGoneAndRunsAgainWhenItComesBack() throws Exception {
        Rename rename = new Rename();
        registry.addFilter(rename);
        write("main", "rename(\"a\", \"b\")\ntags += \"done\"");
        registry.start(dir, 1);
        List<Event> in = List.of(Event.builder().timegenerated(Instant.EPOCH).message("m").field("a", "1").build());
        assertThat(registry.run("main", in).events().get(0).fields()).containsEntry("b", "1");

        registry.removeFilter(rename);
        assertThatThrownBy(() -> registry.run("main", in)).isInstanceOf(ChainUnavailableException.class)
                .hasMessageContaining("waits for filter 'rename'");

        registry.addFilter(new Rename());
        assertThat(registry.run("main", in).events().get(0).fields()).containsEntry("b", "1");
    }

    @Test
    void aChainThatNeverLoadedHoldsItsEventsInsteadOfPassingThemUnfiltered() throws Exception {
        write("main", "grok(\"%{SYSLOGLINE}\")");
        registry.start(dir, 1);
        assertThatThrownBy(() -> registry.run("main", events("x"))).isInstanceOf(ChainUnavailableException.class)
                .hasMessageContaining("main.filter:1:1: unknown filter 'grok'");
        write("main", "tags += \"fixed\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.entries().get("main").unavailable() == null);
        assertThat(tagsOf("main", "x")).containsExactly("fixed");
    }

    @Test
    void aChainMissingAFilterLoadsWhenThatFilterArrivesAndOnlyThen() throws Exception {
        write("main", "grok(\"%{INT:n}\")");
        registry.start(dir, 1);
        registry.addFilter(new Rename());
        assertThat(registry.entries().get("main").unavailable()).contains("unknown filter 'grok'");
        registry.addFilter(new io.sluice.filter.builtin.Grok());
        assertThat(registry.run("main", events("42")).events().get(0).fields()).containsEntry("n", "42");
    }

    private static String first(List<String> l) {
        return l == null || l.isEmpty() ? null : l.get(0);
    }
}
