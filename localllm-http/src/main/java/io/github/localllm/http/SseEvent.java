package io.github.localllm.http;

import java.util.Objects;

/**
 * One server-sent event, as the WHATWG EventSource rules dispatch it.
 *
 * @param event the event type: the last {@code event:} field, or {@code "message"} without one
 *     (LM Studio's native chat stream names its events, OpenAI-compatible streams do not)
 * @param data the {@code data:} fields joined with {@code \n}
 * @param id the last event ID seen on the stream so far, {@code ""} before any {@code id:} field
 */
public record SseEvent(String event, String data, String id) {
    /** The data of the event that ends an OpenAI-compatible stream. */
    public static final String DONE = "[DONE]";

    /** Checks that no component is null. */
    public SseEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(id, "id");
    }

    /** @return whether this is OpenAI's end marker, {@code data: [DONE]} */
    public boolean isDone() {
        return DONE.equals(data);
    }
}
