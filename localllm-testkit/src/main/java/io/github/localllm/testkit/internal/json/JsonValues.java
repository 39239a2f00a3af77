package io.github.localllm.testkit.internal.json;

import java.util.List;

/** The closed set of value types a {@link JsonObject} may hold. */
final class JsonValues {
    private JsonValues() {
    }

    static Object check(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Float || value instanceof Double
                || value instanceof JsonNumber || value instanceof JsonObject || value instanceof Payload) {
            return value;
        }
        if (value instanceof List<?> list) {
            list.forEach(JsonValues::check);
            return value;
        }
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
}
