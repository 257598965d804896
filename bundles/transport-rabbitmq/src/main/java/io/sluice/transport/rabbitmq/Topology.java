package io.sluice.transport.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The names and declarations of the bus on a broker (docs/rabbitmq.md):
 * <ul>
 * <li>{@code <prefix>.bus}, a durable direct exchange; an event of stream S is published to it with
 * routing key S;</li>
 * <li>{@code <prefix>.<stream>.<group>}, a durable queue per consumer group, bound to the exchange
 * with key {@code <stream>}: every group gets every event of its stream, the consumers of one queue
 * (on any node) share them;</li>
 * <li>{@code <prefix>.dead}, a durable fanout exchange and queue: where a queue dead-letters an event
 * no consumer could decode, or (quorum queues) one delivered more than the delivery limit.</li>
 * </ul>
 * Declarations are idempotent; a queue that exists with other arguments (another type) is refused
 * by the broker, which closes the channel with PRECONDITION_FAILED and the reason.
 */
final class Topology {
    static final String QUORUM = "quorum";
    static final String CLASSIC = "classic";

    final String prefix;
    final String queueType;
    final int deliveryLimit;

    Topology(String prefix, String queueType, int deliveryLimit) {
        if (!prefix.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("prefix '" + prefix + "' must be 1-64 characters of A-Z a-z 0-9 _ . -");
        }
        if (!queueType.equals(QUORUM) && !queueType.equals(CLASSIC)) {
            throw new IllegalArgumentException("queueType must be quorum or classic, not '" + queueType + "'");
        }
        this.prefix = prefix;
        this.queueType = queueType;
        this.deliveryLimit = deliveryLimit;
    }

    String exchange() {
        return prefix + ".bus";
    }

    String deadExchange() {
        return prefix + ".dead";
    }

    String deadQueue() {
        return prefix + ".dead";
    }

    String queue(String stream, String group) {
        return prefix + "." + stream + "." + group;
    }

    /** The exchanges and the dead-letter queue. */
    void declareExchanges(Channel ch) throws IOException {
        ch.exchangeDeclare(exchange(), BuiltinExchangeType.DIRECT, true);
        ch.exchangeDeclare(deadExchange(), BuiltinExchangeType.FANOUT, true);
        ch.queueDeclare(deadQueue(), true, false, false, Map.of("x-queue-type", queueType));
        ch.queueBind(deadQueue(), deadExchange(), "");
    }

    /** The queue of a consumer group, bound to its stream. */
    void declareGroup(Channel ch, String stream, String group) throws IOException {
        Map<String, Object> args = new HashMap<>();
        args.put("x-queue-type", queueType);
        args.put("x-dead-letter-exchange", deadExchange());
        if (queueType.equals(QUORUM) && deliveryLimit > 0) {
            args.put("x-delivery-limit", deliveryLimit);
        }
        String q = queue(stream, group);
        ch.queueDeclare(q, true, false, false, args);
        ch.queueBind(q, exchange(), stream);
    }
}
