package io.github.localllm.router;

import io.github.localllm.LocalLlmException;
import java.time.Duration;
import java.util.Optional;

/**
 * A request could go only to cloud targets, and the router's cloud budget for the day or month is
 * spent. Retryable: {@link #retryAfter()} is the time until the period ends.
 */
public class BudgetExceededException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    /**
     * @param message what happened and what to do next
     * @param retryAfter time until the spent budget's period ends
     */
    public BudgetExceededException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
