package io.sluice.shell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The services one command run uses: looked up when the run needs them and released (ungot) when it
 * ends, so that commands hold no services between runs and a component a command once used can
 * still be deactivated by its bundle. Use with try-with-resources around the run.
 */
final class Services implements AutoCloseable {
    private final BundleContext context;
    private final List<ServiceReference<?>> got = new ArrayList<>();

    Services(BundleContext context) {
        this.context = context;
    }

    /** Every service of {@code type} matching {@code filter} (null: all), highest ranking first. */
    <T> List<T> all(Class<T> type, String filter) {
        List<T> out = new ArrayList<>();
        for (ServiceReference<T> r : references(type, filter)) {
            T s = get(r);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The highest ranking service of {@code type} (with the RabbitMQ transport configured, its bus
     * outranks the journal), or {@link IllegalStateException} with {@code missing} when there is none.
     */
    <T> T one(Class<T> type, String filter, String missing) {
        for (ServiceReference<T> r : references(type, filter)) {
            T s = get(r);
            if (s != null) {
                return s;
            }
        }
        throw new IllegalStateException(missing);
    }

    /** Releases every service this run got. */
    @Override
    public void close() {
        for (ServiceReference<?> r : got) {
            try {
                context.ungetService(r);
            } catch (IllegalStateException e) {
                return; // the shell bundle is stopping: the framework releases them itself
            }
        }
        got.clear();
    }

    private <T> List<ServiceReference<T>> references(Class<T> type, String filter) {
        try {
            List<ServiceReference<T>> refs = new ArrayList<>(context.getServiceReferences(type, filter));
            refs.sort(Collections.reverseOrder()); // ServiceReference orders by ranking, then age
            return refs;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad service filter " + filter + ": " + e.getMessage(), e);
        }
    }

    private <T> T get(ServiceReference<T> r) {
        T s = context.getService(r);
        if (s != null) {
            got.add(r);
        }
        return s;
    }
}
