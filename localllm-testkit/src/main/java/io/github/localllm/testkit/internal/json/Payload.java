package io.github.localllm.testkit.internal.json;

/**
 * A value that belongs to the user, not to the protocol (a tool call's arguments): written as is,
 * and never given the extra members of the unknown-fields fault, which would change its meaning.
 *
 * @param value the JSON value
 */
public record Payload(Object value) {
    public Payload {
        JsonValues.check(value);
    }
}
