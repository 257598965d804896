package io.sluice.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

class ServicesTest {

    /** The part of a framework's service registry a command run meets: references, get and unget counts. */
    static final class Registry {
        final Map<ServiceReference<?>, Object> services = new LinkedHashMap<>();
        final Map<ServiceReference<?>, Integer> uses = new HashMap<>();

        ServiceReference<?> register(Object service, int ranking) {
            ServiceReference<?> ref = (ServiceReference<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getProperty" -> Constants.SERVICE_RANKING.equals(args[0]) ? ranking : null;
                        case "compareTo" -> Integer.compare(ranking,
                                (Integer) ((ServiceReference<?>) args[0]).getProperty(Constants.SERVICE_RANKING));
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "service " + service;
                    });
            services.put(ref, service);
            return ref;
        }

        BundleContext context() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getServiceReferences" -> {
                            List<ServiceReference<?>> out = new ArrayList<>();
                            services.forEach((r, s) -> {
                                if (((Class<?>) args[0]).isInstance(s)) {
                                    out.add(r);
                                }
                            });
                            yield out;
                        }
                        case "getService" -> {
                            uses.merge((ServiceReference<?>) args[0], 1, Integer::sum);
                            yield services.get(args[0]);
                        }
                        case "ungetService" -> uses.merge((ServiceReference<?>) args[0], -1, Integer::sum) > 0;
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        int inUse() {
            return uses.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Test
    void everyServiceACommandRunGotIsReleasedWhenTheRunEnds() {
        Registry registry = new Registry();
        registry.register("low", 1);
        registry.register("high", 10);
        registry.register(42, 5);
        try (Services services = new Services(registry.context())) {
            assertThat(services.all(String.class, null)).containsExactly("high", "low");
            assertThat(services.all(Integer.class, null)).containsExactly(42);
            assertThat(registry.inUse()).isEqualTo(3);
        }
        assertThat(registry.inUse()).isZero();
        assertThat(registry.uses.values()).containsOnly(0);
    }

    @Test
    void oneGetsOnlyTheHighestRankingServiceAndReleasesIt() {
        Registry registry = new Registry();
        ServiceReference<?> low = registry.register("journal bus", 0);
        ServiceReference<?> high = registry.register("rabbitmq bus", 100);
        try (Services services = new Services(registry.context())) {
            assertThat(services.one(String.class, null, "none")).isEqualTo("rabbitmq bus");
            assertThat(registry.uses).containsEntry(high, 1).doesNotContainKey(low);
        }
        assertThat(registry.uses).containsEntry(high, 0);
    }

    @Test
    void oneWithoutAServiceSaysWhatIsMissing() {
        try (Services services = new Services(new Registry().context())) {
            assertThatThrownBy(() -> services.one(String.class, null, "No event bus is running (feature sluice-core)"))
                    .isInstanceOf(IllegalStateException.class).hasMessage("No event bus is running (feature sluice-core)");
        }
    }
}
