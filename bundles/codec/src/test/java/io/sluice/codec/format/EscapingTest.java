package io.sluice.codec.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EscapingTest {

    @Test
    void controlCharactersBecomeHashAndThreeOctalDigitsLikeRsyslog() {
        assertThat(Escaping.escape("a\nb")).isEqualTo("a#012b");
        assertThat(Escaping.escape("\tx\r")).isEqualTo("#011x#015");
        assertThat(Escaping.escape("\u0000\u001f\u007f")).isEqualTo("#000#037#177");
    }

    @Test
    void everyControlCharacterIsEscapedAndNothingElse() {
        for (char c = 0; c < 0x100; c++) {
            String out = Escaping.escape("x" + c + "y");
            if (c < 0x20 || c == 0x7F) {
                assertThat(out).isEqualTo("x#" + String.format("%03o", (int) c) + "y");
            } else {
                assertThat(out).isEqualTo("x" + c + "y");
            }
        }
    }

    @Test
    void textWithoutControlCharactersIsUnchangedIncludingHashAndUnicode() {
        assertThat(Escaping.escape("#012 is not re-escaped, ünïcødé ✓ 😀")).isEqualTo("#012 is not re-escaped, ünïcødé ✓ 😀");
    }

    @Test
    void escapingARangeTouchesOnlyThatRange() {
        StringBuilder sb = new StringBuilder(">");
        Escaping.appendEscaped(sb, "a\nb\nc", 1, 4);
        assertThat(sb).hasToString(">#012b#012");
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "web-1|web-1",
        "my host|my_host",
        "hôte|h_te",
        "a😀b|a_b",
        "''|-",
        "tab\there|tab#011here",
    })
    void headerFieldsArePrintableAsciiWithoutBlanks(String in, String expected) {
        assertThat(Escaping.appendHeader(new StringBuilder(), in, 255)).hasToString(expected);
    }

    @Test
    void absentHeaderIsNilValue() {
        assertThat(Escaping.appendHeader(new StringBuilder(), null, 48)).hasToString("-");
    }

    @Test
    void headerIsCutToTheLimitWithoutSplittingAnEscape() {
        assertThat(Escaping.appendHeader(new StringBuilder("x"), "abcdefgh", 5)).hasToString("xabcde");
        assertThat(Escaping.appendHeader(new StringBuilder(), "abc\ndef", 5)).hasToString("abc");
        assertThat(Escaping.appendHeader(new StringBuilder(), "ab\ndef", 5)).hasToString("ab");
        assertThat(Escaping.appendHeader(new StringBuilder(), "a\ndef", 5)).hasToString("a#012");
    }

    @Test
    void reservedHeaderCharactersAreReplaced() {
        assertThat(Escaping.appendHeader(new StringBuilder(), "su[do]:x", 48, "[]:")).hasToString("su_do__x");
    }

    @Test
    void sdNamesLoseReservedCharactersAndAreCutTo32() {
        assertThat(Escaping.appendSdName(new StringBuilder(), "a=b]c\"d e@1")).hasToString("a_b_c_d_e@1");
        assertThat(Escaping.appendSdName(new StringBuilder(), "x".repeat(40))).hasToString("x".repeat(32));
        assertThat(Escaping.appendSdName(new StringBuilder(), "")).hasToString("_");
    }

    @Test
    void sdValuesBackslashQuoteBackslashAndBracket() {
        assertThat(Escaping.appendSdValue(new StringBuilder(), "a\"b\\c]d[e\nf")).hasToString("a\\\"b\\\\c\\]d[e#012f");
    }
}
