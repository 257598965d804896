package io.sluice.redis;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code io.sluice.redis}, file {@code etc/io.sluice.redis.cfg}: one Redis for the
 * node's live status ({@link NodeStatus}) and for the rescue queue of the RabbitMQ transport
 * ({@link RedisRescueQueue}).
 */
@ObjectClassDefinition(name = "Sluice Redis",
        description = "Redis for Sluice: the live status of the node, and the rescue queue of the RabbitMQ transport.")
public @interface RedisConfig {
    @AttributeDefinition(description = "Redis URI: redis://[:password@]host:port/db (rediss:// for TLS).",
            type = AttributeType.PASSWORD)
    String uri() default "redis://127.0.0.1:6379/0";

    @AttributeDefinition(description = "This node's name in the cluster; empty: the host name.")
    String node() default "";

    @AttributeDefinition(description = "Prefix of Sluice's keys.")
    String prefix() default "sluice";

    @AttributeDefinition(description = "Seconds between two writes of the status.", min = "1")
    int intervalSeconds() default 5;

    @AttributeDefinition(description = "Seconds after which a node's status expires unless written again.",
            min = "2")
    int ttlSeconds() default 15;

    @AttributeDefinition(description = "When the rescue queue counts an event as durable: aof (the server must run "
            + "with appendonly yes and appendfsync always, checked every second: Redis fsyncs before it answers), "
            + "wait (WAIT for rescueWaitReplicas replicas), or none (on Redis's word alone: a Redis crash can lose "
            + "events that were acknowledged).")
    String rescueDurability() default "aof";

    @AttributeDefinition(description = "rescueDurability = wait: replicas that must have the events.", min = "1")
    int rescueWaitReplicas() default 1;

    @AttributeDefinition(description = "rescueDurability = wait: longest wait for them, in milliseconds.", min = "1")
    int rescueWaitMillis() default 1_000;

    @AttributeDefinition(description = "Most events the rescue queue holds; beyond, publishing fails (receivers stop "
            + "acknowledging) instead of filling Redis's memory.", min = "1")
    long rescueMaxEvents() default 5_000_000;
}
