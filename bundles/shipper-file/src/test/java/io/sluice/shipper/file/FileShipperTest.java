package io.sluice.shipper.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import io.sluice.api.Facility;
import io.sluice.api.Severity;
import io.sluice.api.component.ComponentState;
import io.sluice.codec.Codecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

class FileShipperTest {
    private static final Instant RECEIVED = Instant.parse("2026-12-03T10:15:30Z");

    @TempDir
    Path dir;

    private FileShipper shipper;
    private final MutableClock clock = new MutableClock(RECEIVED);

    @AfterEach
    void close() {
        if (shipper != null) {
            shipper.close();
        }
    }

    private FileShipper shipper(Map<String, Object> cfg) {
        Map<String, Object> all = new HashMap<>(Map.of("directory", dir.toString(), "zone", "UTC"));
        all.putAll(cfg);
        FileShipper.Config c = Converters.standardConverter().convert(all).to(FileShipper.Config.class);
        shipper = new FileShipper((format, options) -> Codecs.formatter(format, options), c,
                Map.of("service.pid", "io.sluice.shipper.file~main"), clock);
        return shipper;
    }

    private static Event event(String host, String app, String message) {
        return Event.builder().timegenerated(RECEIVED)
                .timereported(OffsetDateTime.of(2026, 12, 3, 10, 15, 29, 0, ZoneOffset.UTC))
                .facility(Facility.LOCAL0).severity(Severity.NOTICE).host(host).appName(app).procId("42")
                .message(message).build();
    }

    private List<String> lines(String relative) throws Exception {
        return Files.readAllLines(dir.resolve(relative), StandardCharsets.UTF_8);
    }

    /** A batch as the journal bus hands it over: each event with its stored encoding. */
    private static final class Stored extends java.util.AbstractList<Event> implements io.sluice.api.bus.EncodedEvents {
        final List<byte[]> records;
        int decoded;

        Stored(List<Event> events) {
            records = events.stream().map(io.sluice.api.EventBinary::encode).toList();
        }

        @Override
        public Event get(int i) {
            decoded++;
            return io.sluice.api.EventBinary.decode(records.get(i));
        }

        @Override
        public int size() {
            return records.size();
        }

        @Override
        public byte[] encoded(int i) {
            return records.get(i);
        }
    }

    @Test
    void storedEventsAreWrittenFromTheirEncodingExactlyAsDecodedOnesAndOnlyOddOnesAreDecoded() throws Exception {
        List<Event> events = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(event(i % 2 == 0 ? "web1" : "db1", "app" + (i % 3), "line " + i + (i % 5 == 0 ? " tab\there" : "")));
        }
        events.add(event("hôte", "app0", "a host name the encoded path declines"));
        events.add(event("web1", "app0", "ünïcödé ✓\n"));
        events.add(event(null, null, ""));
        events.add(Event.builder().timegenerated(RECEIVED.plusSeconds(86_400)).severity(Severity.ERROR)
                .facility(Facility.KERN).host("web1").appName("app0").message("no reported time, next day").build());
        shipper(Map.of("path", "$SOURCE/$APP_NAME/$DATE-$HOUR-$SEVERITY-$FACILITY.log")).ship(events)
                .toCompletableFuture().join();
        Map<String, String> decodedFiles = files();
        close();
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());

        Stored stored = new Stored(events);
        shipper(Map.of("path", "$SOURCE/$APP_NAME/$DATE-$HOUR-$SEVERITY-$FACILITY.log")).ship(stored)
                .toCompletableFuture().join();
        assertThat(files()).isEqualTo(decodedFiles).hasSizeGreaterThan(6);
        assertThat(stored.decoded).as("only the event with a non-ASCII host name was decoded").isEqualTo(1);
    }

    /** Every file under the directory, relative path to content. */
    private Map<String, String> files() throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void eventsGoToTheirTemplatedFileInOrderAsRsyslogFileFormatLines() throws Exception {
        FileShipper s = shipper(Map.of());
        assertThat(s.name()).isEqualTo("file-main");
        s.ship(List.of(event("web1", "nginx", "GET /"), event("db1", "postgres", "checkpoint"),
                event("web1", "nginx", "GET /favicon.ico"))).toCompletableFuture().join();
        assertThat(lines("web1/nginx/2026-12-03.log")).containsExactly(
                "2026-12-03T10:15:29.000000Z web1 nginx[42]: GET /",
                "2026-12-03T10:15:29.000000Z web1 nginx[42]: GET /favicon.ico");
        assertThat(lines("db1/postgres/2026-12-03.log")).hasSize(1);
        assertThat(s.counters().acked.sum()).isEqualTo(3);
        assertThat(s.state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void hostAndAppNamesCannotLeaveTheDirectoryOrForgeLines() throws Exception {
        FileShipper s = shipper(Map.of("format", "rfc5424"));
        s.ship(List.of(event("../../etc", "..", "a\nforged line"), event(null, "a/b\u0000c", "x"),
                event(".hidden", "", "y"))).toCompletableFuture().join();
        List<Path> files;
        try (Stream<Path> all = Files.walk(dir)) {
            files = all.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        assertThat(files).allSatisfy(f -> assertThat(f.normalize()).startsWith(dir));
        assertThat(files).extracting(f -> dir.relativize(f).toString()).containsExactlyInAnyOrder(
                "_._.._etc/_./2026-12-03.log", "-/a_b_c/2026-12-03.log", "_hidden/-/2026-12-03.log");
        assertThat(lines("_._.._etc/_./2026-12-03.log")).singleElement().asString().doesNotContain("\n")
                .contains("forged line");
    }

    @Test
    void sizeRotationKeepsTheConfiguredNumberOfOldFiles() throws Exception {
        FileShipper s = shipper(Map.of("path", "all.log", "maxFileBytes", "1000", "maxRotatedFiles", "3",
                "format", "template", "template", "$MESSAGE"));
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(1));
            int n = i;
            s.ship(IntStream.range(0, 10).mapToObj(k -> event("h", "a", "line " + n + "." + k + " " + "z".repeat(40)))
                    .toList()).toCompletableFuture().join();
        }
        List<String> names;
        try (Stream<Path> all = Files.list(dir)) {
            names = all.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(names).hasSize(4).contains("all.log");
        assertThat(names.stream().filter(n -> n.startsWith("all.log.20261203-"))).hasSize(3);
        assertThat(Files.size(dir.resolve("all.log"))).isLessThanOrEqualTo(1000);
        // the newest lines are in the current file, nothing is split across files
        assertThat(lines("all.log")).last().asString().startsWith("line 19.9 ");
    }

    @Test
    void ageRotationStartsANewFileAfterTheConfiguredTime() throws Exception {
        FileShipper s = shipper(Map.of("path", "a.log", "maxFileAgeSeconds", "60", "maxFileBytes", "0"));
        s.ship(List.of(event("h", "a", "first"))).toCompletableFuture().join();
        clock.advance(Duration.ofSeconds(30));
        s.ship(List.of(event("h", "a", "second"))).toCompletableFuture().join();
        assertThat(lines("a.log")).hasSize(2);
        clock.advance(Duration.ofSeconds(31));
        s.ship(List.of(event("h", "a", "third"))).toCompletableFuture().join();
        assertThat(lines("a.log")).singleElement().asString().endsWith("third");
        assertThat(lines("a.log.20261203-101631")).hasSize(2);
    }

    @Test
    void aFailedWriteFailsTheBatchAndTheNextAttemptWritesIt() throws Exception {
        FileShipper s = shipper(Map.of("path", "$SOURCE/x.log"));
        Files.writeString(dir.resolve("blocked"), "a file where a directory should be");
        assertThatThrownBy(() -> s.ship(List.of(event("blocked", "a", "m"))).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class);
        assertThat(s.state()).isEqualTo(ComponentState.DEGRADED);
        assertThat(s.stateDetail()).contains("failing").contains("blocked");
        Files.delete(dir.resolve("blocked"));
        s.ship(List.of(event("blocked", "a", "m"))).toCompletableFuture().join();
        assertThat(lines("blocked/x.log")).hasSize(1);
        assertThat(s.state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void openFilesAreBoundedAndReopenedForAppending() throws Exception {
        FileShipper s = shipper(Map.of("maxOpenFiles", "2", "path", "$SOURCE.log"));
        for (int round = 0; round < 2; round++) {
            for (int h = 0; h < 5; h++) {
                s.ship(List.of(event("h" + h, "a", "round " + round))).toCompletableFuture().join();
            }
        }
        assertThat(s.stateDetail()).contains("2 open file(s)");
        for (int h = 0; h < 5; h++) {
            assertThat(lines("h" + h + ".log")).hasSize(2);
        }
    }

    @Test
    void badTemplatesAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> shipper(Map.of("path", "$NOPE.log"))).hasMessageContaining("unknown variable 'NOPE'");
        assertThatThrownBy(() -> shipper(Map.of("path", "../x.log"))).hasMessageContaining("may not contain '..'");
        assertThatThrownBy(() -> shipper(Map.of("path", "/var/log/x"))).hasMessageContaining("must be relative");
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
