package io.sluice.codec.json;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;

/** The timestamps the JSON parser accepts. */
final class JsonTimes {
    /**
     * RFC 3339 and its usual relaxations: {@code T}, {@code t} or a space between date and time,
     * any fraction up to 9 digits, offset {@code Z}/{@code z}, {@code ±hh:mm} or {@code ±hhmm}, or no
     * offset at all (then the parser's zone applies).
     */
    private static final DateTimeFormatter TOLERANT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(IsoChronology.INSTANCE);

    private static final BigDecimal E11 = BigDecimal.TEN.pow(11);
    private static final BigDecimal E14 = BigDecimal.TEN.pow(14);
    private static final BigDecimal E17 = BigDecimal.TEN.pow(17);

    private JsonTimes() {
    }

    /**
     * @throws DateTimeException (incl. its parse subclass) or ArithmeticException when {@code s}
     *     is no timestamp we accept
     */
    static OffsetDateTime parse(String s, ZoneId zone) {
        TemporalAccessor t = TOLERANT.parseBest(s.strip(), OffsetDateTime::from, LocalDateTime::from);
        if (t instanceof OffsetDateTime odt) {
            return odt;
        }
        return ((LocalDateTime) t).atZone(zone).toOffsetDateTime();
    }

    /**
     * A number of seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by
     * magnitude: below 10^11 seconds (GELF style, fraction allowed), below 10^14 milliseconds, below
     * 10^17 microseconds, else nanoseconds.
     */
    static OffsetDateTime fromEpoch(Number n) {
        BigDecimal v = n instanceof BigDecimal bd ? bd : new BigDecimal(n.toString());
        BigDecimal abs = v.abs();
        int scale;
        if (abs.compareTo(E11) < 0) {
            scale = 0;
        } else if (abs.compareTo(E14) < 0) {
            scale = 3;
        } else if (abs.compareTo(E17) < 0) {
            scale = 6;
        } else {
            scale = 9;
        }
        BigDecimal seconds = v.movePointLeft(scale);
        BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
        long nanos = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.DOWN).longValueExact();
        Instant i = Instant.ofEpochSecond(whole.longValueExact(), nanos);
        return i.atOffset(ZoneOffset.UTC);
    }
}
