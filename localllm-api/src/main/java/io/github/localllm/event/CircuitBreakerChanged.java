package io.github.localllm.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A router's circuit breaker for one of its targets changed state: it opened after failures (the
 * target gets no requests for a cooldown), let one probe request through after the cooldown, or
 * closed again when the probe succeeded.
 *
 * @param time when
 * @param router the router's name
 * @param target the target's name
 * @param from the state before
 * @param to the state now
 * @param reason why, for people, e.g. {@code 3 consecutive failures, the last: connection refused}
 */
public record CircuitBreakerChanged(Instant time, String router, String target, State from, State to,
                                    String reason) implements LocalLlmEvent {

    /** The states of a circuit breaker. */
    public enum State {
        /** Requests go through; failures are counted. */
        CLOSED,
        /** Requests are not sent to the target until its cooldown ends. */
        OPEN,
        /** The cooldown ended: one probe request goes through; its outcome closes or reopens the breaker. */
        HALF_OPEN
    }

    /** Checks no part is missing. */
    public CircuitBreakerChanged {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        reason = reason == null ? "" : reason;
    }
}
