package io.github.localllm;

/**
 * A request is malformed: an empty prompt, an unknown role, an invalid JSON schema, an out-of-range parameter.
 */
public class InvalidRequestException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public InvalidRequestException(String message) {
        super(message);
    }

    /**
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
