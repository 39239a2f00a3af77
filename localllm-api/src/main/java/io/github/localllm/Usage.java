package io.github.localllm;

/**
 * Tokens a generation consumed.
 *
 * @param promptTokens tokens of the prompt as the model saw it (after its chat template)
 * @param completionTokens tokens generated
 */
public record Usage(int promptTokens, int completionTokens) {

    /** Rejects negative counts. */
    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    /** @return prompt plus completion tokens */
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
