package io.sluice.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.codec.ParserOptions;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

class CodecRegistrarTest {

    private static CodecConfig config(Map<String, Object> cfgFile) {
        return Converters.standardConverter().convert(cfgFile).to(CodecConfig.class);
    }

    @Test
    void shippedDefaultsAreStrictMachineZoneAnd64KiB() {
        ParserOptions o = CodecRegistrar.toOptions(config(Map.of("zone", "", "lenient", "false",
                "maxMessageBytes", "65536")));
        assertThat(o.lenient()).isFalse();
        assertThat(o.zone()).isEqualTo(ZoneId.systemDefault());
        assertThat(o.maxMessageBytes()).isEqualTo(65536);
    }

    @Test
    void cfgValuesAreApplied() {
        ParserOptions o = CodecRegistrar.toOptions(config(Map.of("zone", " Europe/Berlin ", "lenient", "true",
                "maxMessageBytes", "2048")));
        assertThat(o.lenient()).isTrue();
        assertThat(o.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(o.maxMessageBytes()).isEqualTo(2048);
    }

    @Test
    void badValuesFallBackToDefaultsInsteadOfFailing() {
        ParserOptions o = CodecRegistrar.toOptions(config(Map.of("zone", "Mars/Olympus", "maxMessageBytes", "0")));
        assertThat(o.zone()).isEqualTo(ZoneId.systemDefault());
        assertThat(o.maxMessageBytes()).isEqualTo(ParserOptions.DEFAULT_MAX_MESSAGE_BYTES);
    }

    @Test
    void missingKeysTakeTheAnnotationDefaults() {
        ParserOptions o = CodecRegistrar.toOptions(config(Map.of()));
        assertThat(o.lenient()).isFalse();
        assertThat(o.maxMessageBytes()).isEqualTo(65536);
    }
}
