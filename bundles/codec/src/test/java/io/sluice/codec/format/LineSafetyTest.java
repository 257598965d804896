package io.sluice.codec.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.Signature;
import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.codec.json.JsonEventFormatter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The EventFormatter contract: no control character taken from an event reaches the output. */
class LineSafetyTest {

    static Stream<EventFormatter> formatters() {
        FormatterOptions utc = FormatterOptions.defaults().withZone(ZoneOffset.UTC);
        return Stream.of(new JsonEventFormatter(), new Rfc5424Formatter(), new Rfc3164Formatter(utc),
                new RsyslogFileFormatter(),
                new TemplateFormatter(FormatterOptions.template(
                        "$DATETIME $HOST $APP_NAME $PROCID $MSGID $TAGS ${field:f} ${field:m} $MESSAGE").withZone(ZoneOffset.UTC)));
    }

    @ParameterizedTest
    @MethodSource("formatters")
    void noControlCharacterFromAnyEventFieldReachesTheOutput(EventFormatter f) {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            Event e = Event.builder()
                    .host(hostile(random)).appName(hostile(random)).procId(hostile(random)).msgId(hostile(random))
                    .message(hostile(random))
                    .structuredData(hostile(random), hostile(random), hostile(random))
                    .tag(hostile(random))
                    .field("f", hostile(random)).field("m", Map.of(hostile(random), List.of(hostile(random))))
                    .hmac(new Signature("k1", "AAAA"))
                    .build();
            String out = f.format(e);
            assertThat(out.chars().noneMatch(c -> c < 0x20 || c == 0x7F)).as("%s wrote %s", f.format(), out).isTrue();
        }
    }

    private static String hostile(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(6);
            sb.append(switch (k) {
                case 0 -> (char) r.nextInt(0x20);
                case 1 -> '\u007f';
                case 2 -> "\r\n";
                case 3 -> (char) (0x20 + r.nextInt(0x5F));
                case 4 -> "é😀\u2028";
                default -> "]\"\\ =[";
            });
        }
        return sb.toString();
    }
}
