package io.sluice.shell;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Looks up services for one command run; commands hold no references between runs. */
final class Services {
    private Services() {
    }

    static <T> List<T> all(BundleContext context, Class<T> type, String filter) {
        try {
            // Highest ranking first: with the RabbitMQ transport configured, its bus outranks the journal.
            List<ServiceReference<T>> refs = new ArrayList<>(context.getServiceReferences(type, filter));
            refs.sort(java.util.Collections.reverseOrder());
            List<T> out = new ArrayList<>(refs.size());
            for (ServiceReference<T> r : refs) {
                T s = context.getService(r);
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad service filter " + filter + ": " + e.getMessage(), e);
        }
    }

    static <T> T one(BundleContext context, Class<T> type, String filter, String missing) {
        List<T> all = all(context, type, filter);
        if (all.isEmpty()) {
            throw new IllegalStateException(missing);
        }
        return all.get(0);
    }
}
