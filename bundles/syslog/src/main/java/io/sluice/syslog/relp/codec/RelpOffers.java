package io.sluice.syslog.relp.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The offers of a RELP {@code open}: lines {@code name=value[,value…]}, separated by LF. Bounded as
 * librelp bounds them (names of 32 characters, values of 255, 64 values per offer) and, beyond
 * librelp, to 64 offers per {@code open}.
 */
public final class RelpOffers {
    static final int MAX_OFFERS = 64;
    static final int MAX_NAME = 32;
    static final int MAX_VALUE = 255;
    static final int MAX_VALUES = 64;

    private final Map<String, List<String>> offers;

    private RelpOffers(Map<String, List<String>> offers) {
        this.offers = offers;
    }

    /** Parses the DATA of an {@code open}; throws {@link IllegalArgumentException} naming what is wrong. */
    public static RelpOffers parse(String data) {
        Map<String, List<String>> offers = new LinkedHashMap<>();
        int count = 0;
        for (String line : data.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (++count > MAX_OFFERS) {
                throw new IllegalArgumentException("more than " + MAX_OFFERS + " offers");
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq);
            if (name.isEmpty() || name.length() > MAX_NAME) {
                throw new IllegalArgumentException("offer name '" + abbreviate(name) + "' is empty or longer than "
                        + MAX_NAME + " characters");
            }
            List<String> values = new ArrayList<>();
            if (eq >= 0) {
                for (String v : line.substring(eq + 1).split(",", -1)) {
                    if (v.isEmpty()) {
                        continue;
                    }
                    if (v.length() > MAX_VALUE) {
                        throw new IllegalArgumentException("a value of offer '" + name + "' is longer than "
                                + MAX_VALUE + " characters");
                    }
                    if (values.size() == MAX_VALUES) {
                        throw new IllegalArgumentException("offer '" + name + "' has more than " + MAX_VALUES
                                + " values");
                    }
                    values.add(v);
                }
            }
            offers.put(name, Collections.unmodifiableList(values));
        }
        return new RelpOffers(offers);
    }

    public List<String> values(String name) {
        return offers.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        return offers.containsKey(name);
    }

    /** The {@code relp_version} offered, or -1 when none; throws when it is not a number. */
    public int relpVersion() {
        List<String> v = values("relp_version");
        if (!has("relp_version")) {
            return -1;
        }
        if (v.size() != 1 || !v.get(0).chars().allMatch(c -> c >= '0' && c <= '9') || v.get(0).length() > 9) {
            throw new IllegalArgumentException("relp_version is not a number");
        }
        return Integer.parseInt(v.get(0));
    }

    /** The offers as DATA: one {@code name=values} line each. */
    public static String format(Map<String, List<String>> offers) {
        StringBuilder b = new StringBuilder();
        offers.forEach((name, values) -> {
            b.append(name);
            if (!values.isEmpty()) {
                b.append('=').append(String.join(",", values));
            }
            b.append('\n');
        });
        return b.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
