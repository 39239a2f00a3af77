package io.github.localllm.testkit.internal.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON object whose members keep the order they were put in, because servers differ in exactly
 * that order (Go marshals in struct order, llama.cpp in insertion order) and the fakes reproduce
 * it. Values are {@code null}, {@link String}, {@link Boolean}, {@link Integer}, {@link Long},
 * {@link Float} (a float32 on the wire), {@link Double}, {@link JsonNumber}, {@link JsonObject},
 * {@link List} of those, or a {@link Payload}.
 */
public final class JsonObject {
    private final Map<String, Object> members = new LinkedHashMap<>();

    /** Appends (or replaces in place) one member. */
    public JsonObject put(String name, Object value) {
        members.put(name, JsonValues.check(value));
        return this;
    }

    /** Puts the member only when {@code condition} holds: Go's {@code omitempty} and friends. */
    public JsonObject putIf(boolean condition, String name, Object value) {
        return condition ? put(name, value) : this;
    }

    public Map<String, Object> members() {
        return Collections.unmodifiableMap(members);
    }

    public boolean has(String name) {
        return members.containsKey(name);
    }

    public Object get(String name) {
        return members.get(name);
    }

    /** The member as a string, absent when missing or not a string. */
    public Optional<String> string(String name) {
        return members.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** The member as a boolean, absent when missing or not a boolean. */
    public Optional<Boolean> bool(String name) {
        return members.get(name) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    /** The member as an object, absent when missing or not an object. */
    public Optional<JsonObject> object(String name) {
        return members.get(name) instanceof JsonObject o ? Optional.of(o) : Optional.empty();
    }

    /** The member as an array, absent when missing or not an array. */
    public Optional<List<?>> array(String name) {
        return members.get(name) instanceof List<?> l ? Optional.of(l) : Optional.empty();
    }

    /** The member as a number, absent when missing or not a number. */
    public Optional<Double> number(String name) {
        Object v = members.get(name);
        if (v instanceof JsonNumber n) {
            return Optional.of(Double.parseDouble(n.lexeme()));
        }
        return v instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
    }
}
