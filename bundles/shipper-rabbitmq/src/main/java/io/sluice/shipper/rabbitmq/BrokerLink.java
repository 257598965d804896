package io.sluice.shipper.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * One connection and channel to a broker, opened when needed and dropped on failure: no automatic
 * recovery, a new connection per attempt after the caller's back-off. Used from one thread.
 */
final class BrokerLink {
    /** What a new channel needs before use (confirm mode, listeners, declarations). */
    @FunctionalInterface
    interface Setup {
        void prepare(Channel channel) throws IOException;
    }

    private final String uri;
    private final String clientName;
    private final int connectTimeoutMillis;
    private final Setup setup;
    private Connection connection;
    private Channel channel;

    BrokerLink(String uri, String clientName, int connectTimeoutMillis, Setup setup) {
        this.uri = uri;
        this.clientName = clientName;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.setup = setup;
    }

    /** The open channel, or a new connection and channel made ready by the setup. */
    Channel channel() throws IOException, TimeoutException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        close();
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(uri);
        } catch (Exception e) {
            throw new IOException("bad broker URI: " + e.getMessage(), e);
        }
        factory.setConnectionTimeout(connectTimeoutMillis);
        factory.setAutomaticRecoveryEnabled(false);
        connection = factory.newConnection(clientName);
        Channel ch = connection.createChannel();
        setup.prepare(ch);
        channel = ch;
        return ch;
    }

    /** Drops the connection (a failure, or the end). */
    void close() {
        Connection c = connection;
        connection = null;
        channel = null;
        if (c != null) {
            try {
                c.abort(2000);
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }
}
