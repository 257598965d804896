package io.sluice.filter.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The geoip filter against a MaxMind DB written for the test by MaxMind's own writer (Debian
 * package libmaxmind-db-writer-perl, which the README's test command installs).
 */
class GeoIpFilterTest {
    @TempDir
    static Path dir;

    static Path db;

    @BeforeAll
    static void writeDatabase() throws Exception {
        db = dir.resolve("test-city.mmdb");
        Path script = Path.of(GeoIpFilterTest.class.getResource("/geoip/make-test-db.pl").toURI());
        Process p = new ProcessBuilder("perl", script.toString(), db.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("perl.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("perl did not finish");
        }
        assertThat(p.exitValue()).as("perl MaxMind::DB::Writer (Debian libmaxmind-db-writer-perl): "
                + Files.readString(dir.resolve("perl.log"))).isZero();
    }

    private final GeoIpFilter factory = new GeoIpFilter();

    private EventFilter filter(Map<String, String> named) {
        Map<String, String> args = new java.util.HashMap<>(named);
        args.putIfAbsent("database", db.toString());
        return factory.create(new FilterArguments("geoip", List.of(), args));
    }

    private static Event event(String ip) {
        Event.Builder b = Event.builder().timegenerated(Instant.EPOCH).message("GET /");
        return ip == null ? b.build() : b.field("clientip", ip).build();
    }

    @Test
    void anAddressInTheDatabaseGetsItsCountryCityLocationAndNetwork() {
        FilterResult r = filter(Map.of()).filter(event("192.0.2.17"));
        assertThat(r.matched()).isTrue();
        assertThat(r.event().fields()).containsEntry("geoip_country_code", "FR").containsEntry("geoip_country_name",
                "France").containsEntry("geoip_city_name", "Lyon").containsEntry("geoip_timezone", "Europe/Paris")
                .containsEntry("geoip_asn", 64500L).containsEntry("geoip_as_org", "Example Transit");
        assertThat(((Number) r.event().field("geoip_latitude")).doubleValue()).isEqualTo(45.75);

        FilterResult v6 = filter(Map.of("prefix", "geo.")).filter(event("2001:db8:1::7"));
        assertThat(v6.event().fields()).containsEntry("geo.country_code", "JP").doesNotContainKey("geo.city_name");
    }

    @Test
    void unknownAddressesAndTextThatIsNoAddressAreTaggedAndNeverLookedUpInTheDns() {
        EventFilter f = filter(Map.of());
        for (String notFound : List.of("198.51.100.1", "localhost", "example.com", "999.1.1.1", "")) {
            FilterResult r = f.filter(event(notFound));
            assertThat(r.matched()).as(notFound).isFalse();
            assertThat(r.event().tags()).as(notFound).containsExactly("_geoip_lookup_failure");
        }
        assertThat(f.filter(event(null)).event()).as("no field: left alone").isNull();
    }

    @Test
    void aMissingOrBrokenDatabaseIsRefusedWhenTheChainLoadsAndAnUnchangedFileIsOpenedOnce() throws Exception {
        assertThatThrownBy(() -> filter(Map.of("database", dir.resolve("none.mmdb").toString())))
                .hasMessageContaining("no database").hasMessageContaining("Sluice ships none");
        Path broken = Files.writeString(dir.resolve("broken.mmdb"), "not a database");
        assertThatThrownBy(() -> filter(Map.of("database", broken.toString())))
                .hasMessageContaining("is not a MaxMind DB file");
        assertThatThrownBy(() -> filter(Map.of("source", "x", "bogus", "1"))).hasMessageContaining("no argument 'bogus'");
        EventFilter a = filter(Map.of());
        EventFilter b = filter(Map.of("source", "other"));
        assertThat(a.filter(event("192.0.2.1")).matched()).isTrue();
        assertThat(b.filter(event("192.0.2.1")).matched()).isFalse();
    }
}
