package io.sluice.api.component;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The status that every node of a cluster published lately (the {@code io.sluice.redis}
 * configuration of feature sluice-redis writes each node's status to Redis and registers this
 * service), for pages that show the whole cluster rather than one node.
 */
public interface ClusterStatus {

    /**
     * The nodes whose status is still live (written within its time to live), by name; at most a few
     * hundred.
     *
     * @throws IllegalStateException when the store cannot be read now (the reason in the message)
     */
    List<Node> nodes();

    /**
     * One node: when it last wrote, and each of its components' status as the JSON object it wrote
     * ({@code kind}, {@code state}, {@code detail}, {@code counters}, a receiver's {@code clients}),
     * by component name.
     */
    record Node(String name, Instant updated, Map<String, String> components) {
        public Node {
            components = Map.copyOf(components);
        }
    }
}
