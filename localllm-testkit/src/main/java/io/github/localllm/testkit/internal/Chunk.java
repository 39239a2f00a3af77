package io.github.localllm.testkit.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One chunk of a streamed answer. Its JSON is made when it is sent, so timestamps such as Ollama's
 * {@code created_at} advance with the stream as on the real server.
 *
 * @param event the SSE event name, or null
 * @param json makes the JSON tree to send, or null for a {@code raw} chunk
 * @param raw text sent as is (SSE {@code [DONE]}), or null
 * @param delayBefore pause before the chunk (a scripted answer's piece interval)
 */
public record Chunk(String event, Supplier<Object> json, String raw, Duration delayBefore) {
    public Chunk {
        Objects.requireNonNull(delayBefore, "delayBefore");
        if ((json == null) == (raw == null)) {
            throw new IllegalArgumentException("a chunk is either JSON or raw text");
        }
    }

    public static Chunk json(Supplier<Object> json) {
        return new Chunk(null, json, null, Duration.ZERO);
    }

    public static Chunk json(Supplier<Object> json, Duration delayBefore) {
        return new Chunk(null, json, null, delayBefore);
    }

    public static Chunk event(String event, Supplier<Object> json) {
        return new Chunk(event, json, null, Duration.ZERO);
    }

    public static Chunk event(String event, Supplier<Object> json, Duration delayBefore) {
        return new Chunk(event, json, null, delayBefore);
    }

    public static Chunk raw(String text) {
        return new Chunk(null, null, text, Duration.ZERO);
    }
}
