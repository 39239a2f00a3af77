package io.github.localllm;

/**
 * No engine can serve the request: none was found on the class or module path, or the one asked for cannot start here.
 */
public class BackendUnavailableException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @return {@code true}: an engine that is down or busy may be up again */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
