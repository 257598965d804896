package io.sluice.filter.lang;

import io.sluice.filter.lang.Ast.Cond;
import io.sluice.filter.lang.Ast.Expr;
import io.sluice.filter.lang.Ast.Pos;
import io.sluice.filter.lang.Ast.Stmt;
import io.sluice.filter.lang.Token.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a chain file into an {@link Ast} (recursive descent). The grammar, informally:
 *
 * <pre>
 * chain     := stmt*
 * stmt      := ( "if" cond block ( "else" ( "if" ... | block ) )?
 *             | "drop" | "stop"
 *             | ( FIELD | CORE ) ":=" expr
 *             | "tags" ( "+=" | "-=" ) expr
 *             | call ) ";"?
 * block     := "{" stmt* "}"
 * call      := NAME "(" ( arg ( "," arg )* )? ")"      arg := ( NAME "=" )? ( STRING | NUMBER | NAME )
 * cond      := and ( "or" and )*          and := unary ( "and" unary )*
 * unary     := "not" unary | "(" cond ")" | call | expr ( ( "==" | "!=" ) expr | ( "~" | "~*" ) STRING
 *                                                     | ( "in" | "notin" ) ( "tags" | FIELD ) )?
 * expr      := term ( "+" term )*         term := STRING | NUMBER | FIELD | CORE | "tags"
 * </pre>
 */
final class Parser {
    /** Core fields an expression may name without brackets. */
    static final Set<String> CORE = Set.of("severity", "facility", "host", "app_name", "procid", "msgid", "message",
            "timereported", "timegenerated", "id", "tags");
    private static final Set<String> KEYWORDS = Set.of("if", "else", "and", "or", "not", "in", "notin", "drop", "stop");

    private final String file;
    private final List<Token> tokens;
    private int i;

    Parser(String file, String source) throws ChainSyntaxException {
        this.file = file;
        this.tokens = new Lexer(file, source).tokens();
    }

    List<Stmt> chain() throws ChainSyntaxException {
        List<Stmt> out = new ArrayList<>();
        while (peek().kind() != Kind.EOF) {
            out.add(statement());
        }
        return out;
    }

    private Stmt statement() throws ChainSyntaxException {
        Token t = peek();
        Pos pos = pos(t);
        Stmt s;
        if (t.kind() == Kind.FIELD) {
            next();
            expect(Kind.ASSIGN, "':=' after " + t.describe());
            s = new Ast.Assign(pos, new Expr.Ref(pos, t.text(), false), expr());
        } else if (t.kind() == Kind.IDENT) {
            switch (t.text()) {
                case "if" -> s = ifStatement();
                case "drop" -> {
                    next();
                    s = new Ast.Drop(pos);
                }
                case "stop" -> {
                    next();
                    s = new Ast.Stop(pos);
                }
                case "tags" -> {
                    next();
                    Token op = next();
                    if (op.kind() != Kind.PLUS_ASSIGN && op.kind() != Kind.MINUS_ASSIGN) {
                        throw error(op, "expected '+=' or '-=' after tags, found " + op.describe());
                    }
                    s = new Ast.Tags(pos, op.kind() == Kind.PLUS_ASSIGN, expr());
                }
                default -> {
                    if (peek(1).kind() == Kind.ASSIGN) {
                        if (!CORE.contains(t.text())) {
                            throw error(t, "'" + t.text() + "' is not a core field (custom fields are written ["
                                    + t.text() + "])");
                        }
                        next();
                        next();
                        s = new Ast.Assign(pos, new Expr.Ref(pos, t.text(), true), expr());
                    } else if (peek(1).kind() == Kind.LPAREN) {
                        s = call();
                    } else {
                        throw error(peek(1), "expected '(' (a filter call) or ':=' after '" + t.text() + "', found "
                                + peek(1).describe());
                    }
                }
            }
        } else {
            throw error(t, "expected a statement (a filter call, if, [field] := ..., tags += ..., drop, stop), found "
                    + t.describe());
        }
        if (peek().kind() == Kind.SEMICOLON) {
            next();
        }
        return s;
    }

    private Stmt ifStatement() throws ChainSyntaxException {
        Token kw = next();
        Cond c = condition();
        List<Stmt> then = block();
        List<Stmt> otherwise = List.of();
        if (isWord(peek(), "else")) {
            next();
            otherwise = isWord(peek(), "if") ? List.of(ifStatement()) : block();
        }
        return new Ast.If(pos(kw), c, then, otherwise);
    }

    private List<Stmt> block() throws ChainSyntaxException {
        expect(Kind.LBRACE, "'{'");
        List<Stmt> out = new ArrayList<>();
        while (peek().kind() != Kind.RBRACE) {
            if (peek().kind() == Kind.EOF) {
                throw error(peek(), "expected '}' before the end of the file");
            }
            out.add(statement());
        }
        next();
        return out;
    }

    private Ast.Call call() throws ChainSyntaxException {
        Token name = next();
        if (KEYWORDS.contains(name.text()) || CORE.contains(name.text())) {
            throw error(name, "'" + name.text() + "' is a reserved word, not a filter");
        }
        expect(Kind.LPAREN, "'('");
        List<String> positional = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        if (peek().kind() != Kind.RPAREN) {
            while (true) {
                Token a = peek();
                if (a.kind() == Kind.IDENT && peek(1).kind() == Kind.ASSIGN_NAMED) {
                    next();
                    next();
                    if (named.put(a.text(), constant()) != null) {
                        throw error(a, "argument '" + a.text() + "' given twice");
                    }
                } else {
                    if (!named.isEmpty()) {
                        throw error(a, "positional argument after a named one");
                    }
                    positional.add(constant());
                }
                Token sep = next();
                if (sep.kind() == Kind.RPAREN) {
                    break;
                }
                if (sep.kind() != Kind.COMMA) {
                    throw error(sep, "expected ',' or ')' in the arguments of " + name.text() + "(), found "
                            + sep.describe());
                }
            }
        } else {
            next();
        }
        return new Ast.Call(pos(name), name.text(), positional, named);
    }

    private String constant() throws ChainSyntaxException {
        Token t = next();
        if (t.kind() == Kind.STRING || t.kind() == Kind.NUMBER || t.kind() == Kind.IDENT) {
            return t.text();
        }
        throw error(t, "expected a constant (\"text\", a number or a word), found " + t.describe());
    }

    private Cond condition() throws ChainSyntaxException {
        Cond left = and();
        while (isWord(peek(), "or")) {
            next();
            left = new Ast.Or(left, and());
        }
        return left;
    }

    private Cond and() throws ChainSyntaxException {
        Cond left = unary();
        while (isWord(peek(), "and")) {
            next();
            left = new Ast.And(left, unary());
        }
        return left;
    }

    private Cond unary() throws ChainSyntaxException {
        Token t = peek();
        if (isWord(t, "not")) {
            next();
            return new Ast.Not(unary());
        }
        if (t.kind() == Kind.LPAREN) {
            next();
            Cond c = condition();
            expect(Kind.RPAREN, "')'");
            return c;
        }
        if (t.kind() == Kind.IDENT && peek(1).kind() == Kind.LPAREN && !KEYWORDS.contains(t.text())) {
            return call();
        }
        Expr left = expr();
        Token op = peek();
        switch (op.kind()) {
            case EQ, NE -> {
                next();
                return new Ast.Compare(pos(op), left, op.kind() == Kind.EQ, expr());
            }
            case MATCH, MATCH_CI -> {
                next();
                Token re = next();
                if (re.kind() != Kind.STRING) {
                    throw error(re, "expected a quoted regular expression after " + op.describe() + ", found "
                            + re.describe());
                }
                return new Ast.Match(pos(re), left, re.text(), op.kind() == Kind.MATCH_CI);
            }
            default -> {
                if (isWord(op, "in") || isWord(op, "notin")) {
                    next();
                    Token c = next();
                    Expr.Ref coll;
                    if (isWord(c, "tags")) {
                        coll = new Expr.Ref(pos(c), "tags", true);
                    } else if (c.kind() == Kind.FIELD) {
                        coll = new Expr.Ref(pos(c), c.text(), false);
                    } else {
                        throw error(c, "expected tags or a [field] after " + op.text() + ", found " + c.describe());
                    }
                    return new Ast.In(pos(op), left, op.text().equals("notin"), coll);
                }
                return new Ast.Truthy(pos(t), left);
            }
        }
    }

    private Expr expr() throws ChainSyntaxException {
        List<Expr> parts = new ArrayList<>();
        parts.add(term());
        while (peek().kind() == Kind.PLUS) {
            next();
            parts.add(term());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Concat(parts);
    }

    private Expr term() throws ChainSyntaxException {
        Token t = next();
        return switch (t.kind()) {
            case STRING, NUMBER -> new Expr.Const(t.text());
            case FIELD -> new Expr.Ref(pos(t), t.text(), false);
            case IDENT -> {
                if (!CORE.contains(t.text())) {
                    throw error(t, "'" + t.text() + "' is not a core field (" + String.join(", ", new java.util.TreeSet<>(CORE))
                            + "); custom fields are written [" + t.text() + "], text is quoted");
                }
                yield new Expr.Ref(pos(t), t.text(), true);
            }
            default -> throw error(t, "expected a value (\"text\", a number, a field), found " + t.describe());
        };
    }

    private Token peek() {
        return tokens.get(i);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(i + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(i);
        if (t.kind() != Kind.EOF) {
            i++;
        }
        return t;
    }

    private void expect(Kind kind, String what) throws ChainSyntaxException {
        Token t = next();
        if (t.kind() != kind) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
    }

    private static boolean isWord(Token t, String word) {
        return t.kind() == Kind.IDENT && t.text().equals(word);
    }

    private static Pos pos(Token t) {
        return new Pos(t.line(), t.column());
    }

    private ChainSyntaxException error(Token t, String problem) {
        return new ChainSyntaxException(file, t.line(), t.column(), problem);
    }
}
