package io.sluice.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.sluice.api.Event;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.FormatterFactory;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParseError;
import io.sluice.api.codec.ParseResult;
import io.sluice.api.codec.ParserFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.inject.Inject;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/** Boots the built distribution and checks that Sluice is installed, active and wired as shipped. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SluiceDistributionITest {
    private static final List<String> PARSER_FORMATS = List.of("rfc5424", "rfc3164", "json", "auto");
    private static final List<String> FORMATTER_FORMATS = List.of("json", "rfc5424", "rfc3164", "rsyslog-file",
            "template");

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return SluiceOptions.distribution();
    }

    @Test
    public void everyBundleOfTheSluiceFeatureIsInstalledAndActive() throws Exception {
        assertTrue("the sluice feature is a boot feature", features.isInstalled(features.getFeature("sluice")));
        List<BundleInfo> infos = new ArrayList<>();
        collectBundles(features.getFeature("sluice"), infos, new HashSet<>());
        Set<String> sluiceBundles = new TreeSet<>();
        for (BundleInfo info : infos) {
            String location = info.getLocation().trim();
            Bundle b = context.getBundle(location);
            if (b == null && info.isDependency()) {
                continue; // dependency="true": installed only when another bundle needs it
            }
            assertNotNull("bundle " + location + " is installed", b);
            if (b.getHeaders().get(org.osgi.framework.Constants.FRAGMENT_HOST) != null) {
                // A fragment (Netty's native epoll library) is attached to its host, never started.
                assertEquals(b.getSymbolicName() + " is RESOLVED (attached)", Bundle.RESOLVED, b.getState());
                continue;
            }
            assertEquals(b.getSymbolicName() + " is ACTIVE", Bundle.ACTIVE, b.getState());
            if (b.getSymbolicName().startsWith("io.sluice.")) {
                sluiceBundles.add(b.getSymbolicName());
            }
        }
        assertTrue("core bundles are part of the feature: " + sluiceBundles,
                sluiceBundles.containsAll(List.of("io.sluice.api", "io.sluice.codec", "io.sluice.core",
                        "io.sluice.syslog", "io.sluice.shipper.file", "io.sluice.shell")));
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("io.sluice.")) {
                assertEquals(b.getSymbolicName() + " is ACTIVE", Bundle.ACTIVE, b.getState());
            }
        }
    }

    @Test
    public void codecServicesAreRegisteredForEveryShippedFormat() {
        for (String format : PARSER_FORMATS) {
            ParserFactory factory = awaitService(ParserFactory.class, format);
            assertEquals(format, factory.format());
        }
        for (String format : FORMATTER_FORMATS) {
            FormatterFactory factory = awaitService(FormatterFactory.class, format);
            assertEquals(format, factory.format());
        }
    }

    @Test
    public void autoDetectedMessagesParseAndFormatThroughTheServices() {
        EventParser auto = awaitService(ParserFactory.class, "auto").create();
        Origin origin = Origin.now("192.0.2.10");
        Event rfc5424 = auto.parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] An application event",
                origin).orElseThrow();
        assertEquals("evntslog", rfc5424.appName());
        assertEquals("3", rfc5424.structuredData().get("exampleSDID@32473").get("iut").get(0));
        Event rfc3164 = auto.parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick", origin)
                .orElseThrow();
        assertEquals("su", rfc3164.appName());
        assertEquals("mymachine", rfc3164.host());
        Event json = auto.parse("{\"host\":\"h1\",\"message\":\"hello\",\"severity\":\"warn\"}", origin)
                .orElseThrow();
        assertEquals("hello", json.message());

        String line = awaitService(FormatterFactory.class, "rfc5424").create(FormatterOptions.defaults())
                .format(rfc5424.toBuilder().message("two\nlines").build());
        assertFalse("no line can be forged: " + line, line.contains("\n"));
        assertTrue(line, line.startsWith("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "));
    }

    @Test
    public void unknownFormatIsATypedErrorCarryingTheRawBytes() {
        EventParser auto = awaitService(ParserFactory.class, "auto").create();
        byte[] tlsHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        ParseResult result = auto.parse(tlsHello, Origin.now("192.0.2.10"));
        assertFalse(result.isSuccess());
        assertEquals(ParseError.Kind.UNKNOWN_FORMAT, result.error().kind());
        assertTrue(java.util.Arrays.equals(tlsHello, result.error().raw()));
    }

    @Test
    public void shippedCodecConfigurationIsLoadedAndChangesApplyWithoutRestart() throws Exception {
        org.osgi.service.cm.Configuration cfg = configAdmin.getConfiguration("io.sluice.codec", null);
        Dictionary<String, Object> props = cfg.getProperties();
        assertNotNull("etc/io.sluice.codec.cfg is loaded", props);
        assertEquals("65536", String.valueOf(props.get("maxMessageBytes")));

        ParserFactory rfc5424 = awaitService(ParserFactory.class, "rfc5424");
        String broken = "<34>1 not-a-timestamp host app - - - message";
        assertFalse("strict by default", rfc5424.create().parse(broken, Origin.now("h")).isSuccess());

        Dictionary<String, Object> lenient = new Hashtable<>();
        for (String key : java.util.Collections.list(props.keys())) {
            lenient.put(key, props.get(key));
        }
        lenient.put("lenient", "true");
        cfg.update(lenient);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                ParseResult r = awaitService(ParserFactory.class, "rfc5424").create().parse(broken, Origin.now("h"));
                return r.isSuccess() && r.event().tags().contains(ParseError.TAG);
            });
        } finally {
            lenient.put("lenient", "false");
            cfg.update(lenient);
        }
    }

    private <T> T awaitService(Class<T> type, String format) {
        String filter = "(" + ParserFactory.FORMAT_PROPERTY + "=" + format + ")";
        return await("service " + type.getSimpleName() + filter).atMost(Duration.ofSeconds(30)).until(() -> {
            Collection<ServiceReference<T>> refs = context.getServiceReferences(type, filter);
            return refs.isEmpty() ? null : context.getService(refs.iterator().next());
        }, java.util.Objects::nonNull);
    }

    private void collectBundles(Feature feature, List<BundleInfo> out, Set<String> seen) throws Exception {
        if (!seen.add(feature.getId())) {
            return;
        }
        out.addAll(feature.getBundles());
        for (Dependency dep : feature.getDependencies()) {
            Feature f = features.getFeature(dep.getName(), dep.getVersion());
            if (f != null && features.isInstalled(f)) {
                collectBundles(f, out, seen);
            }
        }
    }
}
