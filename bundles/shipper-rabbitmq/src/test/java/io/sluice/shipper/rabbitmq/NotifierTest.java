package io.sluice.shipper.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.sluice.api.component.ClientInfo;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.Receiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/** Notifications of a node, read back from a queue bound to the exchange of a broker of the test's own. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NotifierTest {
    @TempDir
    static Path dir;

    static PrivateRabbitMq broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = PrivateRabbitMq.start(dir.resolve("rabbitmq"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    static final class FakeReceiver implements Receiver {
        volatile ComponentState state = ComponentState.RUNNING;
        final List<ClientInfo> clients = new CopyOnWriteArrayList<>();

        @Override
        public List<ClientInfo> clients() {
            return clients;
        }

        @Override
        public String name() {
            return "tcp.main";
        }

        @Override
        public Kind kind() {
            return Kind.RECEIVER;
        }

        @Override
        public ComponentState state() {
            return state;
        }

        @Override
        public String stateDetail() {
            return "listening";
        }

        @Override
        public Counters counters() {
            return new Counters();
        }
    }

    @Test
    void stateChangesClientsAndComponentsComingAndGoingArePublishedWithTheNodeInTheKey() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (Connection c = broker.factory().newConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("sluice.notifications", "topic", true);
            ch.queueDeclare("page", false, false, false, null);
            ch.queueBind("page", "sluice.notifications", "node-1.#");
            FakeReceiver tcp = new FakeReceiver();
            Notifier n = new Notifier(Converters.standardConverter().convert(Map.of("uri", broker.uri(), "node",
                    "node-1", "pollMillis", 100)).to(Notifier.Config.class));
            try {
                n.addComponent(tcp);
                awaitMessage(ch, got, "node-1.tcp_main.up");
                awaitMessage(ch, got, "node-1.tcp_main.state");
                assertThat(got).anyMatch(m -> m.contains("\"resync\":true"));

                tcp.state = ComponentState.DEGRADED;
                String changed = awaitMessage(ch, got, "node-1.tcp_main.state");
                assertThat(changed).contains("\"from\":\"running\"").contains("\"state\":\"degraded\"")
                        .contains("\"component\":\"tcp.main\"").contains("\"kind\":\"receiver\"");

                tcp.clients.add(new ClientInfo("c7", "127.0.0.1:41000", 5514, "tcp", Instant.now(), 0, 0));
                assertThat(awaitMessage(ch, got, "node-1.tcp_main.client.connect")).contains("\"peer\":\"127.0.0.1:41000\"");
                tcp.clients.clear();
                assertThat(awaitMessage(ch, got, "node-1.tcp_main.client.disconnect")).contains("\"id\":\"c7\"");

                n.removeComponent(tcp);
                awaitMessage(ch, got, "node-1.tcp_main.down");
                assertThat(n.state()).isEqualTo(ComponentState.RUNNING);
            } finally {
                n.close();
            }
        }
    }

    /** Reads the queue until a message with {@code key} arrives; returns its body. */
    private static String awaitMessage(Channel ch, List<String> log, String key) {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            GetResponse r;
            while ((r = ch.basicGet("page", true)) != null) {
                String body = new String(r.getBody(), StandardCharsets.UTF_8);
                log.add(body);
                if (r.getEnvelope().getRoutingKey().equals(key)) {
                    found[0] = body;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
