package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.json.JsonReader;
import java.util.Objects;
import java.util.Optional;

/**
 * A tool call in a scripted answer. Ollama sends the arguments as a JSON object, the OpenAI-style
 * servers as a JSON-encoded string streamed in fragments (only the first carries id and name).
 *
 * @param id the call id the server reports; when empty each fake makes one up in its own format
 *           (Ollama {@code call_xxxxxxxx}, LM Studio a numeric string, ...)
 * @param name the function name
 * @param arguments the arguments as a JSON object text, e.g. {@code {"city":"Tokyo"}}
 */
public record FakeToolCall(Optional<String> id, String name, String arguments) {

    /** Checks that the arguments are a JSON object. */
    public FakeToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tool call needs a function name");
        }
        JsonReader.parseObject(arguments);
    }

    /** A call without a fixed id. */
    public static FakeToolCall of(String name, String arguments) {
        return new FakeToolCall(Optional.empty(), name, arguments);
    }

    /** The same call with the id the server should report. */
    public FakeToolCall withId(String id) {
        return new FakeToolCall(Optional.of(id), name, arguments);
    }
}
