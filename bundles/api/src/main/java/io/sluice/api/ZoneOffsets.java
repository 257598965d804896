package io.sluice.api;

import java.time.ZoneOffset;

/**
 * {@link ZoneOffset#ofTotalSeconds} without its shared cache lookup on every call: the offsets real
 * timestamps carry (whole quarter hours, ±18 h) come from a small array. Parsers and the event
 * encoding call this once per event.
 */
public final class ZoneOffsets {
    private static final int QUARTER = 15 * 60;
    private static final int MAX = 18 * 3600;
    private static final ZoneOffset[] QUARTERS = new ZoneOffset[2 * MAX / QUARTER + 1];

    static {
        for (int i = 0; i < QUARTERS.length; i++) {
            QUARTERS[i] = ZoneOffset.ofTotalSeconds(i * QUARTER - MAX);
        }
    }

    private ZoneOffsets() {
    }

    /**
     * The offset of {@code totalSeconds}.
     *
     * @throws java.time.DateTimeException if it is beyond ±18 hours
     */
    public static ZoneOffset of(int totalSeconds) {
        if (totalSeconds % QUARTER == 0 && totalSeconds >= -MAX && totalSeconds <= MAX) {
            return QUARTERS[(totalSeconds + MAX) / QUARTER];
        }
        return ZoneOffset.ofTotalSeconds(totalSeconds);
    }
}
