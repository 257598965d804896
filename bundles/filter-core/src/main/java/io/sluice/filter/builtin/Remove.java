package io.sluice.filter.builtin;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** {@code remove("a", "b", ...)}: removes custom fields; matches when at least one was there. */
@Component(service = FilterFactory.class)
public class Remove implements FilterFactory {
    @Override
    public String name() {
        return "remove";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly().positional(0);
        List<String> fields = args.positional();
        return e -> {
            Event.Builder b = null;
            for (String f : fields) {
                if (e.fields().containsKey(f)) {
                    b = (b == null ? e.toBuilder() : b).removeField(f);
                }
            }
            return b == null ? FilterResult.noMatch() : FilterResult.matched(b.build());
        };
    }
}
