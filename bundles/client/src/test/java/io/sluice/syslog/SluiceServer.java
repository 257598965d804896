package io.sluice.syslog;

import io.sluice.api.Event;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.Subscription;
import io.sluice.api.codec.ParserOptions;
import io.sluice.api.component.ComponentState;
import io.sluice.codec.Codecs;
import io.sluice.core.bus.BusConfig;
import io.sluice.core.bus.JournalEventBus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.util.converter.Converters;

/**
 * Sluice's real receiving side for client tests: a journal bus, a RELP or TCP listener on a free
 * port (restartable on the same port), and a drain that keeps every event published to ingest. In
 * the receivers' package, to reach their test constructors.
 */
public final class SluiceServer implements AutoCloseable {
    public final JournalEventBus bus;
    public final List<Event> received = new CopyOnWriteArrayList<>();
    private final Transports transports;
    private final Subscription drain;
    private Listener listener;

    private static final ParserSource PARSERS = (format, arrived, gone) -> {
        arrived.accept(Codecs.parser(format, ParserOptions.defaults()));
        return () -> { };
    };

    public SluiceServer(Path dir) throws IOException {
        bus = new JournalEventBus(dir, convert(Map.of("offsetFlushMillis", "20", "redeliveryDelayMillis", "10"),
                BusConfig.class));
        transports = new Transports(convert(Map.of("ioThreads", "2"), Transports.Config.class));
        drain = bus.subscribe(EventBus.INGEST, "test", 5000, batch -> {
            received.addAll(batch.events());
            batch.ack();
        });
    }

    private static <T> T convert(Map<String, ?> map, Class<T> type) {
        return Converters.standardConverter().convert(map).to(type);
    }

    /** Starts a RELP listener with this configuration (port included); waits until it listens. */
    public void relp(Map<String, Object> config) throws InterruptedException {
        stop();
        RelpListener l = new RelpListener(bus, transports, PARSERS, "test", convert(config, RelpListener.Config.class),
                Map.of());
        listener = l;
        awaitRunning();
    }

    /** Starts a TCP listener with this configuration; waits until it listens. */
    public void tcp(Map<String, Object> config) throws InterruptedException {
        stop();
        listener = new TcpListener(bus, transports, PARSERS, convert(config, TcpListener.Config.class), Map.of());
        awaitRunning();
    }

    private void awaitRunning() throws InterruptedException {
        for (int i = 0; i < 200 && listener.state() != ComponentState.RUNNING; i++) {
            Thread.sleep(50);
        }
        if (listener.state() != ComponentState.RUNNING) {
            throw new IllegalStateException(listener.stateDetail());
        }
    }

    /** Stops the listener (its sessions get serverclose). */
    public void stop() {
        if (listener != null) {
            listener.stop();
            listener = null;
        }
    }

    public long failed() {
        return listener == null ? -1 : listener.counters().failed.sum();
    }

    public List<String> messages() {
        List<String> out = new ArrayList<>();
        received.forEach(e -> out.add(e.message()));
        return out;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        drain.close();
        transports.close();
        bus.close();
    }
}
