package io.sluice.core.bus;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code io.sluice.core}, file {@code etc/io.sluice.core.cfg}. */
@ObjectClassDefinition(name = "Sluice event bus", description = "The embedded durable journal behind the event bus.")
public @interface BusConfig {

    @AttributeDefinition(description = "Directory of the journal; one sub-directory per stream. "
            + "Empty: ${karaf.data}/sluice/journal.")
    String directory() default "";

    @AttributeDefinition(description = "Largest size of one stream on disk, in bytes; publishing beyond it is "
            + "refused (back-pressure), never dropped.", min = "1048576")
    long maxStreamBytes() default 1L << 30;

    @AttributeDefinition(description = "Size of one journal segment file, in bytes.", min = "65536")
    long segmentBytes() default 64L << 20;

    @AttributeDefinition(description = "fsync before a publish completes. false trades the guarantee for speed: "
            + "a power loss can then lose acknowledged events.")
    boolean fsync() default true;

    @AttributeDefinition(description = "Group commit window, in microseconds: each stream writes and fsyncs at most "
            + "once per window, and every publish arriving meanwhile shares that write. Fewer, larger fsyncs for more "
            + "throughput and less CPU, at most this much more latency. 0: sync whenever something waits.",
            min = "0", max = "1000000")
    long groupCommitMicros() default 3000;

    @AttributeDefinition(description = "Bytes of the newest events of each stream kept in memory, so that consumers "
            + "keeping up (the filter stage, shippers) read them without reading the journal's files again. "
            + "0: every read goes to the files.", min = "0", max = "1073741824")
    long tailCacheBytes() default 16L << 20;

    @AttributeDefinition(description = "Largest encoded event, in bytes.", min = "1024")
    int maxEventBytes() default 1 << 20;

    @AttributeDefinition(description = "How often consumer positions are saved, in milliseconds. After a crash, "
            + "at most this much acknowledged work is delivered again (duplicates, never loss).", min = "10")
    long offsetFlushMillis() default 200;

    @AttributeDefinition(description = "Delay before a batch a consumer refused (nack) is delivered again, in "
            + "milliseconds; doubles on each refusal up to 30 s.", min = "1")
    long redeliveryDelayMillis() default 500;
}
