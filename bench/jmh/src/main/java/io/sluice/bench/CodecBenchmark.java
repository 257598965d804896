package io.sluice.bench;

import io.sluice.api.Event;
import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserOptions;
import io.sluice.codec.Codecs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
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
 * Parse and dump throughput of the shipped codecs, one thread (one core), messages of about 200
 * bytes. Run with {@code ./sluice bench} (all) or {@code ./sluice bench CodecBenchmark.parseRfc5424}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class CodecBenchmark {
    /** 200 bytes: a typical application event with one SD element. */
    static final String RFC5424 = "<165>1 2026-11-23T10:15:42.123456+01:00 web-01.example.com nginx 8812 ACCESS "
            + "[origin@32473 ip=\"192.0.2.17\" software=\"nginx\"] GET /api/v1/orders/7731 200 512 0.004 "
            + "upstream=10.1.2.3:8080 ok cache=miss";
    /** 200 bytes: sshd through a classic BSD syslog daemon. */
    static final String RFC3164 = "<38>Nov 23 10:15:42 web-01 sshd[21430]: Accepted publickey for deploy from "
            + "192.0.2.44 port 53122 ssh2: ED25519 SHA256:kq3lOdlx4WkH1p0xP4ntC2k3CzvYHc2bQ7aTnLrjm1E session opened for deploy(1001)";
    /** 200 bytes: a JSON event as a shipper would send it. */
    static final String JSON = "{\"timereported\":\"2026-11-23T10:15:42.123+01:00\",\"host\":\"web-01\","
            + "\"app_name\":\"api\",\"severity\":\"warning\",\"facility\":\"local0\",\"message\":\"slow query "
            + "took 2315 ms\",\"fields\":{\"duration_ms\":2315,\"db\":\"orders\"}}";

    private byte[] rfc5424;
    private byte[] rfc3164;
    private byte[] json;
    private Origin origin;
    private EventParser rfc5424Parser;
    private EventParser rfc3164Parser;
    private EventParser jsonParser;
    private EventParser autoParser;
    private EventFormatter rfc5424Formatter;
    private EventFormatter rfc3164Formatter;
    private EventFormatter jsonFormatter;
    private EventFormatter rsyslogFileFormatter;
    private Event event;
    private StringBuilder out;

    @Setup
    public void setUp() {
        rfc5424 = RFC5424.getBytes(StandardCharsets.UTF_8);
        rfc3164 = RFC3164.getBytes(StandardCharsets.UTF_8);
        json = JSON.getBytes(StandardCharsets.UTF_8);
        origin = new Origin("192.0.2.1", Instant.parse("2026-11-23T09:15:43Z"));
        ParserOptions options = ParserOptions.defaults().withZone(ZoneOffset.UTC)
                .withClock(Clock.fixed(origin.receivedAt(), ZoneOffset.UTC));
        rfc5424Parser = Codecs.parser("rfc5424", options);
        rfc3164Parser = Codecs.parser("rfc3164", options);
        jsonParser = Codecs.parser("json", options);
        autoParser = Codecs.parser("auto", options);
        FormatterOptions fo = FormatterOptions.defaults().withZone(ZoneOffset.UTC);
        rfc5424Formatter = Codecs.formatter("rfc5424", fo);
        rfc3164Formatter = Codecs.formatter("rfc3164", fo);
        jsonFormatter = Codecs.formatter("json", fo);
        rsyslogFileFormatter = Codecs.formatter("rsyslog-file", fo);
        event = rfc5424Parser.parse(rfc5424, origin).orElseThrow();
        out = new StringBuilder(512);
        for (byte[] m : new byte[][] {rfc5424, rfc3164, json}) {
            if (!autoParser.parse(m, origin).isSuccess()) {
                throw new IllegalStateException("benchmark input does not parse: " + new String(m, StandardCharsets.UTF_8));
            }
        }
    }

    @Benchmark
    public ParseResult parseRfc5424() {
        return rfc5424Parser.parse(rfc5424, 0, rfc5424.length, origin);
    }

    @Benchmark
    public ParseResult parseRfc3164() {
        return rfc3164Parser.parse(rfc3164, 0, rfc3164.length, origin);
    }

    @Benchmark
    public ParseResult parseJson() {
        return jsonParser.parse(json, 0, json.length, origin);
    }

    @Benchmark
    public ParseResult parseAutoDetectedRfc5424() {
        return autoParser.parse(rfc5424, 0, rfc5424.length, origin);
    }

    @Benchmark
    public int formatRfc5424() {
        out.setLength(0);
        rfc5424Formatter.format(event, out);
        return out.length();
    }

    @Benchmark
    public int formatRfc3164() {
        out.setLength(0);
        rfc3164Formatter.format(event, out);
        return out.length();
    }

    /** The file shipper's default output format (RSYSLOG_FileFormat). */
    @Benchmark
    public int formatRsyslogFile() {
        out.setLength(0);
        rsyslogFileFormatter.format(event, out);
        return out.length();
    }

    @Benchmark
    public int formatJson() {
        out.setLength(0);
        jsonFormatter.format(event, out);
        return out.length();
    }

    /** Parse, then id: what a store that drops duplicates pays per event. */
    @Benchmark
    public String parseRfc5424AndComputeId() {
        return rfc5424Parser.parse(rfc5424, 0, rfc5424.length, origin).event().id();
    }
}
