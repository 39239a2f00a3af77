package io.github.localllm.hardware;

import io.github.localllm.KvCacheType;
import io.github.localllm.gguf.MemoryEstimate;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How to load a model on a machine, and how well it will run: the answer of {@link FitPlanner}.
 *
 * @param engine the engine the plan is for
 * @param compatibility how well it fits
 * @param mode where the layers run
 * @param gpuLayers repeating layers to offload ({@code --gpu-layers}); block count + 1 also offloads the output
 * @param contextSize the planned context per sequence
 * @param largestContext the largest context that fits with the planned cache type, up to the trained maximum
 * @param kvCacheType the recommended K and V cache type
 * @param flashAttention whether the plan needs flash attention (a quantized V cache does)
 * @param memory the memory the planned load needs, or {@code null} when nothing fits
 * @param headroom the share of the tightest memory pool left free, if the pool's size is known
 * @param expectedTokensPerSecond generation speed bound by memory bandwidth, if it can be estimated
 * @param bandwidthAssumption the bandwidth behind that figure and where it came from
 * @param warnings what the user should know
 * @param explanation one paragraph for people
 */
public record FitPlan(InferenceEngine engine, CompatibilityLevel compatibility, InferenceMode mode, int gpuLayers,
                      int contextSize, int largestContext, KvCacheType kvCacheType, boolean flashAttention,
                      MemoryEstimate memory, OptionalDouble headroom, OptionalDouble expectedTokensPerSecond,
                      String bandwidthAssumption, List<FitWarning> warnings, String explanation) {

    /** Copies the warnings and checks the parts. */
    public FitPlan {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(compatibility, "compatibility");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        Objects.requireNonNull(headroom, "headroom");
        Objects.requireNonNull(expectedTokensPerSecond, "expectedTokensPerSecond");
        Objects.requireNonNull(bandwidthAssumption, "bandwidthAssumption");
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(explanation, "explanation");
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
