package io.github.localllm;

/**
 * The machine lacks the memory, disk or compute the operation needs.
 */
public class InsufficientResourcesException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public InsufficientResourcesException(String message) {
        super(message);
    }

    /**
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public InsufficientResourcesException(String message, Throwable cause) {
        super(message, cause);
    }
}
