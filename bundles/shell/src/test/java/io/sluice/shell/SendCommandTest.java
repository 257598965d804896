package io.sluice.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.Event;
import io.sluice.api.codec.Origin;
import io.sluice.api.codec.ParserOptions;
import io.sluice.codec.Codecs;
import org.junit.jupiter.api.Test;

class SendCommandTest {

    @Test
    void aBareMessageGetsAHeaderTheStrictRfc5424ParserAccepts() {
        String line = SendCommand.withHeader("hello there");
        Event e = Codecs.parser("rfc5424", ParserOptions.defaults()).parse(line, Origin.now("127.0.0.1"))
                .orElseThrow();
        assertThat(e.message()).isEqualTo("hello there");
        assertThat(e.appName()).isEqualTo("sluice-send");
        assertThat(e.timereported()).isNotNull();
    }

    @Test
    void aMessageWithItsOwnPriIsSentAsItIs() {
        assertThat(SendCommand.withHeader("<34>Oct 11 22:14:15 host su: x")).isEqualTo("<34>Oct 11 22:14:15 host su: x");
    }
}
