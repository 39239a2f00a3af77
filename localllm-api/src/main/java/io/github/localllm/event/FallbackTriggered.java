package io.github.localllm.event;

import io.github.localllm.LocalLlmException;
import java.time.Instant;
import java.util.Objects;

/**
 * A router gave up on one target for a request and moves on to the next one.
 *
 * @param time when
 * @param router the router's name
 * @param from the target that failed
 * @param to the target tried next
 * @param error what failed
 * @param chunksDelivered stream chunks the caller already had when it failed: 0 when the switch is
 *        invisible to the caller; more when a streamed answer is continued on {@code to}
 */
public record FallbackTriggered(Instant time, String router, String from, String to, LocalLlmException error,
                                int chunksDelivered) implements LocalLlmEvent {

    /** Checks no part is missing. */
    public FallbackTriggered {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(error, "error");
    }
}
