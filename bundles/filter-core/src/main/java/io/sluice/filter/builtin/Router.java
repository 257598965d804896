package io.sluice.filter.builtin;

import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;

/**
 * {@code router("stream", ..., keep=false)}: sends the event to other streams of the bus, where
 * shippers configured with that {@code stream} consume it (Graylog's streams). The chain goes on
 * with the event; when it ends, the event is published once to each stream it was routed to and,
 * with {@code keep=true}, to the filter stage's own output stream too. Always matches.
 *
 * <p>Stream names are checked when the chain loads: lower-case letters, digits, {@code _ . -}, up to
 * 64 characters, not {@code ingest} (that would feed the event back to the filter stage) and not
 * {@code events} (the chain's output already: {@code keep=true} is how an event stays there).
 */
@Component(service = FilterFactory.class)
public class Router implements FilterFactory {
    private static final Pattern STREAM = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    @Override
    public String name() {
        return "router";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly("keep");
        boolean keep = args.bool("keep", false);
        args.positional(0);
        Set<String> streams = new LinkedHashSet<>();
        for (String s : args.positional()) {
            if (!STREAM.matcher(s).matches()) {
                throw new IllegalArgumentException("router(): \"" + s + "\" is not a stream name (lower-case letters, "
                        + "digits, _ . -, at most 64, starting with a letter or digit)");
            }
            if (s.equals("ingest")) {
                throw new IllegalArgumentException("router(): cannot route to ingest, the filter stage's own input");
            }
            if (s.equals("events")) {
                throw new IllegalArgumentException("router(): events is where the chain's output goes already "
                        + "(router(\"other\", keep=true) sends an event there and to other)");
            }
            streams.add(s);
        }
        List<String> to = List.copyOf(streams);
        return e -> FilterResult.route(e, to, keep);
    }
}
