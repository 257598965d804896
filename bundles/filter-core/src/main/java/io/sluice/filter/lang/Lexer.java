package io.sluice.filter.lang;

import io.sluice.filter.lang.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a chain file into tokens. Strings are double- or single-quoted with backslash escapes
 * ({@code \" \' \\ \n \t}; any other escaped character is kept with its backslash, so that regular
 * expressions need no double escaping); {@code #} starts a comment to the end of the line;
 * {@code [name]} is a custom field.
 */
final class Lexer {
    private final String file;
    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;

    Lexer(String file, String src) {
        this.file = file;
        this.src = src;
    }

    List<Token> tokens() throws ChainSyntaxException {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            int l = line;
            int c = pos - lineStart + 1;
            if (pos >= src.length()) {
                out.add(new Token(Kind.EOF, "", l, c));
                return out;
            }
            char ch = src.charAt(pos);
            if (ch == '"' || ch == '\'') {
                out.add(new Token(Kind.STRING, string(ch, l, c), l, c));
            } else if (ch == '[') {
                out.add(new Token(Kind.FIELD, field(l, c), l, c));
            } else if (Character.isLetter(ch) || ch == '_') {
                int s = pos;
                while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                    pos++;
                }
                out.add(new Token(Kind.IDENT, src.substring(s, pos), l, c));
            } else if (Character.isDigit(ch) || ch == '-' && pos + 1 < src.length()
                    && Character.isDigit(src.charAt(pos + 1))) {
                int s = pos++;
                while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')) {
                    pos++;
                }
                out.add(new Token(Kind.NUMBER, src.substring(s, pos), l, c));
            } else {
                out.add(operator(ch, l, c));
            }
        }
    }

    private Token operator(char ch, int l, int c) throws ChainSyntaxException {
        String two = pos + 1 < src.length() ? src.substring(pos, pos + 2) : "";
        Kind k = switch (two) {
            case ":=" -> Kind.ASSIGN;
            case "==" -> Kind.EQ;
            case "!=" -> Kind.NE;
            case "~*" -> Kind.MATCH_CI;
            case "+=" -> Kind.PLUS_ASSIGN;
            case "-=" -> Kind.MINUS_ASSIGN;
            default -> null;
        };
        if (k != null) {
            pos += 2;
            return new Token(k, two, l, c);
        }
        k = switch (ch) {
            case '{' -> Kind.LBRACE;
            case '}' -> Kind.RBRACE;
            case '(' -> Kind.LPAREN;
            case ')' -> Kind.RPAREN;
            case ',' -> Kind.COMMA;
            case '=' -> Kind.ASSIGN_NAMED;
            case '~' -> Kind.MATCH;
            case '+' -> Kind.PLUS;
            case ';' -> Kind.SEMICOLON;
            default -> null;
        };
        if (k == null) {
            throw new ChainSyntaxException(file, l, c, "unexpected character '" + printable(ch) + "'");
        }
        pos++;
        return new Token(k, String.valueOf(ch), l, c);
    }

    private String string(char quote, int l, int c) throws ChainSyntaxException {
        StringBuilder b = new StringBuilder();
        pos++;
        while (pos < src.length()) {
            char ch = src.charAt(pos++);
            if (ch == quote) {
                return b.toString();
            }
            if (ch == '\n') {
                break;
            }
            if (ch == '\\' && pos < src.length()) {
                char n = src.charAt(pos++);
                switch (n) {
                    case '"', '\'', '\\' -> b.append(n);
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    default -> b.append('\\').append(n);
                }
            } else {
                b.append(ch);
            }
        }
        throw new ChainSyntaxException(file, l, c, "string not closed on its line (expected " + quote + ")");
    }

    private String field(int l, int c) throws ChainSyntaxException {
        int s = ++pos;
        while (pos < src.length() && src.charAt(pos) != ']' && src.charAt(pos) != '\n') {
            pos++;
        }
        if (pos >= src.length() || src.charAt(pos) != ']') {
            throw new ChainSyntaxException(file, l, c, "field name not closed (expected ']')");
        }
        String name = src.substring(s, pos++).trim();
        if (name.isEmpty()) {
            throw new ChainSyntaxException(file, l, c, "empty field name []");
        }
        return name;
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char ch = src.charAt(pos);
            if (ch == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (Character.isWhitespace(ch)) {
                pos++;
            } else if (ch == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private static String printable(char ch) {
        return ch < 0x20 || ch == 0x7f ? String.format("\\u%04x", (int) ch) : String.valueOf(ch);
    }
}
