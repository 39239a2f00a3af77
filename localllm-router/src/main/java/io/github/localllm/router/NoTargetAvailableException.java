package io.github.localllm.router;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.RoutingAttempt;
import java.util.List;

/**
 * No target of a router answered a request: every one it could use failed, was busy or had its
 * circuit breaker open. The message names each target and what happened there; {@link #attempts()}
 * holds the same as values, and each failure is also a suppressed exception.
 */
public class NoTargetAvailableException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    /** Not serialized: the failures are kept as suppressed exceptions and in the message. */
    private final transient List<RoutingAttempt> attempts;
    private final boolean retryable;

    /**
     * @param message what happened and what to do next
     * @param attempts every target tried or passed over, in order
     * @param cause the last failure, or {@code null} when no target was sent the request
     */
    public NoTargetAvailableException(String message, List<RoutingAttempt> attempts, LocalLlmException cause) {
        super(message, cause);
        this.attempts = List.copyOf(attempts);
        boolean any = false;
        for (RoutingAttempt a : this.attempts) {
            // Busy targets and open breakers free up; a failure helps a retry only if it says so.
            any |= a.outcome() == RoutingAttempt.Outcome.SKIPPED
                    || a.error().map(LocalLlmException::isRetryable).orElse(false);
            a.error().filter(e -> e != cause).ifPresent(this::addSuppressed);
        }
        this.retryable = any;
    }

    /** @return every target tried or passed over, in order */
    public List<RoutingAttempt> attempts() {
        return attempts == null ? List.of() : attempts;
    }

    /** @return whether a later retry may succeed: some target was busy, its breaker open, or failed transiently */
    @Override
    public boolean isRetryable() {
        return retryable;
    }
}
