package io.sluice.filter.grok;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrokLibraryTest {
    private static final Map<String, String> LINES = lines();

    private static Map<String, String> lines() {
        try (InputStream in = GrokLibraryTest.class.getResourceAsStream("/grok/lines.txt")) {
            Map<String, String> m = new HashMap<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.startsWith("#") && l.contains("\t")) {
                    m.put(l.substring(0, l.indexOf('\t')), l.substring(l.indexOf('\t') + 1));
                }
            }
            return m;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private final GrokLibrary legacy = GrokLibrary.builtIn("legacy");

    @Test
    void everyPatternOfBothStandardSetsCompilesInJavaRegex() {
        for (String set : GrokLibrary.SETS) {
            GrokLibrary lib = GrokLibrary.builtIn(set);
            assertThat(lib.size()).as(set).isGreaterThan(300);
            int n = 0;
            for (String name : names(set)) {
                lib.compile("%{" + name + "}");
                n++;
            }
            assertThat(n).as(set).isEqualTo(lib.size());
        }
    }

    private static java.util.List<String> names(String set) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (InputStream idx = GrokLibrary.class.getResourceAsStream("patterns/" + set + ".index")) {
            for (String f : new String(idx.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                try (InputStream in = GrokLibrary.class.getResourceAsStream("patterns/" + set + "/" + f.trim())) {
                    Map<String, String> defs = new HashMap<>();
                    GrokLibrary.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), f, defs);
                    out.addAll(defs.keySet());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.stream().distinct().toList();
    }

    @Test
    void sshdLineGivesUserAddressAndPort() {
        Map<String, Object> f = legacy.compile("Accepted %{WORD:method} for %{USERNAME:user} from %{IP:src_ip} "
                + "port %{INT:src_port:int} %{WORD:protocol}").match(LINES.get("sshd"), 0);
        assertThat(f).containsEntry("method", "publickey").containsEntry("user", "nagios")
                .containsEntry("src_ip", "1.9.1.1").containsEntry("src_port", 42096L).containsEntry("protocol", "ssh2");
    }

    @Test
    void sudoLineThroughSyslogBaseAndTheSudoKeys() {
        Map<String, Object> f = legacy.compile("<%{POSINT:pri:int}>%{SYSLOGBASE} %{USERNAME:sudo_user} : "
                + "TTY=%{DATA:tty} ; PWD=%{UNIXPATH:pwd} ; USER=%{USERNAME:run_as} ; COMMAND=%{GREEDYDATA:command}")
                .match(LINES.get("sudo"), 0);
        assertThat(f).containsEntry("pri", 85L).containsEntry("timestamp", "Jan 24 15:50:41")
                .containsEntry("logsource", "ip-172-31-30-110").containsEntry("program", "sudo")
                .containsEntry("pid", "6040").containsEntry("sudo_user", "ec2-user").containsEntry("tty", "pts/0")
                .containsEntry("pwd", "/var/log").containsEntry("run_as", "root")
                .containsEntry("command", "/bin/tail secure");
    }

    @Test
    void apacheCombinedLogInLegacyAndEcsNames() {
        Map<String, Object> f = legacy.compile("%{COMBINEDAPACHELOG}").match(LINES.get("apache"), 0);
        assertThat(f).containsEntry("clientip", "1.2.3.4").containsEntry("timestamp", "12/Jan/2011:06:29:59 +0100")
                .containsEntry("verb", "GET").containsEntry("request", "/foo/bar.html")
                .containsEntry("httpversion", "1.1").containsEntry("response", "301").containsEntry("bytes", "96")
                .containsEntry("referrer", "\"-\"").containsEntry("ident", "-").containsEntry("auth", "-");
        assertThat((String) f.get("agent")).startsWith("\"Mozilla/5.0 (Windows; U;");

        Map<String, Object> ecs = GrokLibrary.builtIn("ecs-v1").compile("%{COMBINEDAPACHELOG}")
                .match(LINES.get("apache"), 0);
        assertThat(ecs).containsEntry("source.address", "1.2.3.4").containsEntry("http.request.method", "GET")
                .containsEntry("url.original", "/foo/bar.html").containsEntry("http.response.status_code", 301L)
                .containsEntry("http.response.body.bytes", 96L).containsKey("user_agent.original");
    }

    @Test
    void ciscoAsaDenyThroughTheFirewallPatterns() {
        Map<String, Object> f = legacy.compile("%{CISCO_TAGGED_SYSLOG} %{CISCOFW106023}").match(LINES.get("asa"), 0);
        assertThat(f).containsEntry("syslog_pri", "14").containsEntry("timestamp", "May 21 2017 00:00:00")
                .containsEntry("ciscotag", "ASA-4-102030").containsEntry("action", "Deny")
                .containsEntry("protocol", "udp").containsEntry("src_interface", "vlan_12302")
                .containsEntry("src_ip", "192.168.0.11").containsEntry("src_port", "514")
                .containsEntry("dst_interface", "vlan_1233").containsEntry("policy_id", "local_in");
    }

    /**
     * Postfix has no patterns in logstash-patterns-core: a user writes them over the standard ones,
     * as here, and every line of a real postfix log (grok/postfix.log) is taken by one of them.
     */
    @Test
    void everyLineOfARealPostfixLogIsTakenByAUsersPostfixPatterns() throws Exception {
        GrokLibrary lib = legacy.with("""
                POSTFIX_QUEUEID [0-9A-F]{6,}
                POSTFIX_DELIVERY %{POSTFIX_QUEUEID:queue_id}: to=<%{DATA:to}>,(?: orig_to=<%{DATA:orig_to}>,)? relay=%{NOTSPACE:relay}, delay=%{NUMBER:delay:float}, delays=%{NOTSPACE:delays}, dsn=%{NOTSPACE:dsn}, status=%{WORD:status} \\(%{GREEDYDATA:status_text}\\)
                POSTFIX_QMGR %{POSTFIX_QUEUEID:queue_id}: (?:from=<%{DATA:from}>, size=%{INT:size:int}, nrcpt=%{INT:nrcpt:int} \\(queue active\\)|removed)
                POSTFIX_PICKUP %{POSTFIX_QUEUEID:queue_id}: uid=%{INT:uid:int} from=<%{DATA:from}>
                POSTFIX_CLEANUP %{POSTFIX_QUEUEID:queue_id}: message-id=<%{DATA:message_id}>
                POSTFIX_SMTPD (?:(?:connect|disconnect) from %{DATA:client_host}\\[%{IP:client_ip}\\]%{GREEDYDATA:commands}|%{POSTFIX_QUEUEID:queue_id}: client=%{DATA:client_host}\\[%{IP:client_ip}\\])
                POSTFIX_BOUNCE %{POSTFIX_QUEUEID:queue_id}: sender non-delivery notification: %{POSTFIX_QUEUEID:bounce_queue_id}
                POSTFIX_OTHER %{GREEDYDATA:postfix_message}
                """);
        List<GrokPattern> rules = java.util.stream.Stream.of("local", "qmgr", "pickup", "cleanup", "smtpd", "bounce")
                .map(p -> lib.compile("^%{SYSLOGBASE} %{POSTFIX_" + (p.equals("local") ? "DELIVERY" : p.toUpperCase(
                        java.util.Locale.ROOT)) + "}$")).toList();
        GrokPattern other = lib.compile("^%{SYSLOGTIMESTAMP:timestamp} %{SYSLOGHOST:logsource} postfix/"
                + "(?:postfix-script|master)\\[%{POSINT:pid}\\]: %{POSTFIX_OTHER}$");
        List<String> log;
        try (InputStream in = GrokLibraryTest.class.getResourceAsStream("/grok/postfix.log")) {
            log = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        }
        assertThat(log).hasSizeGreaterThan(25);
        List<Map<String, Object>> parsed = new java.util.ArrayList<>();
        for (String line : log) {
            Map<String, Object> f = null;
            for (GrokPattern r : rules) {
                f = r.match(line, 0);
                if (f != null) {
                    break;
                }
            }
            if (f == null) {
                f = other.match(line, 0);
            }
            assertThat(f).as(line).isNotNull();
            parsed.add(f);
        }
        assertThat(parsed).anySatisfy(f -> assertThat(f).containsEntry("program", "postfix/local")
                .containsEntry("to", "root@sluice-dev.example").containsEntry("orig_to", "root")
                .containsEntry("relay", "local").containsEntry("status", "sent").containsEntry("dsn", "2.0.0"));
        assertThat(parsed).anySatisfy(f -> assertThat(f).containsEntry("status", "bounced")
                .containsEntry("dsn", "5.1.1").containsEntry("status_text", "unknown user: \"no-such-user-xyz\""));
        assertThat(parsed).anySatisfy(f -> assertThat(f).containsEntry("program", "postfix/qmgr")
                .containsEntry("from", "alice@sluice-dev.example").containsEntry("size", 312L).containsEntry("nrcpt", 1L));
        assertThat(parsed).anySatisfy(f -> assertThat(f).containsEntry("program", "postfix/smtpd")
                .containsEntry("client_ip", "127.0.0.1").containsKey("queue_id"));
        assertThat(parsed).anySatisfy(f -> assertThat(f).containsEntry("uid", 0L).containsEntry("from", "root"));
        assertThat(parsed.stream().filter(f -> f.containsKey("delay")).map(f -> f.get("delay")))
                .allMatch(d -> d instanceof Double);
    }

    @Test
    void unknownPatternsCyclesBadTypesAndBadRegexesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> legacy.compile("%{SYSLOGBASE} %{NO_SUCH_THING:x}"))
                .hasMessage("unknown grok pattern %{NO_SUCH_THING}");
        assertThatThrownBy(() -> legacy.with("A %{B}\nB x%{A}").compile("%{A}"))
                .hasMessage("grok pattern %{A} refers to itself (A -> B -> A)");
        assertThatThrownBy(() -> legacy.compile("%{INT:n:bignum}")).hasMessageContaining("type must be int or float");
        assertThatThrownBy(() -> legacy.compile("%{INT:n} (unclosed")).hasMessageContaining("does not compile");
    }

    @Test
    void userPatternFilesAddAndOverrideNames(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("local"), "# mine\nTICKET TCK-%{INT}\nWORD [a-z]+\n");
        GrokLibrary lib = legacy.withFiles(dir);
        assertThat(lib.compile("%{TICKET:t} %{WORD:w}").match("see TCK-42 abc", 0))
                .containsEntry("t", "TCK-42").containsEntry("w", "abc");
        assertThat(lib.compile("%{WORD:w}").match("ABC", 0)).as("WORD overridden: lower case only").isNull();
    }

    @Test
    void aPathologicalPatternOnAHostileLineStopsAtItsBudget() {
        // 25 lazy groups over a 30-field line without the final P: about 15 s of backtracking unbounded
        GrokPattern evil = legacy.with("EVIL ^(.*?,){25}P").compile("%{EVIL:x}");
        String hostile = java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(","));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> evil.match(hostile, 50_000_000L)).isInstanceOf(GrokTimeoutException.class);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("gave up near its 50 ms budget").isLessThan(2_000);
    }
}
