package io.github.localllm.hardware;

import io.github.localllm.gguf.LoadSettings;
import io.github.localllm.gguf.MemoryEstimate;
import io.github.localllm.gguf.MemoryModel;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/** The one-paragraph explanation of a runnable plan. */
final class Explanations {
    private Explanations() {
    }

    static String of(MemoryModel model, InferenceEngine engine, CompatibilityLevel level, InferenceMode mode,
                     int gpuLayers, LoadSettings s, int largest, MemoryEstimate e, OptionalDouble headroom,
                     Optional<SpeedPrediction> speed, List<FitWarning> warnings) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "This %s model (%s of %s weights) is %s on %s (llama.cpp %s): ",
                model.architecture(), MemoryPools.gib(model.totalWeightBytes()), model.weightFormat(),
                level.name().toLowerCase(Locale.ROOT), engine.displayName(), engine.build()));
        switch (mode) {
            case FULL_GPU -> b.append("every layer runs on the GPU");
            case HYBRID -> b.append(gpuLayers).append(" of ").append(model.blockCount())
                    .append(" layers run on the GPU and the rest on the CPU");
            case CPU -> b.append("it runs on the CPU");
        }
        b.append(String.format(Locale.ROOT, ", with a context of %d tokens and KV cache type %s (up to %d tokens fit).",
                s.contextSize(), s.keyCacheType().wireName(), largest));
        b.append(" It needs ").append(e.describe()).append(';');
        headroom.ifPresent(h -> b.append(String.format(Locale.ROOT, " %.0f%% of the tightest memory stays free.",
                h * 100)));
        speed.ifPresent(p -> b.append(String.format(Locale.ROOT, " Generation is expected near %.0f tokens/s, %s"
                        + " (%s).", p.tokensPerSecond(), p.calibrated() ? "as measured on this machine"
                        : p.limitedBy() == SpeedPrediction.Limit.COMPUTE ? "limited by the CPU's arithmetic"
                        : "limited by memory bandwidth", p.basis())));
        if (!warnings.isEmpty()) {
            b.append(" Note: ");
            b.append(String.join("; ", warnings.stream().map(FitWarning::message).toList()));
            b.append('.');
        }
        return b.toString();
    }
}
