package io.github.localllm.event;

import io.github.localllm.RoutingDecision;
import java.time.Instant;
import java.util.Objects;

/**
 * A router answered a request: which target answered, why, and what was tried on the way. Published
 * once per answered request, when its answer is complete (for a stream: when it ends or is closed);
 * the same decision is on the result ({@link io.github.localllm.GenerationResult#routing()}). A
 * request no target answered is a {@link GenerationFailed} instead.
 *
 * @param time when
 * @param router the router's name
 * @param decision the decision
 */
public record RequestRouted(Instant time, String router, RoutingDecision decision) implements LocalLlmEvent {

    /** Checks no part is missing. */
    public RequestRouted {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(decision, "decision");
    }
}
