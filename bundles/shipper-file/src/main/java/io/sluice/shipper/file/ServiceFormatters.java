package io.sluice.shipper.file;

import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterFactory;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.codec.ParserFactory;
import java.util.Collection;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Formatters from the {@link FormatterFactory} services, found by their {@code sluice.format} property. */
final class ServiceFormatters implements FormatterSource {
    private final BundleContext context;

    ServiceFormatters(BundleContext context) {
        this.context = context;
    }

    @Override
    public EventFormatter formatter(String format, FormatterOptions options) {
        Collection<ServiceReference<FormatterFactory>> refs;
        try {
            refs = context.getServiceReferences(FormatterFactory.class,
                    "(" + ParserFactory.FORMAT_PROPERTY + "=" + format + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("format '" + format + "' is not a valid format name", e);
        }
        for (ServiceReference<FormatterFactory> ref : refs) {
            FormatterFactory f = context.getService(ref);
            if (f != null) {
                try {
                    return f.create(options);
                } finally {
                    context.ungetService(ref);
                }
            }
        }
        return null;
    }
}
