package io.sluice.syslog;

import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.ParserFactory;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/** Parsers from the {@link ParserFactory} services, found by their {@code sluice.format} property. */
final class ServiceParsers implements ParserSource {
    private final BundleContext context;

    ServiceParsers(BundleContext context) {
        this.context = context;
    }

    @Override
    public AutoCloseable watch(String format, Consumer<EventParser> arrived, Runnable gone) {
        Filter filter;
        try {
            filter = context.createFilter("(&(objectClass=" + ParserFactory.class.getName() + ")("
                    + ParserFactory.FORMAT_PROPERTY + "=" + format + "))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("format '" + format + "' is not a valid format name", e);
        }
        ServiceTracker<ParserFactory, ParserFactory> tracker = new ServiceTracker<>(context, filter, null) {
            @Override
            public ParserFactory addingService(ServiceReference<ParserFactory> ref) {
                ParserFactory f = super.addingService(ref);
                if (f != null) {
                    arrived.accept(f.create());
                }
                return f;
            }

            @Override
            public void removedService(ServiceReference<ParserFactory> ref, ParserFactory f) {
                super.removedService(ref, f);
                ParserFactory other = getService();
                if (other != null && other != f) {
                    arrived.accept(other.create());
                } else if (size() == 0) {
                    gone.run();
                }
            }
        };
        tracker.open();
        return tracker::close;
    }
}
