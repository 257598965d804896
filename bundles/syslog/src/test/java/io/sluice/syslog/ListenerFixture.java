package io.sluice.syslog;

import io.sluice.api.Event;
import io.sluice.api.bus.EventBus;
import io.sluice.api.bus.Subscription;
import io.sluice.api.codec.ParserOptions;
import io.sluice.codec.Codecs;
import io.sluice.core.bus.BusConfig;
import io.sluice.core.bus.JournalEventBus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.util.converter.Converters;

/** A real journal bus, the shared transports and a drain on the ingest stream, for listener tests. */
final class ListenerFixture implements AutoCloseable {
    final JournalEventBus bus;
    final Transports transports;
    final List<Event> received = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Subscription drain;

    ListenerFixture(Path dir, Map<String, Object> busConfig) throws IOException {
        Map<String, Object> cfg = new HashMap<>(Map.of("offsetFlushMillis", "20", "redeliveryDelayMillis", "10"));
        cfg.putAll(busConfig);
        bus = new JournalEventBus(dir, convert(cfg, BusConfig.class));
        transports = new Transports(convert(Map.of("ioThreads", "2"), Transports.Config.class));
    }

    static <T> T convert(Map<String, ?> map, Class<T> type) {
        return Converters.standardConverter().convert(map).to(type);
    }

    /** Parsers made directly by the codec, as the OSGi services would make them. */
    static final ParserSource PARSERS = (format, arrived, gone) -> {
        arrived.accept(Codecs.parser(format, ParserOptions.defaults()));
        return () -> { };
    };

    void drain() {
        drain = bus.subscribe(EventBus.INGEST, "test", 5000, batch -> {
            received.addAll(batch.events());
            batch.ack();
        });
    }

    List<String> messages() {
        List<String> out = new ArrayList<>();
        received.forEach(e -> out.add(e.message()));
        return out;
    }

    TcpListener tcp(Map<String, Object> config) {
        TcpListener l = new TcpListener(bus, transports, PARSERS, convert(config, TcpListener.Config.class), Map.of());
        closeables.add(l::deactivate);
        return l;
    }

    RelpListener relp(Map<String, Object> config) {
        RelpListener l = new RelpListener(bus, transports, PARSERS, "test", convert(config, RelpListener.Config.class),
                Map.of());
        closeables.add(l::deactivate);
        return l;
    }

    UdpListener udp(Map<String, Object> config) {
        UdpListener l = new UdpListener(bus, transports, PARSERS, convert(config, UdpListener.Config.class), Map.of());
        closeables.add(l::deactivate);
        return l;
    }

    UnixListener unix(Map<String, Object> config) {
        UnixListener l = new UnixListener(bus, transports, PARSERS, convert(config, UnixListener.Config.class),
                Map.of());
        closeables.add(l::deactivate);
        return l;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (drain != null) {
            drain.close();
        }
        transports.close();
        bus.close();
    }
}
