package io.sluice.codec.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Event;
import io.sluice.api.codec.FormatterOptions;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateFormatterTest {

    private static TemplateFormatter template(String t) {
        return new TemplateFormatter(FormatterOptions.template(t).withZone(ZoneOffset.UTC));
    }

    private static final Event EVENT = TestEvents.rfcExample().procId("77")
            .tag("auth").tag("alert")
            .field("user", "lonvick").field("count", 3).field("nested", Map.of("a", List.of(1, "x")))
            .build();

    @Test
    void substitutesTheDocumentedVariables() {
        String out = template("$DATE $DATETIME $SOURCE $HOST $APP_NAME[$PROCID] $MSGID $SEVERITY.$FACILITY <$PRI> $TAGS: $MESSAGE")
                .format(EVENT);
        assertThat(out).isEqualTo("2003-10-11 2003-10-11T22:14:15.003Z mymachine.example.com mymachine.example.com"
                + " su[77] ID47 crit.auth <34> auth,alert: 'su root' failed for lonvick on /dev/pts/8");
    }

    @Test
    void uuidAndIdAreTheEventId() {
        assertThat(template("$UUID=$ID").format(EVENT)).isEqualTo(EVENT.id() + "=" + EVENT.id());
    }

    @Test
    void dateIsInTheConfiguredZone() {
        Event e = TestEvents.rfcExample().timereported(OffsetDateTime.parse("2024-12-31T23:30:00Z")).build();
        TemplateFormatter tokyo = new TemplateFormatter(FormatterOptions.template("$DATE").withZone(ZoneId.of("Asia/Tokyo")));
        assertThat(tokyo.format(e)).isEqualTo("2025-01-01");
    }

    @Test
    void bracesLetAVariableBeFollowedByLetters() {
        assertThat(template("${APP_NAME}d-${SEVERITY}ity").format(EVENT)).isEqualTo("sud-critity");
    }

    @Test
    void doubleDollarIsALiteralDollar() {
        assertThat(template("cost: $$5 $$$APP_NAME").format(EVENT)).isEqualTo("cost: $5 $su");
    }

    @Test
    void customFieldsAreWrittenByType() {
        assertThat(template("${field:user} ${field:count} ${field:nested} ${field:missing}").format(EVENT))
                .isEqualTo("lonvick 3 {\"a\":[1,\"x\"]} -");
    }

    @Test
    void absentValuesAreDashes() {
        Event bare = Event.builder().timegenerated(TestEvents.RECEIVED).build();
        assertThat(template("$HOST $APP_NAME $PROCID $MSGID $TAGS [$MESSAGE]").format(bare)).isEqualTo("- - - - - []");
    }

    @Test
    void literalEscapesAreDecodedButSubstitutedValuesAreControlEscaped() {
        Event e = TestEvents.rfcExample().message("line1\nline2\tend").host("h\r").build();
        assertThat(template("$HOST\\t$MESSAGE\\n").format(e)).isEqualTo("h#015\tline1#012line2#011end\n");
        assertThat(template("a\\\\b \\x").format(e)).isEqualTo("a\\b \\x");
    }

    @Test
    void customFieldValuesAreControlEscapedToo() {
        Event e = TestEvents.rfcExample().field("f", "x\ny").field("m", Map.of("k", "v\n")).build();
        assertThat(template("${field:f} ${field:m}").format(e)).isEqualTo("x#012y {\"k\":\"v\\n\"}");
    }

    @Test
    void unknownVariableIsRefusedWithItsNameAndPosition() {
        assertThatThrownBy(() -> template("ok $MESSAGEx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'MESSAGEx'").hasMessageContaining("position 3");
        assertThatThrownBy(() -> template("${NOPE}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'NOPE'").hasMessageContaining("position 0");
    }

    @Test
    void loneDollarAndUnclosedBraceAreRefused() {
        assertThatThrownBy(() -> template("price $ 5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position 6").hasMessageContaining("$$");
        assertThatThrownBy(() -> template("x ${HOST")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed").hasMessageContaining("position 2");
        assertThatThrownBy(() -> template("${field:}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void variablesAreCaseSensitive() {
        assertThatThrownBy(() -> template("$message")).hasMessageContaining("'message'");
    }

    @Test
    void missingTemplateIsRefused() {
        assertThatThrownBy(() -> new TemplateFormatter(FormatterOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("template");
    }

    @Test
    void templateIsParsedOnceAndReusableAcrossEvents() {
        TemplateFormatter f = template("$SEVERITY");
        assertThat(f.format(EVENT)).isEqualTo("crit");
        assertThat(f.format(EVENT.toBuilder().severity("info").build())).isEqualTo("info");
        assertThat(f.format()).isEqualTo("template");
        assertThat(TemplateFormatter.variables()).contains("DATE", "DATETIME", "MESSAGE", "SOURCE", "APP_NAME",
                "SEVERITY", "FACILITY", "PROCID", "UUID", "TAGS", "HOST", "MSGID", "PRI", "ID");
    }
}
