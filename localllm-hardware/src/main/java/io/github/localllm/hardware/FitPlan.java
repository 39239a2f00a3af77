package io.github.localllm.hardware;

import io.github.localllm.KvCacheType;
import io.github.localllm.gguf.MemoryEstimate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How to load a model on a machine, and how well it will run: the answer of {@link FitPlanner}.
 *
 * @param engine the engine the plan is for, with the llama.cpp build its memory and speed are planned for
 * @param compatibility how well it fits
 * @param mode where the layers run
 * @param gpuLayers repeating layers to offload ({@code --gpu-layers}); block count + 1 also offloads the output
 * @param contextSize the planned context per sequence
 * @param largestContext the largest context that fits with the planned cache type, up to the trained maximum
 * @param kvCacheType the recommended K and V cache type
 * @param flashAttention whether the plan runs with flash attention: a quantized V cache needs it, and builds
 *        whose default is {@code auto} turn it on
 * @param memory the memory the planned load needs, or {@code null} when nothing fits
 * @param headroom the share of the tightest memory pool left free, if the pool's size is known
 * @param speed the expected generation speed and what it rests on, when the model runs as planned
 * @param warnings what the user should know
 * @param explanation one paragraph for people
 */
public record FitPlan(InferenceEngine engine, CompatibilityLevel compatibility, InferenceMode mode, int gpuLayers,
                      int contextSize, int largestContext, KvCacheType kvCacheType, boolean flashAttention,
                      MemoryEstimate memory, OptionalDouble headroom, Optional<SpeedPrediction> speed,
                      List<FitWarning> warnings, String explanation) {

    /** Copies the warnings and checks the parts. */
    public FitPlan {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(compatibility, "compatibility");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        Objects.requireNonNull(headroom, "headroom");
        Objects.requireNonNull(speed, "speed");
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(explanation, "explanation");
    }

    /**
     * @return the expected generation speed in tokens per second ({@link SpeedPrediction#tokensPerSecond()}),
     *         calibrated by a measurement on this machine when one applies; empty when not estimated
     */
    public OptionalDouble expectedTokensPerSecond() {
        return speed.map(s -> OptionalDouble.of(s.tokensPerSecond())).orElse(OptionalDouble.empty());
    }

    /** @return whether the model can run as planned */
    public boolean runnable() {
        return compatibility != CompatibilityLevel.INCOMPATIBLE && memory != null;
    }

    /** @param kind a warning kind @return whether the plan carries one of that kind */
    public boolean hasWarning(FitWarning.Kind kind) {
        return warnings.stream().anyMatch(w -> w.kind() == kind);
    }
}
