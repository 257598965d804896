package io.sluice.codec.internal;

import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.FormatterFactory;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.codec.ParserFactory;
import io.sluice.api.codec.ParserOptions;
import io.sluice.codec.Codecs;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one {@link ParserFactory} and one {@link FormatterFactory} service per shipped format,
 * with the service property {@code sluice.format}, and keeps the configured parser defaults current:
 * a changed {@code etc/io.sluice.codec.cfg} applies to every parser made after it, with no
 * re-registration (receivers holding the services never see them go away).
 */
@Component(immediate = true, configurationPid = "io.sluice.codec", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = CodecConfig.class)
public class CodecRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(CodecRegistrar.class);

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private volatile ParserOptions defaults = ParserOptions.defaults();

    @Activate
    void activate(BundleContext context, CodecConfig config) {
        modified(config);
        for (String format : Codecs.PARSER_FORMATS) {
            registrations.add(context.registerService(ParserFactory.class, new Parsers(format), props(format)));
        }
        for (String format : Codecs.FORMATTER_FORMATS) {
            registrations.add(context.registerService(FormatterFactory.class, new Formatters(format), props(format)));
        }
    }

    @Modified
    void modified(CodecConfig config) {
        defaults = toOptions(config);
        LOG.info("Codec defaults: zone={}, lenient={}, maxMessageBytes={}", defaults.zone(), defaults.lenient(),
                defaults.maxMessageBytes());
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
    }

    /** The configured defaults; a bad value is logged and replaced by its default, never fatal. */
    static ParserOptions toOptions(CodecConfig config) {
        ParserOptions o = ParserOptions.defaults().withLenient(config.lenient());
        String zone = config.zone() == null ? "" : config.zone().strip();
        if (!zone.isEmpty()) {
            try {
                o = o.withZone(ZoneId.of(zone));
            } catch (DateTimeException e) {
                LOG.error("io.sluice.codec: zone '{}' is not a time zone id ({}); using the machine's zone {}",
                        zone, e.getMessage(), o.zone());
            }
        }
        if (config.maxMessageBytes() >= 1) {
            o = o.withMaxMessageBytes(config.maxMessageBytes());
        } else {
            LOG.error("io.sluice.codec: maxMessageBytes ({}) must be positive; using {}", config.maxMessageBytes(),
                    o.maxMessageBytes());
        }
        return o;
    }

    private static Dictionary<String, Object> props(String format) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ParserFactory.FORMAT_PROPERTY, format);
        return p;
    }

    private final class Parsers implements ParserFactory {
        private final String format;

        Parsers(String format) {
            this.format = format;
        }

        @Override
        public String format() {
            return format;
        }

        @Override
        public EventParser create() {
            return Codecs.parser(format, defaults);
        }

        @Override
        public EventParser create(ParserOptions options) {
            return Codecs.parser(format, options);
        }
    }

    private static final class Formatters implements FormatterFactory {
        private final String format;

        Formatters(String format) {
            this.format = format;
        }

        @Override
        public String format() {
            return format;
        }

        @Override
        public EventFormatter create(FormatterOptions options) {
            return Codecs.formatter(format, options);
        }
    }
}
