package io.github.localllm.registry;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Whether a model file fits this machine and how it would run, as the fit planner sees it.
 *
 * @param runnable whether it can run at all
 * @param compatibility how well it fits: {@code OPTIMAL}, {@code COMFORTABLE}, {@code CONSTRAINED},
 *        {@code MARGINAL}, {@code INCOMPATIBLE} or {@code UNKNOWN} (the planner's levels)
 * @param engine the engine the plan is for, e.g. {@code llama.cpp server}
 * @param gpuLayers layers to offload to the GPU ({@code --gpu-layers}); 0 on a CPU
 * @param contextSize the planned context per sequence, in tokens
 * @param largestContext the largest context that fits, in tokens
 * @param memoryBytes the memory the planned load takes, 0 when it does not fit
 * @param tokensPerSecond the expected generation speed, when estimated
 * @param explanation one paragraph for people
 */
public record ModelFit(boolean runnable, String compatibility, String engine, int gpuLayers, int contextSize,
                       int largestContext, long memoryBytes, OptionalDouble tokensPerSecond, String explanation) {

    /** Checks no part is missing. */
    public ModelFit {
        Objects.requireNonNull(compatibility, "compatibility");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(tokensPerSecond, "tokensPerSecond");
        Objects.requireNonNull(explanation, "explanation");
    }
}
