package io.sluice.filter.builtin;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/** {@code lowercase("a", ...)}: lower-cases text custom fields; matches when one changed. */
@Component(service = FilterFactory.class)
public class Lowercase implements FilterFactory {
    @Override
    public String name() {
        return "lowercase";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly().positional(0);
        List<String> fields = args.positional();
        return e -> {
            Event.Builder b = null;
            for (String f : fields) {
                if (e.field(f) instanceof String s) {
                    String low = s.toLowerCase(Locale.ROOT);
                    if (!low.equals(s)) {
                        b = (b == null ? e.toBuilder() : b).field(f, low);
                    }
                }
            }
            return b == null ? FilterResult.noMatch() : FilterResult.matched(b.build());
        };
    }
}
