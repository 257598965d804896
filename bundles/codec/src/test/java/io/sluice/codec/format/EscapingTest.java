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

    @org.junit.jupiter.api.Test
    void wordAtATimeControlScanAgreesWithTheCharacterByCharacterDefinition() {
        java.util.Random r = new java.util.Random(7);
        char[] alphabet = {'a', 'Z', ' ', '~', '\u007f', '\u0000', '\u001f', '\t', '\n', '\u0080', '\u00e9', '\u20ac',
            '\u00ff', '!', '\u0020'};
        for (int round = 0; round < 20_000; round++) {
            int len = r.nextInt(40);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < len; i++) {
                // mostly printable, sometimes a control, anywhere in a word
                sb.append(r.nextInt(10) == 0 ? alphabet[r.nextInt(alphabet.length)] : (char) ('a' + r.nextInt(26)));
            }
            String s = sb.toString();
            boolean exact = s.chars().anyMatch(c -> Escaping.isControl((char) c));
            if (exact) {
                org.assertj.core.api.Assertions.assertThat(Escaping.mayHaveControl(s)).as(s).isTrue();
            }
            StringBuilder reference = new StringBuilder();
            for (char c : s.toCharArray()) {
                if (Escaping.isControl(c)) {
                    reference.append('#').append(String.format("%03o", (int) c));
                } else {
                    reference.append(c);
                }
            }
            org.assertj.core.api.Assertions.assertThat(Escaping.escape(s)).as(s).isEqualTo(reference.toString());
        }
        org.assertj.core.api.Assertions.assertThat(Escaping.mayHaveControl("plain ascii text of some length")).isFalse();
        org.assertj.core.api.Assertions.assertThat(Escaping.mayHaveControl("caf\u00e9 \u20ac 100 and more text")).isFalse();
    }
}
