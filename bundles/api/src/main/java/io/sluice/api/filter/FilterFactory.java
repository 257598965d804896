package io.sluice.api.filter;

/**
 * Makes the filters a chain file calls by {@link #name()}: the SPI of filter plugins.
 *
 * <p>A plugin is an OSGi bundle that registers a {@code FilterFactory} service, e.g. with
 * Declarative Services:
 *
 * <pre>{@code
 * @Component(service = FilterFactory.class)
 * public class Reverse implements FilterFactory {
 *     public String name() { return "reverse"; }
 *     public EventFilter create(FilterArguments args) {
 *         String field = args.named("field", "message");      // reverse(field="x")
 *         args.allowOnly("field");
 *         return e -> FilterResult.matched(e.toBuilder().field(field, ...).build());
 *     }
 * }
 * }</pre>
 *
 * <p>Once the bundle is active, chains may call {@code reverse(...)}. {@link #create} runs when a
 * chain is loaded, once per call site: check the arguments there and throw
 * {@link IllegalArgumentException} with a message a user understands; the chain is then refused
 * with the file, line and column of the call.
 */
public interface FilterFactory {

    /** The name chains call it by: letters, digits and {@code _}, starting with a letter. */
    String name();

    /** A filter for one call site of a chain. */
    EventFilter create(FilterArguments arguments);
}
