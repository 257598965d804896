package io.sluice.bench;

import io.sluice.filter.grok.GrokLibrary;
import io.sluice.filter.grok.GrokPattern;
import io.sluice.filter.grok.GrokTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Grok on one core (java.util.regex, the engine of sluice-filter-core): COMBINEDAPACHELOG on an
 * access-log line, with and without the time budget; a 10-pattern syslog chain (the patterns of a
 * grok call tried in order, as a chain of sshd/sudo/cron/postfix/... rules would); a pathological
 * pattern on a hostile line, which must cost no more than its budget. Run with
 * {@code ./sluice bench GrokBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class GrokBenchmark {
    static final String ACCESS = "192.0.2.17 - frank [23/Nov/2026:10:15:42 +0100] \"GET /api/v1/orders/7731?expand=items "
            + "HTTP/1.1\" 200 5123 \"https://shop.example.com/cart\" \"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) "
            + "Gecko/20100101 Firefox/128.0\"";

    static final List<String> SYSLOG_PATTERNS = List.of(
            "%{SYSLOGBASE} Accepted %{WORD:method} for %{USERNAME:user} from %{IP:src_ip} port %{INT:src_port:int}",
            "%{SYSLOGBASE} Failed %{WORD:method} for (invalid user )?%{USERNAME:user} from %{IP:src_ip} port %{INT:src_port:int}",
            "%{SYSLOGBASE} pam_unix\\(%{DATA:pam_service}\\): session %{WORD:session_action} for user %{USERNAME:user}",
            "%{SYSLOGBASE} %{USERNAME:sudo_user} : TTY=%{DATA:tty} ; PWD=%{UNIXPATH:pwd} ; USER=%{USERNAME:run_as} ; COMMAND=%{GREEDYDATA:command}",
            "%{SYSLOGBASE} \\(%{USERNAME:user}\\) CMD \\(%{GREEDYDATA:command}\\)",
            "%{SYSLOGBASE} %{WORD:queue_id}: client=%{HOSTNAME:client_host}\\[%{IP:client_ip}\\]",
            "%{SYSLOGBASE} %{WORD:queue_id}: to=<%{EMAILADDRESS:to}>, relay=%{NOTSPACE:relay}, delay=%{NUMBER:delay:float}, .*status=%{WORD:status}",
            "%{SYSLOGBASE} \\[%{NUMBER:uptime}\\] %{DATA:fw_rule}: IN=%{DATA:in_if} OUT=%{DATA:out_if} .*SRC=%{IP:src_ip} DST=%{IP:dst_ip}",
            "%{SYSLOGBASE} Started %{GREEDYDATA:unit}\\.",
            "%{SYSLOGLINE}");

    static final List<String> SYSLOG_LINES = List.of(
            "Nov 23 10:15:42 web-01 sshd[21430]: Accepted publickey for deploy from 192.0.2.44 port 53122 ssh2",
            "Nov 23 10:15:43 web-01 sshd[21431]: Failed password for invalid user admin from 198.51.100.9 port 40022 ssh2",
            "Nov 23 10:15:44 web-01 sudo[6040]: ec2-user : TTY=pts/0 ; PWD=/var/log ; USER=root ; COMMAND=/bin/tail secure",
            "Nov 23 10:15:45 web-01 CRON[7001]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
            "Nov 23 10:15:46 mx-01 postfix/smtp[4242]: 3F2A81C0B2: to=<alice@example.com>, relay=mx.example.net[203.0.113.5]:25, delay=0.42, delays=0.1/0/0.2/0.12, dsn=2.0.0, status=sent (250 OK)",
            "Nov 23 10:15:47 web-01 kernel: something the other rules do not know about");

    GrokPattern apache = GrokLibrary.builtIn("legacy").compile("%{COMBINEDAPACHELOG}");
    List<GrokPattern> chain = SYSLOG_PATTERNS.stream().map(GrokLibrary.builtIn("legacy")::compile).toList();
    GrokPattern evil = GrokLibrary.builtIn("legacy").with("EVIL ^(.*?,){25}P").compile("%{EVIL:x}");
    String hostile = java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(","));
    int next;

    @Benchmark
    public Map<String, Object> combinedApacheLog() {
        return apache.match(ACCESS, 0);
    }

    @Benchmark
    public Map<String, Object> combinedApacheLogWithBudget() {
        return apache.match(ACCESS, 100_000_000L);
    }

    /** One event per call, the six line kinds in turn; the patterns tried in order until one matches. */
    @Benchmark
    public Map<String, Object> syslogChainOfTenPatterns() {
        String line = SYSLOG_LINES.get(next++ % SYSLOG_LINES.size());
        for (GrokPattern p : chain) {
            Map<String, Object> m = p.match(line, 100_000_000L);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /** ^(.*?,){25}P on a 30-field line (about 15 s unbounded), stopped by a 10 ms budget. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 3, time = 1)
    public boolean pathologicalPatternStopsAtItsBudget() {
        try {
            return evil.match(hostile, 10_000_000L) != null;
        } catch (GrokTimeoutException expected) {
            return false;
        }
    }
}
