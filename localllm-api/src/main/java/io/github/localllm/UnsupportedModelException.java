package io.github.localllm;

/**
 * The model is valid but this engine cannot run it, for example an architecture newer than the engine.
 */
public class UnsupportedModelException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public UnsupportedModelException(String message) {
        super(message);
    }

    /**
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
