package io.github.localllm;

import java.time.Duration;
import java.util.Optional;

/**
 * The root of every exception localllm throws. Unchecked: each subclass names a
 * distinct failure, and every message says what happened and what to do next.
 * {@link #isRetryable()} tells a caller, or a router, whether the same request may succeed if
 * sent again, here or to another engine.
 */
public class LocalLlmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public LocalLlmException(String message) {
        super(message);
    }

    /**
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public LocalLlmException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether sending the same request again may succeed: true for a server that is down, busy or
     * timed out, false for a request that is wrong or a model that cannot run. Subclasses override
     * it; the default is {@code false}.
     *
     * @return whether a retry may help
     */
    public boolean isRetryable() {
        return false;
    }

    /**
     * How long the engine asked to wait before the same request is sent again, e.g. the
     * {@code Retry-After} of an HTTP 429 or 503 answer; a router waits that long before it retries
     * the same engine. Subclasses that know override it; the default is empty.
     *
     * @return the wait the engine asked for, if it said
     */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }
}
