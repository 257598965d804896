package io.sluice.filter.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import io.sluice.api.Severity;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import io.sluice.filter.builtin.Grok;
import io.sluice.filter.builtin.Kv;
import io.sluice.filter.builtin.Lowercase;
import io.sluice.filter.builtin.Remove;
import io.sluice.filter.builtin.Rename;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainTest {
    private final Map<String, FilterFactory> filters = new HashMap<>();

    ChainTest() {
        for (FilterFactory f : List.of(new Kv(), new Rename(), new Remove(), new Lowercase(), new Grok(),
                new io.sluice.filter.builtin.Router())) {
            filters.put(f.name(), f);
        }
        // a test filter that fails on every event, and one that drops when used as a condition
        filters.put("boom", factory("boom", e -> {
            throw new IllegalStateException("boom");
        }));
        filters.put("discard", factory("discard", e -> FilterResult.drop()));
    }

    private static FilterFactory factory(String name, io.sluice.api.filter.EventFilter f) {
        return new FilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public io.sluice.api.filter.EventFilter create(io.sluice.api.filter.FilterArguments a) {
                return f;
            }
        };
    }

    private Chain chain(String src) throws ChainSyntaxException {
        return Chain.load("test", "test.filter", src, filters::get);
    }

    private static Event event(String message) {
        return Event.builder().timegenerated(Instant.EPOCH).host("web-1").appName("sshd").procId("42")
                .severity("info").facility("auth").message(message).build();
    }

    @Test
    void conditionsBranchOnCoreFieldsRegexesTagsAndFilterMatches() throws Exception {
        Chain c = chain("""
                # comment line
                if app_name == "sshd" and message ~ "Failed password for (invalid user )?\\\\w+" {
                    tags += "auth_failure"
                    if kv() { tags += "had_pairs" } else { tags += "no_pairs" }
                } else if message ~* "ACCEPTED" {
                    tags += "accepted"
                } else {
                    stop
                }
                if "auth_failure" in tags and not ("x" in tags) { [verdict] := "bad " + host }
                if "auth_failure" notin tags { [verdict] := "ok" }
                """);
        Event failed = c.apply(event("Failed password for root from 192.0.2.1 port=22"));
        assertThat(failed.tags()).containsExactlyInAnyOrder("auth_failure", "had_pairs");
        assertThat(failed.field("port")).isEqualTo("22");
        assertThat(failed.field("verdict")).isEqualTo("bad web-1");

        Event accepted = c.apply(event("Accepted publickey for alice"));
        assertThat(accepted.tags()).containsExactly("accepted");
        assertThat(accepted.field("verdict")).isEqualTo("ok");

        Event other = c.apply(event("session opened"));
        assertThat(other.tags()).as("stop ends the chain: no verdict").isEmpty();
        assertThat(other.fields()).doesNotContainKey("verdict");
    }

    @Test
    void equalityIsTrueWhenAnyValueOfAMultiValuedFieldMatchesAndMissingFieldsMatchNothing() throws Exception {
        Chain c = chain("""
                if [ips] == "10.0.0.2" { tags += "any" }
                if [ips] != "10.0.0.9" { tags += "none_is_9" }
                if [missing] == "" { tags += "missing_equals_empty" }
                if [missing] != "x" { tags += "missing_differs" }
                if [missing] { tags += "missing_truthy" }
                if [ips] { tags += "ips_truthy" }
                """);
        Event e = c.apply(event("m").toBuilder().field("ips", List.of("10.0.0.1", "10.0.0.2")).build());
        assertThat(e.tags()).containsExactlyInAnyOrder("any", "none_is_9", "missing_differs", "ips_truthy");
    }

    @Test
    void assignmentsSetCustomAndCoreFieldsAndKeepTheTypeOfACopiedField() throws Exception {
        Chain c = chain("""
                [origin] := host + "/" + app_name + "/" + [missing] + procid
                [copy] := [count]
                message := "[" + severity + "] " + message
                severity := "warn"
                facility := "local3"
                app_name := [service]
                tags += [labels]
                tags -= "old";
                [gone] := [missing]
                """);
        Event in = event("hello").toBuilder().field("count", 7).field("service", "auth-svc")
                .field("labels", List.of("a", "b")).field("gone", "x").tag("old").build();
        Event e = c.apply(in);
        assertThat(e.field("origin")).isEqualTo("web-1/sshd/42");
        assertThat(e.field("copy")).isEqualTo(7L);
        assertThat(e.message()).isEqualTo("[info] hello");
        assertThat(e.severity()).isEqualTo(Severity.WARNING);
        assertThat(e.facility().keyword()).isEqualTo("local3");
        assertThat(e.appName()).isEqualTo("auth-svc");
        assertThat(e.tags()).containsExactlyInAnyOrder("a", "b");
        assertThat(e.fields()).as("assigning a missing field removes it").doesNotContainKey("gone");
    }

    @Test
    void routerSendsAnEventToOtherStreamsOnceEachAndTheLastCallDecidesWhetherItStays() throws Exception {
        Chain c = chain("""
                if app_name == "sshd" { router("security", "audit") }
                if message ~ "root" { router("audit", "admins", keep=true) }
                if message ~ "gone" { router("archive") }
                [seen] := "yes"
                """);
        List<String> where = new java.util.ArrayList<>();
        Chain.Sink sink = new Chain.Sink() {
            @Override
            public void output(Event e) {
                where.add("events:" + e.field("seen"));
            }

            @Override
            public void route(String stream, Event e) {
                where.add(stream + ":" + e.field("seen"));
            }

            @Override
            public void dropped() {
                where.add("dropped");
            }
        };
        c.apply(event("Failed password for alice"), sink);
        assertThat(where).as("routed away, with what the rest of the chain made of it")
                .containsExactly("security:yes", "audit:yes");
        where.clear();
        c.apply(event("Failed password for root"), sink);
        assertThat(where).as("audit once; kept by the last router call").containsExactly("security:yes", "audit:yes",
                "admins:yes", "events:yes");
        where.clear();
        c.apply(event("ordinary").toBuilder().appName("cron").build(), sink);
        assertThat(where).containsExactly("events:yes");
        assertThat(c.apply(event("Failed password for alice"))).as("apply(event): only what goes to the output")
                .isNull();

        assertThatThrownBy(() -> chain("router(\"ingest\")")).isInstanceOf(ChainSyntaxException.class)
                .hasMessageContaining("test.filter:1:1").hasMessageContaining("cannot route to ingest");
        assertThatThrownBy(() -> chain("router(\"events\", keep=true)")).isInstanceOf(ChainSyntaxException.class)
                .hasMessageContaining("events is where the chain's output goes already");
        assertThatThrownBy(() -> chain("router(\"Bad Name\")")).isInstanceOf(ChainSyntaxException.class)
                .hasMessageContaining("not a stream name");
        assertThatThrownBy(() -> chain("router()")).isInstanceOf(ChainSyntaxException.class)
                .hasMessageContaining("needs at least 1 argument");
        assertThatThrownBy(() -> chain("router(\"a\", keep=maybe)")).isInstanceOf(ChainSyntaxException.class)
                .hasMessageContaining("keep must be true or false");
    }

    @Test
    void dropEndsTheChainAndDropsTheEventAlsoFromAFilterInACondition() throws Exception {
        Chain c = chain("if severity == \"debug\" { drop } [seen] := \"yes\"");
        assertThat(c.apply(event("x").toBuilder().severity("debug").build())).isNull();
        assertThat(c.apply(event("x")).field("seen")).isEqualTo("yes");
        assertThat(chain("if discard() { [x] := \"1\" }").apply(event("x"))).isNull();
        assertThat(chain("discard() [x] := \"1\"").apply(event("x"))).isNull();
    }

    @Test
    void aFilterThatThrowsIsCountedAsFailedAndTheEventGoesOnUnchanged() throws Exception {
        Chain c = chain("boom()\nif boom() { tags += \"matched\" } else { tags += \"not\" }");
        Event e = c.apply(event("x"));
        assertThat(e.tags()).containsExactly("not");
        assertThat(c.stats()).hasSize(2);
        assertThat(c.stats().get(0).failed()).isEqualTo(1);
        assertThat(c.stats().get(1).line()).isEqualTo(2);
        assertThat(c.stats().get(1).calls()).isEqualTo(1);
    }

    @Test
    void builtInFiltersRenameRemoveLowercaseAndKv() throws Exception {
        Chain c = chain("""
                kv(prefix="kv_")
                rename("kv_User", "user")
                lowercase("user", "absent")
                remove("kv_port", "absent")
                """);
        Event e = c.apply(event("login User=Alice port=22 msg=\"hello \\\"world\\\"\" trailing"));
        assertThat(e.fields()).containsEntry("user", "alice").containsEntry("kv_msg", "hello \"world\"")
                .doesNotContainKeys("kv_User", "kv_port");
        assertThat(c.stats()).extracting(FilterStats::matched).containsExactly(1L, 1L, 1L, 1L);
        assertThat(chain("kv(source=\"payload\", separator=\";\", assign=\":\")").apply(event("m").toBuilder()
                .field("payload", "a:1;b:two").build()).fields()).containsEntry("a", "1").containsEntry("b", "two");
    }

    @Test
    void grokAsAConditionSetsTypedFieldsAndTriesItsPatternsInOrder() throws Exception {
        Chain c = chain("""
                if grok("Accepted %{WORD:method} for %{USERNAME:user} from %{IP:ip} port %{INT:port:int}",
                        "Failed %{WORD:method} for %{USERNAME:user}", prefix="ssh_") {
                    tags += "ssh"
                }
                """);
        Event ok = c.apply(event("Accepted publickey for nagios from 1.9.1.1 port 42096 ssh2"));
        assertThat(ok.fields()).containsEntry("ssh_method", "publickey").containsEntry("ssh_user", "nagios")
                .containsEntry("ssh_port", 42096L);
        assertThat(ok.tags()).containsExactly("ssh");
        assertThat(c.apply(event("Failed password for root")).fields()).containsEntry("ssh_user", "root");
        assertThat(c.apply(event("session opened")).tags()).as("as in Logstash").containsExactly("_grokparsefailure");
    }

    @Test
    void grokPatternsAreCheckedWhenTheChainLoads() {
        assertError("tags += \"x\"\nif grok(\"%{SYSLOGBASE} %{NOPE:x}\") { drop }", 2, 4,
                "grok(): unknown grok pattern %{NOPE}");
        assertError("grok(\"%{INT:n} (\")", 1, 1, "grok(): grok pattern \"%{INT:n} (\" does not compile");
        assertError("grok(\"%{INT}\", patterns=\"ecs-v9\")", 1, 1, "grok(): unknown pattern set 'ecs-v9'");
    }

    @Test
    void syntaxErrorsNameFileLineColumnAndWhatWasExpected() {
        assertError("if message == \"x\" {\n  tags += \"a\"\n", 3, 1, "expected '}' before the end of the file");
        assertError("[a] = \"x\"", 1, 5, "expected ':=' after [a], found '='");
        assertError("tags = \"x\"", 1, 6, "expected '+=' or '-=' after tags");
        assertError("if message ~ [x] { }", 1, 14, "expected a quoted regular expression");
        assertError("if mesage == \"x\" { }", 1, 4, "'mesage' is not a core field");
        assertError("\n\n  grok(\"a\" \"b\")", 3, 12, "expected ',' or ')' in the arguments of grok()");
        assertError("kv(prefix=\"a\", \"b\")", 1, 16, "positional argument after a named one");
        assertError("[a] := \"never closed\n", 1, 8, "string not closed on its line");
        assertError("tags += \"a\" @", 1, 13, "unexpected character '@'");
        assertError("drop drop }", 1, 11, "expected a statement");
        assertError("message(\"x\")", 1, 1, "'message' is a reserved word, not a filter");
    }

    @Test
    void unknownFiltersBadArgumentsAndBadRegexesAreRefusedWhenTheChainLoads() {
        assertError("if x_unknown(\"a\") { drop }", 1, 4, "unknown filter 'x_unknown' (no filter of that name is installed)");
        assertError("\nkv(colour=\"red\")", 2, 1, "kv(): kv() has no argument 'colour'");
        assertError("kv(max=\"lots\")", 1, 1, "kv(): kv(): max must be a whole number, not \"lots\"");
        assertError("rename(\"only-one\")", 1, 1, "rename(): rename() needs at least 2 argument(s), got 1");
        assertError("if message ~ \"(unclosed\" { }", 1, 14, "bad regular expression: Unclosed group");
        assertError("id := \"x\"", 1, 1, "cannot assign to id");
    }

    private void assertError(String src, int line, int column, String problem) {
        assertThatThrownBy(() -> chain(src)).isInstanceOfSatisfying(ChainSyntaxException.class, e -> {
            assertThat(e.file()).isEqualTo("test.filter");
            assertThat(e.problem()).startsWith(problem);
            assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
            assertThat(e.column()).as(e.getMessage()).isEqualTo(column);
        });
    }
}
