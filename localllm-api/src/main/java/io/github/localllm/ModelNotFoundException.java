package io.github.localllm;

/**
 * A model was asked for that does not exist where it was looked for (a missing file, an unknown name).
 */
public class ModelNotFoundException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public ModelNotFoundException(String message) {
        super(message);
    }

    /**
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public ModelNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
