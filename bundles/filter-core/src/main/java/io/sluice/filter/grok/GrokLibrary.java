package io.sluice.filter.grok;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Named grok patterns ({@code NAME regex} per line, {@code #} comments) and the compiler that turns
 * {@code %{NAME}}, {@code %{NAME:field}} and {@code %{NAME:field:int|float}} into one Java regular
 * expression. The standard library is logstash-patterns-core, in its {@code legacy} and
 * {@code ecs-v1} sets; user files add and override names.
 *
 * <p>The patterns are written for Oniguruma (Logstash's engine); the few constructs whose meaning
 * differs in java.util.regex are translated: {@code \h} (a hex digit there, horizontal space here),
 * POSIX classes {@code [:alnum:]}, the nested repeat {@code x?*} and a literal {@code {} (Java refuses both), and named groups, whose names (with ECS's {@code [a][b]}) Java
 * does not accept: every capture gets a generated group name and keeps its field name aside.
 */
public final class GrokLibrary {
    /** The standard sets shipped in this bundle. */
    public static final List<String> SETS = List.of("legacy", "ecs-v1");
    private static final Map<String, GrokLibrary> BUILT_IN = new ConcurrentHashMap<>();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern INTERVAL = Pattern.compile("\\{(\\d+(,\\d*)?|,\\d+)\\}");

    private final Map<String, String> definitions;

    private GrokLibrary(Map<String, String> definitions) {
        this.definitions = definitions;
    }

    /** The standard set {@code legacy} or {@code ecs-v1}. */
    public static GrokLibrary builtIn(String set) {
        if (!SETS.contains(set)) {
            throw new IllegalArgumentException("unknown pattern set '" + set + "' (legacy or ecs-v1)");
        }
        return BUILT_IN.computeIfAbsent(set, GrokLibrary::load);
    }

    private static GrokLibrary load(String set) {
        Map<String, String> defs = new HashMap<>();
        String base = "patterns/";
        try {
            for (String file : resource(base + set + ".index").split("\n")) {
                if (!file.isBlank()) {
                    parse(resource(base + set + "/" + file.trim()), set + "/" + file.trim(), defs);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("grok pattern set " + set + " is missing from the bundle", e);
        }
        return new GrokLibrary(Map.copyOf(defs));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = GrokLibrary.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " not found");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** This library plus the pattern files of {@code dir} (every regular file; theirs win). */
    public GrokLibrary withFiles(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return this;
        }
        Map<String, String> defs = new HashMap<>(definitions);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")) {
                    parse(Files.readString(f, StandardCharsets.UTF_8), f.toString(), defs);
                }
            }
        }
        return new GrokLibrary(defs);
    }

    /** This library plus definitions given in text (for tests and inline use). */
    public GrokLibrary with(String text) {
        Map<String, String> defs = new HashMap<>(definitions);
        parse(text, "inline", defs);
        return new GrokLibrary(defs);
    }

    static void parse(String text, String source, Map<String, String> into) {
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int sp = indexOfSpace(l);
            if (sp < 0 || !NAME.matcher(l.substring(0, sp)).matches()) {
                throw new IllegalArgumentException(source + ":" + n + ": expected 'NAME pattern', found \"" + l + "\"");
            }
            into.put(l.substring(0, sp), l.substring(sp).strip());
        }
    }

    private static int indexOfSpace(String l) {
        for (int i = 0; i < l.length(); i++) {
            if (Character.isWhitespace(l.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    public boolean has(String name) {
        return definitions.containsKey(name);
    }

    public int size() {
        return definitions.size();
    }

    /**
     * Compiles a grok expression. Throws {@link IllegalArgumentException} naming the unknown
     * pattern, a reference cycle, or why the resulting regular expression does not compile.
     */
    public GrokPattern compile(String grok) {
        List<GrokPattern.Capture> captures = new ArrayList<>();
        StringBuilder regex = new StringBuilder(grok.length() * 4);
        expand(grok, new ArrayDeque<>(), regex, captures);
        try {
            return new GrokPattern(grok, Pattern.compile(regex.toString()), captures);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("grok pattern \"" + grok + "\" does not compile: " + e.getDescription()
                    + " (in the expanded regular expression near index " + e.getIndex() + ")");
        }
    }

    private void expand(String p, Deque<String> stack, StringBuilder out, List<GrokPattern.Capture> caps) {
        int i = 0;
        int n = p.length();
        while (i < n) {
            char c = p.charAt(i);
            if (c == '%' && i + 1 < n && p.charAt(i + 1) == '{') {
                int end = p.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("'%{' without '}' in \"" + p + "\"");
                }
                reference(p.substring(i + 2, end), stack, out, caps);
                i = end + 1;
            } else if (c == '\\' && i + 1 < n) {
                char e = p.charAt(i + 1);
                if (e == 'h') {
                    out.append("[0-9a-fA-F]");          // Oniguruma's \h: a hex digit
                } else {
                    out.append(c).append(e);
                }
                i += 2;
            } else if (c == '(' && p.startsWith("(?<", i) && i + 3 < n && p.charAt(i + 3) != '='
                    && p.charAt(i + 3) != '!') {
                int end = p.indexOf('>', i + 3);
                if (end < 0) {
                    throw new IllegalArgumentException("named group without '>' in \"" + p + "\"");
                }
                caps.add(new GrokPattern.Capture(fieldName(p.substring(i + 3, end)), null));
                out.append("(?<g").append(caps.size()).append('>');
                i = end + 1;
            } else if (c == '{' && !INTERVAL.matcher(p).region(i, n).lookingAt()) {
                out.append("\\{");                     // Oniguruma: a '{' that opens no {n,m} is a literal
                i++;
            } else if (c == '?' && i + 1 < n && p.charAt(i + 1) == '*' && i > 0 && p.charAt(i - 1) != '(') {
                out.append('*');                        // Oniguruma's nested x?* is (?:x?)*, i.e. x*
                i += 2;
            } else if (c == '[' && p.startsWith("[:", i)) {
                int end = p.indexOf(":]", i + 2);
                String cls = end < 0 ? null : posix(p.substring(i + 2, end));
                if (cls != null) {
                    out.append(cls);
                    i = end + 2;
                } else {
                    out.append(c);
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
    }

    private void reference(String spec, Deque<String> stack, StringBuilder out, List<GrokPattern.Capture> caps) {
        String[] parts = spec.split(":", 3);
        String name = parts[0];
        String def = definitions.get(name);
        if (def == null) {
            throw new IllegalArgumentException("unknown grok pattern %{" + name + "}");
        }
        if (stack.contains(name)) {
            List<String> path = new ArrayList<>(stack);
            java.util.Collections.reverse(path);
            throw new IllegalArgumentException("grok pattern %{" + name + "} refers to itself ("
                    + String.join(" -> ", path) + " -> " + name + ")");
        }
        GrokPattern.Type type = null;
        if (parts.length == 3) {
            type = switch (parts[2]) {
                case "int", "integer", "long" -> GrokPattern.Type.INT;
                case "float", "double" -> GrokPattern.Type.FLOAT;
                default -> throw new IllegalArgumentException("%{" + spec + "}: type must be int or float, not '"
                        + parts[2] + "'");
            };
        }
        stack.push(name);
        if (parts.length >= 2 && !parts[1].isEmpty()) {
            caps.add(new GrokPattern.Capture(fieldName(parts[1]), type));
            out.append("(?<g").append(caps.size()).append('>');
        } else {
            out.append("(?:");
        }
        expand(def, stack, out, caps);
        out.append(')');
        stack.pop();
    }

    /** {@code [source][ip]} (ECS) becomes {@code source.ip}; a plain name stays. */
    static String fieldName(String f) {
        if (f.startsWith("[") && f.endsWith("]")) {
            return f.substring(1, f.length() - 1).replace("][", ".");
        }
        return f;
    }

    private static String posix(String name) {
        return switch (name) {
            case "alnum" -> "\\p{Alnum}";
            case "alpha" -> "\\p{Alpha}";
            case "digit" -> "\\p{Digit}";
            case "lower" -> "\\p{Lower}";
            case "upper" -> "\\p{Upper}";
            case "space" -> "\\s";
            case "punct" -> "\\p{Punct}";
            case "xdigit" -> "\\p{XDigit}";
            default -> null;
        };
    }
}
