package io.github.localllm.http;

import io.github.localllm.BackendUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The server refused the request for now (HTTP 429 Too Many Requests, or 503 Service Unavailable
 * while it loads a model or its queue is full), before doing any work on it: the same request can
 * be sent again, after {@link #retryAfter()} if the server said how long to wait.
 */
public class ServerBusyException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status, 429 or 503. */
    private final int status;
    /** How long the server asked to wait, or {@code null} if it did not say. */
    private final Duration retryAfter;

    /**
     * @param message what happened and what to do next
     * @param status the HTTP status, 429 or 503
     * @param retryAfter how long the server asked to wait ({@code Retry-After}), if it said
     */
    public ServerBusyException(String message, int status, Optional<Duration> retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter").orElse(null);
    }

    /** @return the HTTP status the server answered, 429 or 503 */
    public int status() {
        return status;
    }

    /** @return how long the server asked to wait before the next attempt, if it said */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
