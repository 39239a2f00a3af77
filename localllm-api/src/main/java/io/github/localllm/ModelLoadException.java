package io.github.localllm;

/**
 * The engine could not load a model file that passed validation.
 */
public class ModelLoadException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public ModelLoadException(String message) {
        super(message);
    }

    /**
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
