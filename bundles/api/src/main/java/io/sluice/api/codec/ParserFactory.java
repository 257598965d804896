package io.sluice.api.codec;

/**
 * An OSGi service that makes parsers of one format. Receivers look one up by the service property
 * {@link #FORMAT_PROPERTY} (e.g. {@code (sluice.format=rfc5424)}). Shipped formats: {@code rfc5424},
 * {@code rfc3164}, {@code json} and {@code auto} (detected per message).
 */
public interface ParserFactory {
    /** Service property naming the format. */
    String FORMAT_PROPERTY = "sluice.format";

    String format();

    /**
     * A parser with this installation's default options: those of {@code etc/io.sluice.codec.cfg}
     * (zone, lenient, maxMessageBytes) at the time of the call.
     */
    EventParser create();

    /**
     * @throws IllegalArgumentException if the options do not suit this format
     */
    EventParser create(ParserOptions options);
}
