package io.sluice.codec.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code io.sluice.codec}, file {@code etc/io.sluice.codec.cfg}. */
@ObjectClassDefinition(
        name = "Sluice codecs",
        description = "Defaults for parsing syslog and JSON messages; receivers may override them.")
public @interface CodecConfig {

    @AttributeDefinition(description = "IANA time zone of timestamps that carry none (RFC 3164). "
            + "Empty: the machine's zone.")
    String zone() default "";

    @AttributeDefinition(description = "Keep messages that break their format as tagged events "
            + "instead of refusing them.")
    boolean lenient() default false;

    @AttributeDefinition(description = "Largest message accepted, in bytes.", min = "1")
    int maxMessageBytes() default 65536;
}
