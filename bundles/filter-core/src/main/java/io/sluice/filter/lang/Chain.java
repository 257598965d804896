package io.sluice.filter.lang;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import io.sluice.filter.lang.Ast.Cond;
import io.sluice.filter.lang.Ast.Expr;
import io.sluice.filter.lang.Ast.Stmt;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A loaded filter chain: its file parsed, every filter call resolved and made, every regular
 * expression compiled — all at load time, so that nothing of that can fail on an event.
 * {@link #apply(Event)} is thread-safe.
 *
 * <p>Semantics: statements run in order; a filter call replaces the event with what the filter
 * made of it; {@code drop} ends the chain and drops the event; {@code stop} ends the chain and
 * passes the event on. A missing field has no value: it is not equal to anything, concatenates as
 * "", and is false as a condition. {@code ==} is true if any value of a multi-valued field (a list)
 * equals the other side; {@code !=} is its negation. {@code ~} finds the regular expression
 * anywhere in the value (Java syntax), {@code ~*} ignoring case.
 */
public final class Chain {
    private static final Set<String> READ_ONLY = Set.of("timereported", "timegenerated", "id", "tags");

    private final String name;
    private final List<Node> body;
    private final List<FilterStats> stats = new ArrayList<>();
    private final Set<String> filters = new TreeSet<>();

    private Chain(String name) {
        this.name = name;
        this.body = new ArrayList<>();
    }

    /**
     * Loads a chain. {@code filters} gives the factory for a filter name, or null when there is
     * none; {@code file} names the source in error messages.
     */
    public static Chain load(String name, String file, String source, Function<String, FilterFactory> filters)
            throws ChainSyntaxException {
        Chain c = new Chain(name);
        List<Stmt> ast = new Parser(file, source).chain();
        new Compiler(c, file, filters).block(ast, c.body);
        return c;
    }

    public String name() {
        return name;
    }

    /** Whether the chain has no statement (a file of comments): it leaves every event as it is. */
    public boolean isEmpty() {
        return body.isEmpty();
    }

    /** The filter names the chain calls. */
    public Set<String> filters() {
        return Collections.unmodifiableSet(filters);
    }

    /** One entry per filter call in the file, in file order. */
    public List<FilterStats> stats() {
        return Collections.unmodifiableList(stats);
    }

    /**
     * Runs the chain over one event: the event to pass on to the output stream, or null when it is
     * dropped or routed away from it.
     */
    public Event apply(Event event) {
        Event[] kept = new Event[1];
        apply(event, new Sink() {
            @Override
            public void output(Event e) {
                kept[0] = e;
            }

            @Override
            public void route(String stream, Event e) {
            }

            @Override
            public void dropped() {
            }
        });
        return kept[0];
    }

    /** Runs the chain over one event and tells {@code sink} where it goes. */
    public void apply(Event event, Sink sink) {
        Ctx ctx = new Ctx(event);
        if (run(body, ctx) == Flow.DROP) {
            sink.dropped();
            return;
        }
        if (ctx.routes != null) {
            for (String stream : ctx.routes) {
                sink.route(stream, ctx.event);
            }
        }
        if (ctx.keep) {
            sink.output(ctx.event);
        }
    }

    /** Where the events a chain let through go. */
    public interface Sink {
        /** To the stage's own output stream. */
        void output(Event event);

        /** To another stream ({@code router}): called once per stream, before {@link #output}. */
        void route(String stream, Event event);

        /** Dropped. */
        void dropped();
    }

    private static Flow run(List<Node> nodes, Ctx ctx) {
        for (Node n : nodes) {
            Flow f = n.run(ctx);
            if (f != Flow.NEXT) {
                return f;
            }
        }
        return Flow.NEXT;
    }

    private enum Flow { NEXT, STOP, DROP }

    private static final class Ctx {
        Event event;
        java.util.Set<String> routes;
        boolean keep = true;

        Ctx(Event event) {
            this.event = event;
        }
    }

    @FunctionalInterface
    private interface Node {
        Flow run(Ctx ctx);
    }

    @FunctionalInterface
    private interface Test {
        boolean test(Ctx ctx);
    }

    /** An expression's value: null (none), a String, or a List of Strings (a multi-valued field). */
    @FunctionalInterface
    private interface Value {
        Object of(Ctx ctx);
    }

    /** A filter call site, run as a statement or as a condition. */
    private static final class CallSite {
        final EventFilter filter;
        final FilterStats stats;

        CallSite(EventFilter filter, FilterStats stats) {
            this.filter = filter;
            this.stats = stats;
        }

        /** Runs the filter; returns its result, or no match when it threw (counted as failed). */
        FilterResult call(Ctx ctx) {
            long t0 = System.nanoTime();
            stats.calls.increment();
            FilterResult r;
            try {
                r = filter.filter(ctx.event);
                if (r == null) {
                    r = FilterResult.noMatch();
                }
            } catch (RuntimeException e) {
                stats.failed.increment();
                r = FilterResult.noMatch();
            }
            if (r.matched()) {
                stats.matched.increment();
            }
            if (!r.dropped() && r.event() != null) {
                ctx.event = r.event();
            }
            if (!r.streams().isEmpty()) {
                if (ctx.routes == null) {
                    ctx.routes = new java.util.LinkedHashSet<>();
                }
                ctx.routes.addAll(r.streams());
                ctx.keep = r.keep();
            }
            stats.nanos.add(System.nanoTime() - t0);
            return r;
        }
    }

    private static final class Compiler {
        private final Chain chain;
        private final String file;
        private final Function<String, FilterFactory> factories;

        Compiler(Chain chain, String file, Function<String, FilterFactory> factories) {
            this.chain = chain;
            this.file = file;
            this.factories = factories;
        }

        void block(List<Stmt> in, List<Node> out) throws ChainSyntaxException {
            for (Stmt s : in) {
                out.add(statement(s));
            }
        }

        Node statement(Stmt s) throws ChainSyntaxException {
            if (s instanceof Ast.Call c) {
                CallSite site = site(c);
                return ctx -> site.call(ctx).dropped() ? Flow.DROP : Flow.NEXT;
            }
            if (s instanceof Ast.If i) {
                Test t = condition(i.cond());
                List<Node> then = new ArrayList<>();
                List<Node> otherwise = new ArrayList<>();
                block(i.then(), then);
                block(i.otherwise(), otherwise);
                return ctx -> {
                    try {
                        return run(t.test(ctx) ? then : otherwise, ctx);
                    } catch (Dropped d) {
                        return Flow.DROP;
                    }
                };
            }
            if (s instanceof Ast.Assign a) {
                return assign(a);
            }
            if (s instanceof Ast.Tags t) {
                Value v = value(t.value());
                boolean add = t.add();
                return ctx -> {
                    List<String> values = strings(v.of(ctx));
                    if (!values.isEmpty()) {
                        Event.Builder b = ctx.event.toBuilder();
                        for (String x : values) {
                            if (add) {
                                b.tag(x);
                            } else {
                                b.removeTag(x);
                            }
                        }
                        ctx.event = b.build();
                    }
                    return Flow.NEXT;
                };
            }
            if (s instanceof Ast.Drop) {
                return ctx -> Flow.DROP;
            }
            return ctx -> Flow.STOP;
        }

        private Node assign(Ast.Assign a) throws ChainSyntaxException {
            Expr.Ref target = a.target();
            Value v = value(a.value());
            if (!target.core()) {
                String field = target.name();
                // [a] := [b] keeps b's type (a number stays a number); anything else is text
                boolean copy = a.value() instanceof Expr.Ref r && !r.core();
                String from = copy ? ((Expr.Ref) a.value()).name() : null;
                return ctx -> {
                    Object value = copy ? ctx.event.field(from) : v.of(ctx);
                    ctx.event = value == null ? ctx.event.toBuilder().removeField(field).build()
                            : ctx.event.toBuilder().field(field, value).build();
                    return Flow.NEXT;
                };
            }
            if (READ_ONLY.contains(target.name())) {
                throw new ChainSyntaxException(file, target.pos().line(), target.pos().column(), "cannot assign to "
                        + target.name() + (target.name().equals("tags") ? " (use tags += or tags -=)" : ""));
            }
            String core = target.name();
            return ctx -> {
                String value = text(v.of(ctx));
                Event.Builder b = ctx.event.toBuilder();
                try {
                    switch (core) {
                        case "message" -> b.message(value == null ? "" : value);
                        case "host" -> b.host(value);
                        case "app_name" -> b.appName(value);
                        case "procid" -> b.procId(value);
                        case "msgid" -> b.msgId(value);
                        case "severity" -> b.severity(value);
                        case "facility" -> b.facility(value);
                        default -> throw new IllegalStateException(core);
                    }
                    ctx.event = b.build();
                } catch (IllegalArgumentException notASeverityOrFacility) {
                    // the event keeps its value: a bad name in a field must not stop the chain
                }
                return Flow.NEXT;
            };
        }

        private CallSite site(Ast.Call c) throws ChainSyntaxException {
            FilterFactory f = factories.apply(c.name());
            if (f == null) {
                throw new ChainSyntaxException(file, c.pos().line(), c.pos().column(), "unknown filter '" + c.name()
                        + "' (no filter of that name is installed)", c.name());
            }
            EventFilter filter;
            try {
                filter = f.create(new FilterArguments(c.name(), c.positional(), c.named()));
            } catch (RuntimeException e) {
                throw new ChainSyntaxException(file, c.pos().line(), c.pos().column(), c.name() + "(): "
                        + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
            if (filter == null) {
                throw new ChainSyntaxException(file, c.pos().line(), c.pos().column(), c.name() + "(): the filter "
                        + "factory made no filter");
            }
            FilterStats st = new FilterStats(c.name(), c.pos().line());
            chain.stats.add(st);
            chain.filters.add(c.name());
            return new CallSite(filter, st);
        }

        Test condition(Cond c) throws ChainSyntaxException {
            if (c instanceof Ast.Call call) {
                CallSite site = site(call);
                return ctx -> {
                    FilterResult r = site.call(ctx);
                    if (r.dropped()) {
                        throw Dropped.INSTANCE;
                    }
                    return r.matched();
                };
            }
            if (c instanceof Ast.Not n) {
                Test t = condition(n.cond());
                return ctx -> !t.test(ctx);
            }
            if (c instanceof Ast.And a) {
                Test l = condition(a.left());
                Test r = condition(a.right());
                return ctx -> l.test(ctx) && r.test(ctx);
            }
            if (c instanceof Ast.Or o) {
                Test l = condition(o.left());
                Test r = condition(o.right());
                return ctx -> l.test(ctx) || r.test(ctx);
            }
            if (c instanceof Ast.Compare cmp) {
                Value l = value(cmp.left());
                Value r = value(cmp.right());
                boolean equal = cmp.equal();
                return ctx -> anyEqual(l.of(ctx), r.of(ctx)) == equal;
            }
            if (c instanceof Ast.Match m) {
                Pattern p;
                try {
                    p = Pattern.compile(m.regex(), m.caseInsensitive()
                            ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
                } catch (PatternSyntaxException e) {
                    throw new ChainSyntaxException(file, m.pos().line(), m.pos().column(),
                            "bad regular expression: " + e.getDescription() + " near index " + e.getIndex());
                }
                Value v = value(m.value());
                return ctx -> {
                    for (String s : strings(v.of(ctx))) {
                        if (p.matcher(s).find()) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            if (c instanceof Ast.In in) {
                Value v = value(in.value());
                Value coll = value(in.collection());
                boolean negated = in.negated();
                return ctx -> anyEqual(v.of(ctx), coll.of(ctx)) != negated;
            }
            Ast.Truthy t = (Ast.Truthy) c;
            Value v = value(t.value());
            return ctx -> {
                Object x = v.of(ctx);
                return x instanceof String s ? !s.isEmpty() : x instanceof List<?> l && !l.isEmpty();
            };
        }

        Value value(Expr e) {
            if (e instanceof Expr.Const k) {
                String s = k.value();
                return ctx -> s;
            }
            if (e instanceof Expr.Concat cc) {
                List<Value> parts = new ArrayList<>();
                for (Expr p : cc.parts()) {
                    parts.add(value(p));
                }
                return ctx -> {
                    StringBuilder b = new StringBuilder();
                    for (Value p : parts) {
                        String s = text(p.of(ctx));
                        if (s != null) {
                            b.append(s);
                        }
                    }
                    return b.toString();
                };
            }
            Expr.Ref r = (Expr.Ref) e;
            String n = r.name();
            if (!r.core()) {
                return ctx -> normalise(ctx.event.field(n));
            }
            return switch (n) {
                case "message" -> ctx -> ctx.event.message();
                case "host" -> ctx -> ctx.event.host();
                case "app_name" -> ctx -> ctx.event.appName();
                case "procid" -> ctx -> ctx.event.procId();
                case "msgid" -> ctx -> ctx.event.msgId();
                case "severity" -> ctx -> ctx.event.severity().keyword();
                case "facility" -> ctx -> ctx.event.facility().keyword();
                case "timereported" -> ctx -> ctx.event.timereported() == null ? null
                        : ctx.event.timereported().toString();
                case "timegenerated" -> ctx -> ctx.event.timegenerated().toString();
                case "id" -> ctx -> ctx.event.id();
                case "tags" -> ctx -> List.copyOf(ctx.event.tags());
                default -> throw new IllegalStateException("core field " + n);
            };
        }
    }

    /** A filter asked to drop the event while used as a condition. */
    private static final class Dropped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Dropped INSTANCE = new Dropped();

        private Dropped() {
            super(null, null, false, false);
        }
    }

    private static Object normalise(Object fieldValue) {
        if (fieldValue == null || fieldValue instanceof String) {
            return fieldValue;
        }
        if (fieldValue instanceof Collection<?> c) {
            List<String> out = new ArrayList<>(c.size());
            for (Object o : c) {
                if (o != null) {
                    out.add(o.toString());
                }
            }
            return out;
        }
        return fieldValue.toString();
    }

    private static List<String> strings(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        @SuppressWarnings("unchecked")
        List<String> l = (List<String>) v;
        return l;
    }

    private static String text(Object v) {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        return String.join(",", strings(v));
    }

    private static boolean anyEqual(Object a, Object b) {
        for (String x : strings(a)) {
            for (String y : strings(b)) {
                if (x.equals(y)) {
                    return true;
                }
            }
        }
        return false;
    }
}
