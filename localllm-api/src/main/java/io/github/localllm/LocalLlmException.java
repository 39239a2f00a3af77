package io.github.localllm;

/**
 * The root of every exception localllm throws. Unchecked: each subclass names a
 * distinct failure, and every message says what happened and what to do next.
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
}
