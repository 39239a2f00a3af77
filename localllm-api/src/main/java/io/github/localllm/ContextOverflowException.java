package io.github.localllm;

/**
 * A prompt does not fit in the model's context window. Raised before any
 * generation work starts: localllm never truncates a prompt silently.
 */
public class ContextOverflowException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final int promptTokens;
    private final int contextSize;

    /**
     * @param promptTokens tokens the prompt needs
     * @param contextSize tokens the context holds
     */
    public ContextOverflowException(int promptTokens, int contextSize) {
        super("the prompt is " + promptTokens + " tokens but the context holds " + contextSize
                + "; shorten the prompt or load the model with a larger context size"
                + " (contextSize / localllm.context.size)");
        this.promptTokens = promptTokens;
        this.contextSize = contextSize;
    }

    /**
     * For engines whose server says the prompt did not fit without saying both counts.
     *
     * @param message what happened and what to do
     * @param promptTokens tokens the prompt needs, or {@code -1} if the engine does not know
     * @param contextSize tokens the context holds, or {@code -1} if the engine does not know
     */
    public ContextOverflowException(String message, int promptTokens, int contextSize) {
        super(message);
        this.promptTokens = promptTokens;
        this.contextSize = contextSize;
    }

    /** @return tokens the prompt needs, or {@code -1} if the engine did not say */
    public int promptTokens() {
        return promptTokens;
    }

    /** @return tokens the context holds, or {@code -1} if the engine did not say */
    public int contextSize() {
        return contextSize;
    }
}
