package io.sluice.bench;

import io.sluice.filter.grok.GrokLibrary;
import io.sluice.filter.grok.GrokPattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jcodings.specific.UTF8Encoding;
import org.joni.Matcher;
import org.joni.NameEntry;
import org.joni.Option;
import org.joni.Regex;
import org.joni.Region;
import org.joni.Syntax;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The regex engine choice of the grok filter, measured: the same expanded grok expressions
 * (GrokPattern.regex(), as sluice-filter-core compiles them for java.util.regex) run by Joni, the
 * Oniguruma port Logstash's grok uses, on the UTF-8 bytes of the line (as Logstash does), with the
 * named captures turned into strings. Compare with {@link GrokBenchmark}'s combinedApacheLog and
 * syslogChainOfTenPatterns, run in the same JVM settings: {@code ./sluice bench 'GrokBenchmark|JoniGrokBenchmark'}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class JoniGrokBenchmark {
    /** One compiled expression and its named groups. */
    static final class Compiled {
        final Regex regex;
        final List<String> names = new ArrayList<>();
        final List<Integer> groups = new ArrayList<>();

        Compiled(GrokPattern grok) {
            byte[] p = grok.regex().getBytes(StandardCharsets.UTF_8);
            regex = new Regex(p, 0, p.length, Option.NONE, UTF8Encoding.INSTANCE, Syntax.Java);
            for (Iterator<NameEntry> it = regex.namedBackrefIterator(); it.hasNext();) {
                NameEntry e = it.next();
                names.add(new String(e.name, e.nameP, e.nameEnd - e.nameP, StandardCharsets.UTF_8));
                groups.add(e.getBackRefs()[0]);
            }
        }

        /** The named captures of a match, or null: what GrokPattern.match returns, without type conversion. */
        Map<String, Object> match(byte[] line) {
            Matcher m = regex.matcher(line);
            if (m.search(0, line.length, Option.NONE) < 0) {
                return null;
            }
            Region r = m.getEagerRegion();
            Map<String, Object> out = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                int g = groups.get(i);
                if (r.getBeg(g) >= 0 && r.getEnd(g) > r.getBeg(g)) {
                    out.put(names.get(i), new String(line, r.getBeg(g), r.getEnd(g) - r.getBeg(g), StandardCharsets.UTF_8));
                }
            }
            return out;
        }
    }

    final Compiled apache = new Compiled(GrokLibrary.builtIn("legacy").compile("%{COMBINEDAPACHELOG}"));
    final List<Compiled> chain = GrokBenchmark.SYSLOG_PATTERNS.stream()
            .map(GrokLibrary.builtIn("legacy")::compile).map(Compiled::new).toList();
    final List<String> lines = GrokBenchmark.SYSLOG_LINES;
    int next;

    /** Both engines must find the same fields in every line, or the comparison means nothing. */
    @Setup
    public void sameFieldsAsJavaRegex() {
        GrokLibrary legacy = GrokLibrary.builtIn("legacy");
        check(legacy.compile("%{COMBINEDAPACHELOG}"), apache, GrokBenchmark.ACCESS);
        for (String line : lines) {
            for (int i = 0; i < chain.size(); i++) {
                GrokPattern java = legacy.compile(GrokBenchmark.SYSLOG_PATTERNS.get(i));
                check(java, chain.get(i), line);
            }
        }
    }

    private static void check(GrokPattern java, Compiled joni, String line) {
        Map<String, Object> a = java.match(line, 0);
        Map<String, Object> b = joni.match(line.getBytes(StandardCharsets.UTF_8));
        // the regex's groups are g1, g2...: GrokPattern maps them to field names, so compare the values found
        if ((a == null) != (b == null) || (a != null && !values(a).equals(values(b)))) {
            throw new IllegalStateException("engines disagree on " + java.source() + " / " + line + ": " + a + " vs " + b);
        }
    }

    private static List<String> values(Map<String, Object> m) {
        return m.values().stream().map(String::valueOf).sorted().toList();
    }

    /** The line arrives as a String (an event's message): its UTF-8 bytes are part of the cost, as in Logstash. */
    @Benchmark
    public Map<String, Object> combinedApacheLog() {
        return apache.match(GrokBenchmark.ACCESS.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public Map<String, Object> syslogChainOfTenPatterns() {
        byte[] line = lines.get(next++ % lines.size()).getBytes(StandardCharsets.UTF_8);
        for (Compiled c : chain) {
            Map<String, Object> m = c.match(line);
            if (m != null) {
                return m;
            }
        }
        return null;
    }
}
