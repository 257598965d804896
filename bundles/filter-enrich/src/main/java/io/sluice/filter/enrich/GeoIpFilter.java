package io.sluice.filter.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * {@code geoip(source="clientip", database="sluice/geoip/GeoLite2-City.mmdb", prefix="geoip_",
 * tag_on_failure="_geoip_lookup_failure")}: looks the IP address of a field up in a MaxMind DB file
 * (GeoIP2/GeoLite2 City, Country or ASN, or any database of that layout; relative to etc/) and sets
 * what it finds: {@code country_code country_name continent_code region_name city_name postal_code
 * latitude longitude timezone asn as_org}, each after {@code prefix}. Sluice ships no database
 * (MaxMind's need an account): the file is checked when the chain loads, and a chain naming a
 * missing or broken one is refused. A file replaced on disk is read again at the next chain load.
 * Only literal addresses are looked up (never a DNS query). Matches when the address was found.
 */
@Component(service = FilterFactory.class)
public class GeoIpFilter implements FilterFactory {
    private static final Pattern LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Open databases by file, reused by every chain that names the same unchanged file. */
    private final Map<Path, Open> readers = new ConcurrentHashMap<>();

    private record Open(FileTime modified, long size, Reader reader) {
    }

    @Override
    public String name() {
        return "geoip";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly("source", "database", "prefix", "tag_on_failure").atMostPositional(0);
        String source = args.named("source", "clientip");
        String prefix = args.named("prefix", "geoip_");
        String failureTag = args.named("tag_on_failure", "_geoip_lookup_failure");
        Reader reader = reader(EtcFiles.resolve(args.named("database", "sluice/geoip/GeoLite2-City.mmdb")));
        return e -> {
            Object value = e.field(source);
            String ip = value instanceof String s ? s.strip() : null;
            Map<String, Object> found = ip == null ? null : lookup(reader, ip, prefix);
            if (found == null || found.isEmpty()) {
                return failureTag.isEmpty() || value == null ? FilterResult.noMatch()
                        : FilterResult.noMatch(e.toBuilder().tag(failureTag).build());
            }
            return FilterResult.matched(e.toBuilder().fields(found).build());
        };
    }

    /** The fields found for {@code ip}, or null when it is not an address or not in the database. */
    static Map<String, Object> lookup(Reader reader, String ip, String prefix) {
        if (!LITERAL.matcher(ip).matches()) {
            return null;
        }
        Map<?, ?> r;
        try {
            r = reader.get(InetAddress.getByName(ip), Map.class);
        } catch (UnknownHostException notAnAddress) {
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("geoip: reading the database failed: " + e.getMessage(), e);
        }
        if (r == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        put(out, prefix + "country_code", path(r, "country", "iso_code"));
        put(out, prefix + "country_name", path(r, "country", "names", "en"));
        put(out, prefix + "continent_code", path(r, "continent", "code"));
        if (r.get("subdivisions") instanceof List<?> subs && !subs.isEmpty() && subs.get(0) instanceof Map<?, ?> sub) {
            put(out, prefix + "region_name", path(sub, "names", "en"));
        }
        put(out, prefix + "city_name", path(r, "city", "names", "en"));
        put(out, prefix + "postal_code", path(r, "postal", "code"));
        put(out, prefix + "latitude", path(r, "location", "latitude"));
        put(out, prefix + "longitude", path(r, "location", "longitude"));
        put(out, prefix + "timezone", path(r, "location", "time_zone"));
        put(out, prefix + "asn", path(r, "autonomous_system_number"));
        put(out, prefix + "as_org", path(r, "autonomous_system_organization"));
        return out;
    }

    private static Object path(Map<?, ?> m, String... keys) {
        Object v = m;
        for (String k : keys) {
            if (!(v instanceof Map<?, ?> map)) {
                return null;
            }
            v = map.get(k);
        }
        return v;
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        if (value instanceof java.math.BigInteger b) {
            value = b.longValue();
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            out.put(key, value instanceof Integer i ? Long.valueOf(i) : value);
        }
    }

    private Reader reader(Path file) {
        try {
            FileTime modified = java.nio.file.Files.getLastModifiedTime(file);
            long size = java.nio.file.Files.size(file);
            Open open = readers.get(file);
            if (open != null && open.modified().equals(modified) && open.size() == size) {
                return open.reader();
            }
            // read into memory: a database replaced on disk never changes under a running chain
            Reader r = new Reader(file.toFile(), Reader.FileMode.MEMORY, new CHMCache());
            readers.put(file, new Open(modified, size, r));
            return r;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("geoip(): no database " + file + " (Sluice ships none: put a MaxMind "
                    + "DB file, e.g. GeoLite2-City.mmdb, there or name it with database=)");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("geoip(): " + file + " is not a MaxMind DB file: " + e.getMessage());
        }
    }

    @Deactivate
    void close() {
        for (Open o : readers.values()) {
            try {
                o.reader().close();
            } catch (IOException ignored) {
                // in memory: nothing held outside the heap
            }
        }
        readers.clear();
    }
}
