package io.github.localllm.hardware;

import java.util.Objects;

/**
 * The variant {@link FitPlanner#chooseVariant} picked, and its plan.
 *
 * @param variant the chosen quantization
 * @param plan how it would load
 */
public record VariantChoice(ModelVariant variant, FitPlan plan) {

    /** Checks the parts. */
    public VariantChoice {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(plan, "plan");
    }
}
