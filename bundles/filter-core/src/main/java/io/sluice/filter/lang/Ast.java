package io.sluice.filter.lang;

import java.util.List;
import java.util.Map;

/** The syntax tree of a chain file, as {@link Parser} reads it. Every node keeps its position. */
final class Ast {
    private Ast() {
    }

    record Pos(int line, int column) {
    }

    sealed interface Stmt permits Call, If, Assign, Tags, Drop, Stop {
        Pos pos();
    }

    /** {@code name("a", key="v")}: a filter call, also usable as a condition. */
    record Call(Pos pos, String name, List<String> positional, Map<String, String> named) implements Stmt, Cond {
    }

    record If(Pos pos, Cond cond, List<Stmt> then, List<Stmt> otherwise) implements Stmt {
    }

    /** {@code [field] := expr} (custom field) or {@code message := expr} (core field). */
    record Assign(Pos pos, Expr.Ref target, Expr value) implements Stmt {
    }

    /** {@code tags += expr} / {@code tags -= expr}. */
    record Tags(Pos pos, boolean add, Expr value) implements Stmt {
    }

    record Drop(Pos pos) implements Stmt {
    }

    record Stop(Pos pos) implements Stmt {
    }

    sealed interface Cond permits Call, Compare, Match, In, Not, And, Or, Truthy {
    }

    record Compare(Pos pos, Expr left, boolean equal, Expr right) implements Cond {
    }

    record Match(Pos pos, Expr value, String regex, boolean caseInsensitive) implements Cond {
    }

    /** {@code expr in tags}, {@code expr notin [field]}. */
    record In(Pos pos, Expr value, boolean negated, Expr.Ref collection) implements Cond {
    }

    record Not(Cond cond) implements Cond {
    }

    record And(Cond left, Cond right) implements Cond {
    }

    record Or(Cond left, Cond right) implements Cond {
    }

    /** A bare expression as a condition: true when it has a non-empty value. */
    record Truthy(Pos pos, Expr value) implements Cond {
    }

    sealed interface Expr permits Expr.Const, Expr.Ref, Expr.Concat {
        record Const(String value) implements Expr {
        }

        /** A core field ({@code core} true: message, host, ...; or tags) or a custom {@code [field]}. */
        record Ref(Pos pos, String name, boolean core) implements Expr {
        }

        record Concat(List<Expr> parts) implements Expr {
        }
    }
}
