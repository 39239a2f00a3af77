package io.github.localllm;

import java.util.List;
import java.util.Objects;

/**
 * How a router came to an answer: which of its targets answered and with which model, the strategy
 * that ranked them and why, every target tried or passed over on the way and what failed. A router
 * puts it on every result it returns ({@link GenerationResult#routing()}); an engine's own results
 * have none.
 *
 * @param target the name of the target that answered
 * @param model the model that answered, as the target named it
 * @param strategy the name of the strategy that ranked the targets, e.g. {@code prefer-local}
 * @param reason why the targets were ranked as they were, for people, e.g.
 *        {@code prefer-local ranked [gpu-box, laptop, openai]}
 * @param attempts every target sent the request or passed over, in order; the last one answered
 * @param fallback whether the answer came from another target than the strategy's first choice
 *        (because that one failed, was busy or its breaker was open)
 */
public record RoutingDecision(String target, String model, String strategy, String reason,
                              List<RoutingAttempt> attempts, boolean fallback) {

    /** Checks no part is missing. */
    public RoutingDecision {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(strategy, "strategy");
        reason = reason == null ? "" : reason;
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /** @return the attempts that failed, in order; empty when the first choice answered at once */
    public List<RoutingAttempt> failures() {
        return attempts.stream().filter(a -> a.outcome() == RoutingAttempt.Outcome.FAILED).toList();
    }

    /**
     * @return whether a streamed answer was begun by one target and continued by another, so that
     *         its text comes from more than one model
     */
    public boolean continued() {
        return attempts.stream().anyMatch(a -> a.outcome() == RoutingAttempt.Outcome.FAILED && a.chunks() > 0);
    }
}
