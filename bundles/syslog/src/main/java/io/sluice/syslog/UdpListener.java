package io.sluice.syslog;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.sluice.api.bus.EventBus;
import io.sluice.api.component.Receiver;
import io.sluice.api.component.SluiceComponent;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A syslog listener over UDP: one per factory configuration {@code etc/io.sluice.syslog.udp-NAME.cfg}.
 * One message per datagram. UDP has no back-pressure: when the bus cannot take more, datagrams are
 * dropped and counted ({@code dropped} in {@code sluice:status}).
 */
@Component(service = {Receiver.class, SluiceComponent.class}, property = SluiceComponent.STOPPABLE_PROPERTY + ":Boolean=true", configurationPid = "io.sluice.syslog.udp",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = UdpListener.Config.class, factory = true)
public class UdpListener extends Listener {
    /** The largest UDP payload. */
    static final int MAX_DATAGRAM = 65507;

    @ObjectClassDefinition(name = "Sluice syslog UDP listener", description = "Receives syslog over UDP.")
    public @interface Config {
        @AttributeDefinition(description = "Name in sluice:status and the client list; empty: udp-<configuration name>.")
        String name() default "";

        @AttributeDefinition(description = "false stops the listener (its socket closed) while keeping its "
                + "configuration; the web page and console set it to stop and start it.")
        boolean enabled() default true;

        @AttributeDefinition(description = "Address to listen on; 0.0.0.0 or :: for every interface.")
        String bindAddress() default "127.0.0.1";

        @AttributeDefinition(description = "UDP port.", min = "1", max = "65535")
        int port() default 5514;

        @AttributeDefinition(description = "Message format: auto, rfc5424, rfc3164, json (or a plugin's).")
        String format() default "auto";

        @AttributeDefinition(description = "Largest message, in bytes (at most 65507); longer datagrams are dropped "
                + "and counted.", min = "1", max = "65507")
        int maxFrameBytes() default MAX_DATAGRAM;

        @AttributeDefinition(description = "Socket receive buffer, in bytes: what absorbs bursts. The kernel caps it "
                + "at net.core.rmem_max.", min = "0")
        int receiveBufferBytes() default 4 << 20;

        @AttributeDefinition(description = "Largest batch published to the bus at once, in events.", min = "1")
        int maxBatchEvents() default 2000;

        @AttributeDefinition(description = "Events held before they are durable; beyond, datagrams are dropped and "
                + "counted.", min = "1")
        int maxPendingEvents() default 20000;

        @AttributeDefinition(description = "Events all connections of the listener together may hold before they "
                + "are durable: bounds the memory a flood from many senders can take (about 1 KB per event).",
                min = "1")
        int maxListenerPendingEvents() default 50000;

        @AttributeDefinition(description = "Multi-line messages rebuilt from the lines of one source (host, app name, "
                + "process id): none; merge_by_time (a line within packerWindowMillis of the previous one joins it); "
                + "merge_by_format (a line matching one of packerStartFormats begins a message, the others join it). "
                + "A merged message carries the tag multiline.")
        String packer() default "none";

        @AttributeDefinition(description = "The stream the listener publishes to: ingest (filtered by the chain of "
                + "io.sluice.core.filter.cfg), or another input stream bound to its own chain there (bindings).")
        String stream() default "ingest";

        @AttributeDefinition(description = "merge_by_time: the longest pause between two lines of one message, in ms.",
                min = "1")
        long packerWindowMillis() default 1000;

        @AttributeDefinition(description = "A merged message is closed this long after its first line, in ms.", min = "1")
        long packerMaxAgeMillis() default 5000;

        @AttributeDefinition(description = "merge_by_format: regular expressions (Java) that the start of a message's "
                + "first line matches; in a .cfg file one, with | between alternatives.")
        String[] packerStartFormats() default {};

        @AttributeDefinition(description = "Most lines in one merged message.", min = "2")
        int packerMaxLines() default 500;

        @AttributeDefinition(description = "Most characters in one merged message.", min = "1")
        int packerMaxBytes() default 1048576;
    }

    @Activate
    public UdpListener(@Reference(policyOption = ReferencePolicyOption.GREEDY) EventBus bus, @Reference Transports transports, BundleContext context, Config config,
            Map<String, Object> props) {
        this(bus, transports, new ServiceParsers(context), config, props);
    }

    UdpListener(EventBus bus, Transports transports, ParserSource parsers, Config config, Map<String, Object> props) {
        super(bus, transports, parsers, "udp");
        start(() -> settings(config, props), nameOf(config.name(), "udp", props, config.port()), config.enabled());
    }

    @Modified
    void modified(Config config, Map<String, Object> props) {
        modify(() -> settings(config, props), nameOf(config.name(), "udp", props, config.port()), config.enabled());
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    static Settings settings(Config c, Map<String, Object> props) {
        return new Settings(nameOf(c.name(), "udp", props, c.port()), c.bindAddress().strip(), c.port(), null,
                c.format().strip(), io.sluice.syslog.frame.Framing.AUTO, Math.min(c.maxFrameBytes(), MAX_DATAGRAM), 1,
                0, 0, c.maxBatchEvents(), c.maxPendingEvents(), c.maxListenerPendingEvents(), c.receiveBufferBytes(),
                null).withPacking(packing(c)).withStream(c.stream().strip());
    }

    private static io.sluice.syslog.ingest.Packing packing(Config c) {
        return io.sluice.syslog.ingest.Packing.of(c.packer(), c.packerWindowMillis(), c.packerMaxAgeMillis(),
                c.packerStartFormats(), c.packerMaxLines(), c.packerMaxBytes());
    }

    @Override
    protected ChannelFuture open(Settings s) {
        // One byte more than allowed, so that a longer datagram shows as too long, not cut.
        int datagram = Math.min(s.maxFrameBytes() + 1, MAX_DATAGRAM + 1);
        Bootstrap b = new Bootstrap()
                .group(transports.group())
                .channel(transports.datagram())
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(datagramHandler());
        if (transports.epoll()) {
            // recvmmsg: up to 16 datagrams per system call, each into its own slice of one buffer.
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, datagram)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(datagram * 16));
        } else {
            b.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(datagram));
        }
        if (s.receiveBufferBytes() > 0) {
            b.option(ChannelOption.SO_RCVBUF, s.receiveBufferBytes());
        }
        return b.bind(s.bindAddress(), s.port());
    }

    @Override
    protected String where(Settings s) {
        return hostPort(s);
    }
}
