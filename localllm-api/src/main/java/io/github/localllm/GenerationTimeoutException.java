package io.github.localllm;

/**
 * Generation did not finish within the time it was given.
 */
public class GenerationTimeoutException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public GenerationTimeoutException(String message) {
        super(message);
    }

    /**
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public GenerationTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @return {@code true}: a slow answer may come in time on a retry, or on another engine */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
