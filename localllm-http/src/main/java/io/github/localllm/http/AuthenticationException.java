package io.github.localllm.http;

import io.github.localllm.BackendUnavailableException;

/**
 * The server refused the request's credentials (HTTP 401 or 403): the API key or token configured
 * for it is missing, wrong or lacks the permission. Nothing is retried; the message never shows the
 * credential itself.
 */
public class AuthenticationException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status, 401 or 403. */
    private final int status;

    /**
     * @param message what happened and what to do next
     * @param status the HTTP status, 401 or 403
     */
    public AuthenticationException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status the server answered, 401 or 403 */
    public int status() {
        return status;
    }

    /** @return {@code false}: the same credentials will be refused again */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
