package io.github.localllm.hardware;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The memory a plan may use on one machine for one engine: system RAM and the GPUs the engine can
 * offload to, each from a reading that says where it came from. Unknown values become warnings
 * here, never numbers.
 */
final class MemoryPools {
    /**
     * Kept free on a discrete GPU for the driver's context and allocator slack: a CUDA context alone
     * takes 300–500 MiB, which is why Ollama also reserves a per-GPU minimum.
     */
    static final long DISCRETE_GPU_RESERVE = 512L << 20;

    /** A GPU the engine can use, and its budget. */
    record Gpu(GpuInfo info, long budgetBytes, BandwidthAssumption bandwidth) {
    }

    final Long ramBytes;
    final List<Gpu> gpus = new ArrayList<>();
    final boolean unified;

    MemoryPools(HardwareProfile hw, InferenceEngine engine, List<FitWarning> warnings) {
        Reading<Long> available = hw.memory().availableBytes();
        Reading<Long> total = hw.memory().totalBytes();
        if (available.isKnown()) {
            ramBytes = available.value();
        } else if (total.isKnown()) {
            ramBytes = total.value();
            warnings.add(new FitWarning(FitWarning.Kind.UNKNOWN_HARDWARE, "available RAM is unknown ("
                    + available.source() + "); planned against total RAM, so other programs' use is not accounted"));
        } else {
            ramBytes = null;
            warnings.add(new FitWarning(FitWarning.Kind.UNKNOWN_HARDWARE, "system RAM is unknown ("
                    + total.source() + "); whether the model fits cannot be decided"));
        }
        boolean anyUnified = false;
        List<String> unusable = new ArrayList<>();
        Set<Acceleration> offloads = engine.accelerations();
        // GPUs a llama.cpp build exists for, which this engine cannot use: worth saying how to use them.
        boolean otherBuildWouldUse = false;
        for (GpuInfo g : hw.gpus()) {
            if (g.acceleration() == Acceleration.NONE || !offloads.contains(g.acceleration())) {
                unusable.add(g.name() + " (" + g.acceleration() + ")");
                otherBuildWouldUse |= g.acceleration() != Acceleration.NONE;
                continue;
            }
            Reading<Long> vram = g.freeVramBytes().isKnown() ? g.freeVramBytes() : g.totalVramBytes();
            if (!vram.isKnown()) {
                warnings.add(new FitWarning(FitWarning.Kind.UNKNOWN_HARDWARE, "memory of " + g.name()
                        + " is unknown (" + g.totalVramBytes().source() + "); it is left out of the plan"));
                continue;
            }
            if (!g.freeVramBytes().isKnown()) {
                warnings.add(new FitWarning(FitWarning.Kind.UNKNOWN_HARDWARE, "free memory of " + g.name()
                        + " is unknown; planned against its total, so other programs' use is not accounted"));
            }
            long budget = g.unifiedMemory() ? vram.value() : Math.max(0, vram.value() - DISCRETE_GPU_RESERVE);
            anyUnified |= g.unifiedMemory();
            gpus.add(new Gpu(g, budget, BandwidthAssumption.forGpu(g)));
        }
        unified = anyUnified;
        if (gpus.isEmpty()) {
            String why = hw.gpus().isEmpty() ? "no GPU was found"
                    : "the GPUs found (" + String.join(", ", unusable) + ") are not usable by " + engine.displayName()
                    + (otherBuildWouldUse ? ", " + offloadsTo(offloads) + "; a llama-server GPU build would use them"
                    : "");
            warnings.add(new FitWarning(FitWarning.Kind.NO_GPU_ACCELERATION, why + "; the model runs on the CPU"));
        }
    }

    private static String offloadsTo(Set<Acceleration> offloads) {
        return offloads.isEmpty() ? "which runs on the CPU only"
                : "which offloads only to " + offloads.stream().sorted().map(Acceleration::name)
                .collect(Collectors.joining(", "));
    }

    long gpuBudget() {
        return gpus.stream().mapToLong(Gpu::budgetBytes).sum();
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
    }
}
