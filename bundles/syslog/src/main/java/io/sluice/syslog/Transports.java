package io.sluice.syslog;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O threads every syslog listener of this bundle shares, and the channel types to use:
 * Netty's native epoll transport where it loads (Linux), NIO elsewhere. Unix domain sockets need
 * epoll; without it, Unix listeners report why in their state instead of starting.
 */
@Component(service = Transports.class, configurationPid = "io.sluice.syslog",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = Transports.Config.class)
public class Transports {
    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

    @ObjectClassDefinition(name = "Sluice syslog transports", description = "I/O threads shared by the syslog listeners.")
    public @interface Config {
        @AttributeDefinition(description = "I/O threads shared by all listeners; 0 means one per processor.", min = "0")
        int ioThreads() default 0;
    }

    private final EventLoopGroup group;
    private final boolean epoll;
    /** For work that blocks, such as binding again after a failure: never on an I/O thread. */
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("sluice-syslog-retry", true));

    @Activate
    public Transports(Config config) {
        int threads = config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
        this.epoll = Epoll.isAvailable();
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("sluice-syslog-io", true);
        this.group = new MultiThreadIoEventLoopGroup(threads, threadFactory,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        if (epoll) {
            LOG.info("Syslog listeners use {} I/O threads on the native epoll transport", threads);
        } else {
            LOG.warn("Native epoll transport not available ({}); syslog listeners use NIO and Unix sockets are "
                    + "unavailable", String.valueOf(Epoll.unavailabilityCause()));
        }
    }

    @Deactivate
    public void close() {
        background.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    public EventLoopGroup group() {
        return group;
    }

    /** A thread for blocking housekeeping (retries), away from the I/O threads. */
    public ScheduledExecutorService background() {
        return background;
    }

    public boolean epoll() {
        return epoll;
    }

    public Class<? extends ServerChannel> serverSocket() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends Channel> datagram() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /** Why Unix domain sockets cannot be used here, or null when they can. */
    public String unixUnavailable() {
        return epoll ? null : "Unix domain sockets need Netty's native epoll transport, which is not available here: "
                + Epoll.unavailabilityCause();
    }

    public Class<? extends ServerChannel> serverDomainSocket() {
        return EpollServerDomainSocketChannel.class;
    }

    public Class<? extends Channel> domainDatagram() {
        return EpollDomainDatagramChannel.class;
    }
}
