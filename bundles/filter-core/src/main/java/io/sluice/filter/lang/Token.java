package io.sluice.filter.lang;

/** A token of a chain file, with where it starts (line and column from 1). */
record Token(Kind kind, String text, int line, int column) {

    enum Kind {
        IDENT, STRING, NUMBER, FIELD, LBRACE, RBRACE, LPAREN, RPAREN, COMMA, ASSIGN_NAMED, ASSIGN, EQ, NE,
        MATCH, MATCH_CI, PLUS, PLUS_ASSIGN, MINUS_ASSIGN, SEMICOLON, EOF
    }

    /** How an error message names it. */
    String describe() {
        return switch (kind) {
            case EOF -> "the end of the file";
            case STRING -> "\"" + text + "\"";
            case FIELD -> "[" + text + "]";
            default -> "'" + text + "'";
        };
    }
}
