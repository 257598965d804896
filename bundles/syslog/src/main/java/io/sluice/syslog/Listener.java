package io.sluice.syslog;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.api.bus.EventBus;
import io.sluice.api.codec.EventParser;
import io.sluice.api.component.ClientInfo;
import io.sluice.api.component.ComponentState;
import io.sluice.api.component.Counters;
import io.sluice.api.component.Receiver;
import io.sluice.syslog.frame.SyslogFrameDecoder;
import io.sluice.syslog.ingest.Abandonable;
import io.sluice.syslog.ingest.Clients;
import io.sluice.syslog.ingest.DatagramHandler;
import io.sluice.syslog.ingest.Ingest;
import io.sluice.syslog.ingest.PeerLog;
import io.sluice.syslog.ingest.StreamHandler;
import io.sluice.syslog.tls.TlsContexts;
import io.sluice.syslog.tls.TlsPeerHandler;
import io.sluice.syslog.tls.TlsSettings;
import io.sluice.syslog.tls.TlsSniffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every syslog listener does, whatever its transport: find the parser of its format, bind,
 * build per-connection pipelines from the current settings, track clients and counters, rebind or
 * retune on configuration changes, and report its state. Subclasses only open their socket.
 */
abstract class Listener implements Receiver, io.sluice.api.component.Restartable {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
    private static final long REBIND_SECONDS = 5;

    protected final EventBus bus;
    protected final Transports transports;
    private final ParserSource parsers;
    private volatile String protocol;
    private final Counters counters = new Counters();
    protected final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile Settings settings;
    private volatile Clients clients;
    private volatile Ingest ingest;
    private volatile TlsContexts tls;
    private AutoCloseable parserWatch;
    private Channel bound;
    private java.util.concurrent.Future<?> rebind;
    private volatile String badName;
    private volatile ComponentState state = ComponentState.STARTING;
    private volatile String detail = "starting";

    Listener(EventBus bus, Transports transports, ParserSource parsers, String protocol) {
        this.bus = bus;
        this.transports = transports;
        this.parsers = parsers;
        this.protocol = protocol;
    }

    /** Opens the socket with the current settings; the returned future completes when it is bound. */
    protected abstract ChannelFuture open(Settings s) throws Exception;

    /** "127.0.0.1:5514", "/run/sluice.sock": where this listener listens. */
    protected abstract String where(Settings s);

    /** Called after the socket is closed (e.g. to remove a socket file). */
    protected void closed(Settings s) {
    }

    protected final Settings settings() {
        return settings;
    }

    protected final String protocol() {
        return protocol;
    }

    /**
     * Starts with the settings {@code make} builds from the configuration; when the configuration is
     * invalid, stays registered in state FAILED naming the problem (visible in sluice:status) instead
     * of failing activation, where only the log would tell.
     */
    final synchronized void start(java.util.function.Supplier<Settings> make, String fallbackName, boolean enabled) {
        if (!enabled) {
            disabled(fallbackName);
            return;
        }
        start(make, fallbackName);
    }

    final synchronized void modify(java.util.function.Supplier<Settings> make, String fallbackName, boolean enabled) {
        if (!enabled) {
            stop();
            disabled(fallbackName);
            return;
        }
        modify(make, fallbackName);
    }

    /** Stopped by its configuration ({@code enabled = false}): registered, visible, nothing listening. */
    private void disabled(String name) {
        settings = null;
        badName = name;
        clients = null;
        state = ComponentState.STOPPED;
        detail = "stopped (enabled = false in its configuration): nothing is listening";
        LOG.info("listener {}: {}", name, detail);
    }

    final synchronized void start(java.util.function.Supplier<Settings> make, String fallbackName) {
        Settings s;
        try {
            s = make.get();
            tls = s.tls() == null ? null : new TlsContexts(s.name(), s.tls());
        } catch (RuntimeException e) {
            configurationError(fallbackName, e);
            return;
        }
        start(s);
    }

    final synchronized void modify(java.util.function.Supplier<Settings> make, String fallbackName) {
        Settings s;
        TlsContexts t;
        try {
            s = make.get();
            t = s.tls() == null ? null : new TlsContexts(s.name(), s.tls());
        } catch (RuntimeException e) {
            stop();
            configurationError(fallbackName, e);
            return;
        }
        tls = t;
        if (settings == null) {
            start(s);
        } else {
            modify(s);
        }
    }

    private void configurationError(String name, RuntimeException e) {
        settings = null;
        badName = name;
        clients = null;
        state = ComponentState.FAILED;
        detail = "configuration error: " + e.getMessage() + " (fix the .cfg file; nothing is listening)";
        LOG.error("listener {}: {}", name, detail);
    }

    final synchronized void start(Settings s) {
        this.settings = s;
        this.clients = new Clients(s.name());
        this.ingest = new Ingest(s.name(), bus, counters, new PeerLog(LoggerFactory.getLogger(getClass()), s.name()),
                null);
        ingest.maxQueued(s.maxListenerPendingEvents());
        ingest.packing(s.packing());
        ingest.stream(s.stream());
        String unavailable = unavailable();
        if (unavailable != null) {
            fail(unavailable);
            return;
        }
        trackParser(s.format());
    }

    final synchronized void modify(Settings next) {
        Settings prev = settings;
        if (prev == null) {
            start(next);
            return;
        }
        if (prev != null && prev.sameSocket(next) && state != ComponentState.FAILED) {
            settings = next;
            ingest.maxQueued(next.maxListenerPendingEvents());
            ingest.packing(next.packing());
            ingest.stream(next.stream());
            if (!prev.format().equals(next.format())) {
                closeParserTracker();
                trackParser(next.format());
            }
            LOG.info("listener {}: configuration updated in place (new connections use the new limits)", next.name());
            return;
        }
        stop();
        start(next);
    }

    /** Stops, changes the transport's protocol name (Unix stream versus datagram), and starts again. */
    final synchronized void restartAs(String newProtocol, java.util.function.Supplier<Settings> make,
            String fallbackName, boolean enabled) {
        stop();
        protocol = newProtocol;
        start(make, fallbackName, enabled);
    }

    final synchronized void stop() {
        if (settings == null) {
            state = ComponentState.STOPPED;
            return;
        }
        if (rebind != null) {
            rebind.cancel(false);
            rebind = null;
        }
        closeParserTracker();
        unbind();
        state = ComponentState.STOPPED;
        detail = "stopped";
    }

    /** Closes the socket and binds again with the settings in force; a stopped or failed listener stays so. */
    @Override
    public final synchronized void restart() {
        Settings s = settings;
        if (s == null || state == ComponentState.STOPPED) {
            return;
        }
        LOG.info("listener {}: restarting", s.name());
        stop();
        start(s);
    }

    /** Why this transport cannot work here, or null. */
    protected String unavailable() {
        return null;
    }

    private void trackParser(String format) {
        state = ComponentState.STARTING;
        detail = "waiting for the parser of format '" + format + "' (feature sluice-codec, or a plugin)";
        try {
            parserWatch = parsers.watch(format, this::parserArrived, this::parserLeft);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
    }

    private synchronized void parserArrived(EventParser parser) {
        ingest.parser(parser);
        if (bound == null && rebind == null && state != ComponentState.FAILED) {
            bind();
        }
    }

    private synchronized void parserLeft() {
        if (parserWatch == null) {
            return;
        }
        unbind();
        state = ComponentState.STARTING;
        detail = "waiting for the parser of format '" + settings.format() + "' (it went away; socket closed)";
    }

    private void closeParserTracker() {
        if (parserWatch != null) {
            AutoCloseable w = parserWatch;
            parserWatch = null;
            try {
                w.close();
            } catch (Exception e) {
                LOG.debug("closing the parser watch: {}", e.toString());
            }
        }
    }

    private void bind() {
        Settings s = settings;
        try {
            ChannelFuture f = open(s);
            if (!f.awaitUninterruptibly(10, TimeUnit.SECONDS)) {
                f.cancel(false);
                throw new IllegalStateException("bind timed out");
            }
            if (!f.isSuccess()) {
                throw f.cause() instanceof Exception e ? e : new IllegalStateException(f.cause());
            }
            bound = f.channel();
            state = ComponentState.RUNNING;
            detail = "listening on " + where(s) + " (" + clientProtocol(s) + ", format " + s.format() + ")";
            LOG.info("listener {}: {}", s.name(), detail);
        } catch (Exception e) {
            fail("cannot listen on " + where(s) + ": " + e.getMessage() + "; retrying every " + REBIND_SECONDS + " s");
            rebind = transports.background().schedule(() -> {
                synchronized (Listener.this) {
                    rebind = null;
                    if (settings == s && parserWatch != null && bound == null) {
                        bind();
                    }
                }
            }, REBIND_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void unbind() {
        Settings s = settings;
        int lost = 0;
        if (bound != null) {
            lost += abandonOn(bound);
            bound.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            bound = null;
            closed(s);
        }
        for (Channel c : connections) {
            lost += abandonOn(c);
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (lost > 0) {
            LOG.warn("listener {}: closed with {} events received but not yet durable (their senders were not "
                    + "acknowledged for them)", s.name(), lost);
        }
        if (clients != null) {
            clients.clear();
        }
    }

    /** Stops the batcher of a channel on its event loop; returns the events it gave up. */
    private static int abandonOn(Channel c) {
        try {
            return c.eventLoop().submit(() -> {
                int lost = 0;
                for (Map.Entry<String, io.netty.channel.ChannelHandler> h : c.pipeline()) {
                    if (h.getValue() instanceof Abandonable a) {
                        lost += a.abandon();
                    }
                }
                return lost;
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return 0;
        }
    }

    private void fail(String why) {
        state = ComponentState.FAILED;
        detail = why;
        LOG.error("listener {}: {}", settings.name(), why);
    }

    /** The pipeline of a stream connection (TCP, Unix stream), from the settings in force now. */
    protected final ChannelInitializer<Channel> streamPipeline() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                Settings s = settings;
                if (connections.size() >= s.maxConnections()) {
                    counters.failed.increment();
                    ingest.log().warn(String.valueOf(ch.remoteAddress()), "refused: the listener has "
                            + s.maxConnections() + " connections (maxConnections)");
                    ch.close();
                    return;
                }
                connections.add(ch);
                if (s.maxReadBytesPerSecond() > 0) {
                    // The shaper can only delay the next read: keep each read small so that one read loop
                    // (16 reads of up to 64 KiB by default) cannot run far past the limit.
                    int step = (int) Math.max(1024, Math.min(65536, s.maxReadBytesPerSecond() / 10));
                    ch.config().setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(64, 1024, step)
                            .maxMessagesPerRead(1));
                    ch.pipeline().addLast("rate", new ChannelTrafficShapingHandler(0, s.maxReadBytesPerSecond(), 100));
                }
                if (s.idleTimeoutSeconds() > 0) {
                    ch.pipeline().addLast("idle", new IdleStateHandler(s.idleTimeoutSeconds(), 0, 0));
                }
                TlsContexts t = tls;
                if (s.tls() != null && t != null) {
                    ch.pipeline().addLast("tls", t.current().newHandler(ch.alloc()));
                    ch.pipeline().addLast("tls-peer", new TlsPeerHandler(ingest, s.tls().peers()));
                } else {
                    ch.pipeline().addLast("tls-sniff", new TlsSniffer(ingest));
                }
                addStreamHandlers(ch, s, ingest, clients);
            }
        };
    }

    /**
     * Adds what turns a stream connection's bytes into events: RFC 6587 framing and a
     * {@link StreamHandler}. Protocols with their own framing and answers (RELP) replace this.
     */
    protected void addStreamHandlers(Channel ch, Settings s, Ingest ingest, Clients clients) {
        ch.pipeline().addLast("framing", new SyslogFrameDecoder(s.framing(), s.maxFrameBytes()));
        // The traffic shaper of maxReadBytesPerSecond paces reads itself: no coalescing on top of it.
        long coalesce = s.maxReadBytesPerSecond() > 0 ? 0 : s.readCoalesceMicros();
        ch.pipeline().addLast("ingest", new StreamHandler(ingest, clients, clientProtocol(s), s.maxBatchEvents(),
                s.maxPendingEvents(), coalesce, s.readCoalesceBytes()));
    }

    /** TLS settings from a listener's configuration; relative paths are under Karaf's etc/. */
    static TlsSettings tlsSettings(String certificate, String key, String keyPassword, String clientAuth,
            String caCertificates, String permittedPeers, String protocols, String ciphers) {
        return TlsSettings.of(java.nio.file.Paths.get(System.getProperty("karaf.etc", "etc")), certificate, key,
                keyPassword, clientAuth, caCertificates, permittedPeers, protocols, ciphers);
    }

    /** The protocol shown for clients: "tcp", "relp", or with TLS "tcp+tls", "relp+tls". */
    protected final String clientProtocol(Settings s) {
        return s.tls() != null ? protocol + "+tls" : protocol;
    }

    /** Binds a TCP server socket whose connections get {@link #streamPipeline()} (TCP and RELP listeners). */
    protected final ChannelFuture bindTcp(Settings s) {
        ServerBootstrap b = new ServerBootstrap()
                .group(transports.group())
                .channel(transports.serverSocket())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(streamPipeline());
        if (s.receiveBufferBytes() > 0) {
            b.childOption(ChannelOption.SO_RCVBUF, s.receiveBufferBytes());
        }
        return b.bind(s.bindAddress(), s.port());
    }

    /** "127.0.0.1:5514", "[::1]:5514". */
    protected static String hostPort(Settings s) {
        String a = s.bindAddress().indexOf(':') >= 0 ? "[" + s.bindAddress() + "]" : s.bindAddress();
        return a + ":" + s.port();
    }

    /** The handler of a datagram socket (UDP, Unix datagram). */
    protected final DatagramHandler datagramHandler() {
        Settings s = settings;
        return new DatagramHandler(ingest, clients, protocol, s.maxFrameBytes(), s.maxBatchEvents(),
                s.maxPendingEvents());
    }

    @Override
    public String name() {
        Settings s = settings;
        return s == null ? String.valueOf(badName) : s.name();
    }

    @Override
    public Kind kind() {
        return Kind.RECEIVER;
    }

    @Override
    public ComponentState state() {
        ComponentState s = state;
        if (s == ComponentState.RUNNING && ingest != null && (ingest.stalled() != null || !bus.hasCapacity(ingest.stream()))) {
            return ComponentState.DEGRADED;
        }
        return s;
    }

    @Override
    public String stateDetail() {
        String d = detail;
        if (state == ComponentState.RUNNING) {
            Ingest i = ingest;
            if (i.stalled() != null) {
                d += "; " + i.stalled();
            } else if (!bus.hasCapacity(ingest.stream())) {
                d += "; held back: the " + ingest.stream() + " stream is full";
            }
            d += "; " + clients.list().size() + " client(s)";
        }
        return d;
    }

    @Override
    public Counters counters() {
        return counters;
    }

    @Override
    public List<ClientInfo> clients() {
        Clients c = clients;
        return c == null ? List.of() : c.list();
    }

    /**
     * The listener's name: {@code name} from the configuration, else the name of its factory
     * configuration ({@code etc/io.sluice.syslog.tcp-main.cfg} gives {@code main}, prefixed by the
     * protocol when that is not already in it: {@code tcp-main}).
     */
    static String nameOf(String configured, String protocol, Map<String, Object> props, int port) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        String pid = String.valueOf(props.getOrDefault("service.pid", ""));
        String suffix = null;
        int tilde = pid.indexOf('~');
        if (tilde >= 0) {
            suffix = pid.substring(tilde + 1);
        } else {
            Object file = props.get("felix.fileinstall.filename");
            if (file != null) {
                String f = file.toString();
                f = f.substring(f.lastIndexOf('/') + 1);
                int dash = f.indexOf('-');
                if (dash >= 0 && f.endsWith(".cfg")) {
                    suffix = f.substring(dash + 1, f.length() - 4);
                }
            }
        }
        if (suffix == null || suffix.isBlank()) {
            return protocol + "-" + port;
        }
        return suffix.startsWith(protocol) ? suffix : protocol + "-" + suffix;
    }
}
