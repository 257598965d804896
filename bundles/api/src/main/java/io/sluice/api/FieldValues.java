package io.sluice.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks and normalizes custom field values to the JSON-like types {@link Event} documents. */
final class FieldValues {
    /** Nesting deeper than this is refused: a bound against hostile JSON and runaway recursion. */
    static final int MAX_DEPTH = 32;

    private FieldValues() {
    }

    static Object normalize(String name, Object value) {
        return normalize(name, value, 0);
    }

    private static Object normalize(String name, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("field '" + name + "' nests deeper than " + MAX_DEPTH + " levels");
        }
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double || value instanceof BigInteger || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof CharSequence cs) {
            return cs.toString();
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object o : list) {
                copy.add(normalize(name, o, depth + 1));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> en : map.entrySet()) {
                if (!(en.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("field '" + name + "' has a map key that is not a string: "
                            + en.getKey());
                }
                copy.put(key, normalize(name, en.getValue(), depth + 1));
            }
            return Collections.unmodifiableMap(copy);
        }
        throw new IllegalArgumentException("field '" + name + "' has a value of type " + value.getClass().getName()
                + "; expected String, Boolean, a number, List, Map or null");
    }
}
