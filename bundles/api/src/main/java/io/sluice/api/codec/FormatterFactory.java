package io.sluice.api.codec;

/**
 * An OSGi service that makes formatters of one format, found by the service property
 * {@link ParserFactory#FORMAT_PROPERTY}. Shipped formats: {@code json}, {@code rfc5424},
 * {@code rfc3164}, {@code rsyslog-file} (RSYSLOG_FileFormat) and {@code template}.
 */
public interface FormatterFactory {

    String format();

    /**
     * @throws IllegalArgumentException for options this format cannot use, e.g. a template with an
     *     unknown variable, naming it
     */
    EventFormatter create(FormatterOptions options);
}
