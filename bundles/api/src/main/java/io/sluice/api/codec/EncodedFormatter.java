package io.sluice.api.codec;

import io.sluice.api.EventBinary;

/**
 * Optional for an {@link EventFormatter}: formats an event straight from its stored encoding,
 * without decoding it into an {@link io.sluice.api.Event}. The output MUST be byte for byte the
 * UTF-8 of what {@link EventFormatter#format} writes for the decoded event; an implementation may
 * decline an event it cannot handle that way (the caller then decodes it and uses {@code format}).
 */
public interface EncodedFormatter {

    /**
     * Appends the formatted event (without the final line feed, like {@code format}) to {@code out};
     * returns false, having written nothing, when this event needs the decoded path.
     */
    boolean formatEncoded(EventBinary.View event, ByteSink out);
}
