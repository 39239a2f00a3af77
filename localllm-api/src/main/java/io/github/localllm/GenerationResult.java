package io.github.localllm;

import java.util.Objects;

/**
 * The complete answer to a {@link GenerationRequest}.
 *
 * @param text the generated text, stop sequence excluded
 * @param finishReason why generation ended
 * @param usage tokens consumed
 * @param metrics how fast it ran
 * @param model the model that answered
 */
public record GenerationResult(String text, FinishReason finishReason, Usage usage,
                               GenerationMetrics metrics, String model) {

    /** Checks no part is missing. */
    public GenerationResult {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(model, "model");
    }
}
