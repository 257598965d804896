package io.sluice.filter.builtin;

import io.sluice.api.Event;
import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import org.osgi.service.component.annotations.Component;

/** {@code rename("from", "to")}: moves a custom field; matches when the field was there. */
@Component(service = FilterFactory.class)
public class Rename implements FilterFactory {
    @Override
    public String name() {
        return "rename";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly().atMostPositional(2);
        String from = args.positional(0);
        String to = args.positional(1);
        return e -> {
            Object v = e.field(from);
            if (v == null && !e.fields().containsKey(from)) {
                return FilterResult.noMatch();
            }
            Event.Builder b = e.toBuilder().removeField(from);
            return FilterResult.matched(v == null ? b.build() : b.field(to, v).build());
        };
    }
}
