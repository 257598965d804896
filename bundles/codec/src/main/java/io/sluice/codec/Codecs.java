package io.sluice.codec;

import io.sluice.api.codec.EventFormatter;
import io.sluice.api.codec.EventParser;
import io.sluice.api.codec.FormatterOptions;
import io.sluice.api.codec.ParserOptions;
import io.sluice.codec.auto.AutoDetectingParser;
import io.sluice.codec.format.Rfc3164Formatter;
import io.sluice.codec.format.Rfc5424Formatter;
import io.sluice.codec.format.RsyslogFileFormatter;
import io.sluice.codec.format.TemplateFormatter;
import io.sluice.codec.json.JsonEventFormatter;
import io.sluice.codec.json.JsonEventParser;
import io.sluice.codec.rfc3164.Rfc3164Parser;
import io.sluice.codec.rfc5424.Rfc5424Parser;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The formats this bundle ships, by name: the one table the services, the shell and benchmarks use. */
public final class Codecs {
    private static final Map<String, Function<ParserOptions, EventParser>> PARSERS = Map.of(
            "rfc5424", Rfc5424Parser::new,
            "rfc3164", Rfc3164Parser::new,
            "json", JsonEventParser::new,
            "auto", o -> new AutoDetectingParser(o, new Rfc5424Parser(o), new Rfc3164Parser(o), new JsonEventParser(o)));

    private static final Map<String, Function<FormatterOptions, EventFormatter>> FORMATTERS = Map.of(
            "json", o -> new JsonEventFormatter(),
            "rfc5424", o -> new Rfc5424Formatter(),
            "rfc3164", Rfc3164Formatter::new,
            "rsyslog-file", o -> new RsyslogFileFormatter(),
            "template", TemplateFormatter::new);

    /** Parser format names, in the order documented. */
    public static final List<String> PARSER_FORMATS = List.of("rfc5424", "rfc3164", "json", "auto");
    /** Formatter format names, in the order documented. */
    public static final List<String> FORMATTER_FORMATS = List.of("json", "rfc5424", "rfc3164", "rsyslog-file",
            "template");

    private Codecs() {
    }

    /**
     * @throws IllegalArgumentException for an unknown format, naming the known ones
     */
    public static EventParser parser(String format, ParserOptions options) {
        Function<ParserOptions, EventParser> f = PARSERS.get(format);
        if (f == null) {
            throw new IllegalArgumentException("unknown input format '" + format + "': expected one of " + PARSER_FORMATS);
        }
        return f.apply(options);
    }

    /**
     * @throws IllegalArgumentException for an unknown format, or options it cannot use (a bad template)
     */
    public static EventFormatter formatter(String format, FormatterOptions options) {
        Function<FormatterOptions, EventFormatter> f = FORMATTERS.get(format);
        if (f == null) {
            throw new IllegalArgumentException("unknown output format '" + format + "': expected one of "
                    + FORMATTER_FORMATS);
        }
        if ("template".equals(format) && options.template() == null) {
            throw new IllegalArgumentException("the template format needs a template");
        }
        return f.apply(options);
    }
}
