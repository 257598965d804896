package io.sluice.filter.builtin;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.osgi.service.component.annotations.Component;

/**
 * {@code date("field", "format", ..., timezone="UTC", locale="en", tag_on_failure="_dateparsefailure")}:
 * parses a custom field (or {@code "message"}) with the first format that fits and sets
 * {@code timereported}; matches when one did. Formats are java.time patterns
 * ({@code "dd/MMM/yyyy:HH:mm:ss Z"}, {@code "MMM d HH:mm:ss"}) or {@code ISO8601}, {@code UNIX}
 * (seconds, fractions allowed) and {@code UNIX_MS}, as Logstash's date filter names them. Without
 * an offset in the text, {@code timezone} applies; without a year (classic syslog), the year is the
 * one that puts the time closest to now (December lines read in January belong to last year). A
 * value no format fits gets the tag {@code tag_on_failure} (empty: none) and keeps its time.
 */
@Component(service = FilterFactory.class)
public class DateFilter implements FilterFactory {
    private final Clock clock;

    public DateFilter() {
        this(Clock.systemUTC());
    }

    DateFilter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "date";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly("timezone", "locale", "tag_on_failure");
        String field = args.positional(0);
        if (args.positional().size() < 2) {
            throw new IllegalArgumentException("date() needs a field and at least one format");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(args.named("timezone", "UTC"));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("timezone '" + args.named("timezone", "") + "' is not a time zone id");
        }
        Locale locale = Locale.forLanguageTag(args.named("locale", "en"));
        String failureTag = args.named("tag_on_failure", "_dateparsefailure");
        List<Function<String, OffsetDateTime>> parsers = new ArrayList<>();
        for (String f : args.positional().subList(1, args.positional().size())) {
            parsers.add(parser(f, zone, locale));
        }
        return e -> {
            Object v = field.equals("message") ? e.message() : e.field(field);
            if (v == null) {
                return FilterResult.noMatch();
            }
            String text = v.toString().trim();
            for (Function<String, OffsetDateTime> p : parsers) {
                OffsetDateTime t;
                try {
                    t = p.apply(text);
                } catch (DateTimeException | ArithmeticException | NumberFormatException notThisFormat) {
                    continue;
                }
                return FilterResult.matched(e.toBuilder().timereported(t).build());
            }
            return failureTag.isEmpty() ? FilterResult.noMatch()
                    : FilterResult.noMatch(e.toBuilder().tag(failureTag).build());
        };
    }

    private Function<String, OffsetDateTime> parser(String format, ZoneId zone, Locale locale) {
        switch (format) {
            case "ISO8601":
                return s -> {
                    TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(s.replace(' ', 'T'));
                    return at(t, zone);
                };
            case "UNIX":
                return s -> {
                    BigDecimal secs = new BigDecimal(s);
                    long whole = secs.longValue();
                    int nanos = secs.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
                    return Instant.ofEpochSecond(whole, nanos).atOffset(ZoneOffset.UTC);
                };
            case "UNIX_MS":
                return s -> Instant.ofEpochMilli(Long.parseLong(s)).atOffset(ZoneOffset.UTC);
            default:
                DateTimeFormatter f;
                try {
                    f = new DateTimeFormatterBuilder().parseCaseInsensitive().parseLenient().appendPattern(format)
                            .toFormatter(locale);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("format \"" + format + "\" is not a date pattern: "
                            + e.getMessage());
                }
                return s -> at(f.parse(s), zone);
        }
    }

    /** The parsed fields as a time: with their offset or zone if they have one, else in {@code zone}. */
    private OffsetDateTime at(TemporalAccessor t, ZoneId zone) {
        LocalTime time = t.query(TemporalQueries.localTime());
        if (time == null) {
            time = LocalTime.MIDNIGHT;
        }
        ZoneId z = t.query(TemporalQueries.zone());
        ZoneId use = z != null ? z : zone;
        LocalDate date = t.query(TemporalQueries.localDate());
        if (date == null) {
            if (!t.isSupported(ChronoField.MONTH_OF_YEAR) || !t.isSupported(ChronoField.DAY_OF_MONTH)) {
                throw new DateTimeException("no date");
            }
            date = nearestYear(t.get(ChronoField.MONTH_OF_YEAR), t.get(ChronoField.DAY_OF_MONTH), time, use);
        }
        return ZonedDateTime.of(LocalDateTime.of(date, time), use).toOffsetDateTime();
    }

    /**
     * The year of a date written without one, as syslog daemons decide it: this year, unless that
     * puts it more than a week ahead of now (a December line read in January: last year), or
     * almost a year behind while next year's would be within a week (a clock slightly ahead).
     */
    private LocalDate nearestYear(int month, int day, LocalTime time, ZoneId zone) {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
        int y = now.getYear();
        ZonedDateTime t = at(y, month, day, time, zone);
        if (t != null && t.isAfter(now.plusDays(7))) {
            ZonedDateTime last = at(y - 1, month, day, time, zone);
            t = last != null ? last : t;
        } else if (t == null || t.isBefore(now.minusDays(335))) {
            ZonedDateTime next = at(y + 1, month, day, time, zone);
            if (next != null && !next.isAfter(now.plusDays(7))) {
                t = next;
            } else if (t == null) {
                t = at(y - 1, month, day, time, zone);          // 29 February of a leap year
            }
        }
        if (t == null) {
            throw new DateTimeException("no such day");
        }
        return t.toLocalDate();
    }

    private static ZonedDateTime at(int year, int month, int day, LocalTime time, ZoneId zone) {
        try {
            return ZonedDateTime.of(LocalDate.of(year, month, day), time, zone);
        } catch (DateTimeException noSuchDay) {
            return null;
        }
    }
}
