package com.example.sluice.mask;

import io.sluice.api.filter.EventFilter;
import io.sluice.api.filter.FilterArguments;
import io.sluice.api.filter.FilterFactory;
import io.sluice.api.filter.FilterResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.osgi.service.component.annotations.Component;

/**
 * {@code mask(pattern="\\d{13,19}", with="****")}: replaces what the regular expression finds in
 * the message (card numbers, by default) with {@code with}; matches when it replaced something.
 *
 * <p>A filter plugin is one OSGi service: a {@link FilterFactory}. Sluice calls {@link #create}
 * once per call site when a chain loads: check the arguments there (an exception refuses the chain
 * with the file, line and column of the call), and return a thread-safe {@link EventFilter}.
 */
@Component(service = FilterFactory.class)
public class Mask implements FilterFactory {

    @Override
    public String name() {
        return "mask";
    }

    @Override
    public EventFilter create(FilterArguments args) {
        args.allowOnly("pattern", "with").atMostPositional(0);
        Pattern pattern;
        try {
            pattern = Pattern.compile(args.named("pattern", "\\d{13,19}"));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("pattern does not compile: " + e.getDescription());
        }
        String with = Matcher.quoteReplacement(args.named("with", "****"));
        return event -> {
            Matcher m = pattern.matcher(event.message());
            if (!m.find()) {
                return FilterResult.noMatch();
            }
            return FilterResult.matched(event.toBuilder().message(m.replaceAll(with)).build());
        };
    }
}
