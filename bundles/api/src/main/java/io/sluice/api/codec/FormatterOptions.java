package io.sluice.api.codec;

import java.time.ZoneId;
import java.util.Objects;

/**
 * How a formatter writes events.
 *
 * @param template the template text, for the {@code template} format (else ignored); see the
 *     codec bundle's documentation for its {@code $VARIABLES}
 * @param zone the time zone for formats whose timestamps carry none (RFC 3164, {@code $DATE})
 */
public record FormatterOptions(String template, ZoneId zone) {
    public FormatterOptions {
        Objects.requireNonNull(zone, "zone");
    }

    public static FormatterOptions defaults() {
        return new FormatterOptions(null, ZoneId.systemDefault());
    }

    public static FormatterOptions template(String template) {
        return new FormatterOptions(Objects.requireNonNull(template, "template"), ZoneId.systemDefault());
    }

    public FormatterOptions withZone(ZoneId value) {
        return new FormatterOptions(template, value);
    }
}
