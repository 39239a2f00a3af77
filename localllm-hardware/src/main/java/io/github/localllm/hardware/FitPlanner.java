package io.github.localllm.hardware;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.KvCacheType;
import io.github.localllm.gguf.LlamaCppBuild;
import io.github.localllm.gguf.LoadSettings;
import io.github.localllm.gguf.MemoryEstimate;
import io.github.localllm.gguf.MemoryModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Matches a model to a machine before anything loads: how many layers go to which GPU, the context
 * and KV cache type that fit, how fast it will generate, and how comfortably it all fits. Memory
 * comes from {@link MemoryModel}; headroom thresholds are on {@link CompatibilityLevel}.
 *
 * <p>Search order: the target context with an f16 cache, then q8_0, then q4_0 (half and a quarter of
 * the memory; quantized V caches need flash attention); if none fits, the largest context that fits
 * with the cache type that allows the most. For each candidate the most GPU layers that fit are taken,
 * split over GPUs in proportion to their memory as llama.cpp's default tensor split does.
 *
 * <p>Everything is planned for the engine's llama.cpp build ({@link InferenceEngine#build()}): its compute
 * graph, cache padding and weight repacking on this CPU ({@link LlamaCppBuild}), whether it keeps
 * embeddings on ({@link InferenceEngine#embeddingContext()}) and flash attention by default. Speed comes
 * from {@link SpeedPrediction}: compute and bandwidth, corrected by the request's measurements.
 */
public final class FitPlanner {
    /** Below this a chat turn hardly fits; a model that cannot run at 512 tokens is incompatible. */
    public static final int MIN_CONTEXT = 512;

    private static final List<KvCacheType> CACHE_ORDER = List.of(KvCacheType.F16, KvCacheType.Q8_0, KvCacheType.Q4_0);
    private static final Comparator<ModelVariant> BY_QUALITY = Comparator.comparingInt(ModelVariant::qualityRank)
            .thenComparingLong(v -> v.model().totalWeightBytes());

    private FitPlanner() {
    }

    /** One candidate evaluated. */
    private record Attempt(LoadSettings settings, MemoryEstimate estimate, boolean fits, OptionalDouble headroom) {
    }

    /**
     * @param hardware the machine
     * @param request the model, target context, parallel sequences and engine
     * @return the plan; {@link CompatibilityLevel#INCOMPATIBLE} when it cannot run, with warnings saying why
     * @throws InvalidRequestException if the target context exceeds the model's trained maximum, or the
     *         model states no maximum and no target was given
     */
    public static FitPlan plan(HardwareProfile hardware, FitRequest request) {
        Objects.requireNonNull(hardware, "hardware");
        Objects.requireNonNull(request, "request");
        MemoryModel model = request.model();
        int target = targetContext(model, request);
        int maxContext = (int) Math.min(Integer.MAX_VALUE, model.trainedContextLength().orElse(target));
        List<FitWarning> warnings = new ArrayList<>();
        InferenceEngine engine = request.engine();

        List<String> blockers = new ArrayList<>();
        if (!engine.supports(model.architecture())) {
            String m = engine.displayName() + " does not run the '" + model.architecture() + "' architecture;"
                    + " run the model with a current llama.cpp (llama-server or Ollama) instead";
            warnings.add(new FitWarning(FitWarning.Kind.UNSUPPORTED_ARCHITECTURE, m));
            blockers.add(m);
        }
        checkInstructionSet(hardware, engine, warnings, blockers);
        MemoryPools pools = new MemoryPools(hardware, engine, warnings);
        Set<String> cpu = cpuFeatures(hardware);

        Attempt chosen = null;
        for (KvCacheType kv : CACHE_ORDER) {
            Attempt a = attempt(model, pools, settings(target, request, kv, engine, cpu));
            if (a.fits()) {
                chosen = a;
                break;
            }
        }
        if (chosen == null) {
            // A cut context is sized to leave the CONSTRAINED headroom free when it can, not to fill RAM.
            int low = Math.min(MIN_CONTEXT, target);
            for (double share : new double[] {0.90, 1.0}) {
                for (KvCacheType kv : CACHE_ORDER) {
                    int c = largestFitting(model, pools, request, kv, engine, cpu, low, Math.min(target, maxContext),
                            share);
                    if (c >= low && (chosen == null || c > chosen.settings().contextSize())) {
                        chosen = attempt(model, pools, settings(c, request, kv, engine, cpu));
                    }
                }
                if (chosen != null) {
                    break;
                }
            }
        }
        if (chosen == null || pools.ramBytes == null || !blockers.isEmpty()) {
            return unrunnable(model, request, target, pools, chosen, warnings, blockers, cpu);
        }
        LoadSettings s = chosen.settings();
        if (s.contextSize() < target) {
            warnings.add(new FitWarning(FitWarning.Kind.CONTEXT_LIMITED, "the context is limited to "
                    + s.contextSize() + " tokens of the " + target + " wanted; free memory or pick a smaller quantization"));
        }
        if (s.keyCacheType() != KvCacheType.F16) {
            warnings.add(new FitWarning(FitWarning.Kind.KV_CACHE_QUANTIZED, "the KV cache is " + s.keyCacheType().wireName()
                    + " to fit (--cache-type-k/-v " + s.keyCacheType().wireName() + " with --flash-attn)"));
        }
        MemoryEstimate e = chosen.estimate();
        InferenceMode mode = e.outputOffloaded() ? InferenceMode.FULL_GPU
                : e.offloadedLayers() > 0 ? InferenceMode.HYBRID : InferenceMode.CPU;
        if (!pools.gpus.isEmpty() && mode != InferenceMode.FULL_GPU) {
            warnings.add(new FitWarning(FitWarning.Kind.INSUFFICIENT_VRAM, "GPU memory (" + MemoryPools.gib(pools.gpuBudget())
                    + " usable) holds " + e.offloadedLayers() + " of " + model.blockCount() + " layers; the rest run"
                    + " on the CPU, several times slower"));
        }
        int largest = largestFitting(model, pools, request, s.keyCacheType(), engine, cpu, s.contextSize(), maxContext);
        CompatibilityLevel level = level(chosen.headroom().orElse(0), s.contextSize() < target
                || s.keyCacheType() != KvCacheType.F16);
        if (mode == InferenceMode.HYBRID && level == CompatibilityLevel.OPTIMAL) {
            // Layers left on the CPU run several times slower, whatever the free memory.
            level = CompatibilityLevel.COMFORTABLE;
        }
        Optional<SpeedPrediction> speed = SpeedModel.predict(model, e, pools, hardware, engine, request.calibrations());
        int gpuLayers = e.outputOffloaded() ? model.blockCount() + 1 : e.offloadedLayers();
        String text = Explanations.of(model, engine, level, mode, gpuLayers, s, largest, e, chosen.headroom(), speed,
                warnings);
        return new FitPlan(engine, level, mode, gpuLayers, s.contextSize(), largest, s.keyCacheType(),
                s.flashAttention(), e, chosen.headroom(), speed, warnings, text);
    }

    /**
     * Picks the best-quality variant that runs at the target context.
     *
     * @param hardware the machine
     * @param variants the model's quantizations
     * @param request the target context, parallel sequences and engine; its model is replaced by each variant's
     * @return the highest-quality variant whose plan runs at the full target context, if any
     */
    public static Optional<VariantChoice> chooseVariant(HardwareProfile hardware, List<ModelVariant> variants,
                                                        FitRequest request) {
        List<ModelVariant> best = new ArrayList<>(variants);
        best.sort(BY_QUALITY.reversed());
        for (ModelVariant v : best) {
            FitRequest r = new FitRequest(v.model(), request.targetContext(), request.parallel(), request.engine(),
                    request.calibrations());
            FitPlan plan = plan(hardware, r);
            if (plan.runnable() && plan.compatibility() != CompatibilityLevel.UNKNOWN
                    && !plan.hasWarning(FitWarning.Kind.CONTEXT_LIMITED)) {
                return Optional.of(new VariantChoice(v, plan));
            }
        }
        return Optional.empty();
    }

    /**
     * Chooses among engines that could load the model by their plans, not by assumption: an engine that
     * cannot run it (an architecture its build does not know, no memory) never wins; among the others the
     * better fit wins (a {@link CompatibilityLevel} nearer optimal), then the faster expected generation,
     * which is a measurement on this machine wherever {@link SpeedCalibrations} holds one for the engine,
     * its build and the model's quantization. Ties keep the order given (engines' priority).
     *
     * @param hardware the machine
     * @param request the model, context and measurements; its engine is replaced by each candidate
     * @param engines the candidates, highest priority first
     * @return the winning plan ({@link FitPlan#engine()} is the engine), empty when there is no candidate
     */
    public static Optional<FitPlan> chooseEngine(HardwareProfile hardware, FitRequest request,
                                                 List<InferenceEngine> engines) {
        FitPlan best = null;
        for (InferenceEngine engine : engines) {
            FitPlan plan = plan(hardware, request.toBuilder().engine(engine).build());
            if (best == null || better(plan, best)) {
                best = plan;
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean better(FitPlan a, FitPlan b) {
        if (a.runnable() != b.runnable()) {
            return a.runnable();
        }
        if (a.compatibility() != b.compatibility()) {
            return a.compatibility().compareTo(b.compatibility()) < 0;
        }
        double sa = a.expectedTokensPerSecond().orElse(0);
        double sb = b.expectedTokensPerSecond().orElse(0);
        return sa > sb;
    }

    private static int targetContext(MemoryModel model, FitRequest request) {
        OptionalLong trained = model.trainedContextLength();
        if (request.targetContext() == null) {
            if (trained.isEmpty()) {
                throw new InvalidRequestException("the model does not state its trained context length; pass a"
                        + " target context with FitRequest.Builder.targetContext(...)");
            }
            return (int) Math.min(Integer.MAX_VALUE, trained.getAsLong());
        }
        if (trained.isPresent() && request.targetContext() > trained.getAsLong()) {
            throw new InvalidRequestException("a context of " + request.targetContext() + " tokens exceeds the "
                    + trained.getAsLong() + " the model was trained for; ask for at most " + trained.getAsLong());
        }
        return request.targetContext();
    }

    private static void checkInstructionSet(HardwareProfile hw, InferenceEngine engine, List<FitWarning> warnings,
                                            List<String> blockers) {
        String arch = hw.architecture().toLowerCase(Locale.ROOT);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86");
        if (!engine.needsAvx2OnX86() || !x86) {
            return;
        }
        if (hw.cpu().features().isEmpty()) {
            warnings.add(new FitWarning(FitWarning.Kind.UNKNOWN_HARDWARE, "the CPU's instruction sets are unknown;"
                    + " " + engine.displayName() + " needs AVX2 and stops with an illegal instruction without it"));
        } else if (!hw.cpu().features().contains(CpuFeature.AVX2)) {
            String m = hw.cpu().name() + " lacks AVX2, which " + engine.displayName() + " needs on x86-64; use a"
                    + " current llama.cpp (llama-server or Ollama), which runs without it";
            warnings.add(new FitWarning(FitWarning.Kind.MISSING_INSTRUCTION_SET, m));
            blockers.add(m);
        }
    }

    private static LoadSettings settings(int context, FitRequest request, KvCacheType kv, InferenceEngine engine,
                                         Set<String> cpu) {
        return LoadSettings.builder(context).parallel(request.parallel()).cacheType(kv)
                .flashAttention(kv != KvCacheType.F16 || engine.flashAttentionByDefault())
                .slidingWindowCache(engine.slidingWindowCache()).engineBuild(engine.build())
                .embeddings(engine.embeddingContext()).cpuFeatures(cpu).build();
    }

    /** The CPU's instruction sets as {@link LoadSettings#cpuFeatures()} names them. */
    static Set<String> cpuFeatures(HardwareProfile hw) {
        return hw.cpu().features().stream().map(f -> f.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The most GPU layers that fit the GPUs, then whether the rest fits RAM. */
    private static Attempt attempt(MemoryModel model, MemoryPools pools, LoadSettings base) {
        return attempt(model, pools, base, 1.0);
    }

    /** @param ramShare the share of RAM the plan may fill */
    private static Attempt attempt(MemoryModel model, MemoryPools pools, LoadSettings base, double ramShare) {
        int layers = 0;
        if (!pools.gpus.isEmpty()) {
            for (int n = model.blockCount() + 1; n > 0; n--) {
                if (fitsGpus(model.estimate(base.toBuilder().gpuLayers(n).build()), pools)) {
                    layers = n;
                    break;
                }
            }
        }
        MemoryEstimate e = model.estimate(base.toBuilder().gpuLayers(layers).build());
        if (pools.ramBytes == null) {
            return new Attempt(e.settings(), e, false, OptionalDouble.empty());
        }
        // Unified memory: the GPU's share comes out of the same RAM.
        long ramNeed = e.hostBytes() + (pools.unified ? e.deviceBytes() : 0);
        double headroom = 1.0 - (double) ramNeed / pools.ramBytes;
        if (e.outputOffloaded() && !pools.unified) {
            // A hybrid plan fills the GPUs on purpose (the driver reserve is already kept), so only a
            // fully offloaded model has GPU headroom worth grading.
            long deviceNeed = e.deviceWeightBytes() + e.deviceKvBytes()
                    + e.deviceComputeBytes() * gpusUsed(e, pools);
            headroom = Math.min(headroom, 1.0 - (double) deviceNeed / pools.gpuBudget());
        }
        return new Attempt(e.settings(), e, ramNeed <= pools.ramBytes * ramShare, OptionalDouble.of(headroom));
    }

    private static boolean fitsGpus(MemoryEstimate e, MemoryPools pools) {
        long total = pools.gpuBudget();
        long spread = e.deviceWeightBytes() + e.deviceKvBytes();
        for (MemoryPools.Gpu g : pools.gpus) {
            // llama.cpp splits layers in proportion to free memory; each GPU holds its own compute buffer.
            long share = (long) ((double) spread * g.budgetBytes() / total);
            if (share + e.deviceComputeBytes() > g.budgetBytes()) {
                return false;
            }
        }
        return true;
    }

    private static int gpusUsed(MemoryEstimate e, MemoryPools pools) {
        return Math.max(1, Math.min(pools.gpus.size(), e.offloadedLayers()));
    }

    private static int largestFitting(MemoryModel model, MemoryPools pools, FitRequest request, KvCacheType kv,
                                      InferenceEngine engine, Set<String> cpu, int low, int high) {
        return largestFitting(model, pools, request, kv, engine, cpu, low, high, 1.0);
    }

    private static int largestFitting(MemoryModel model, MemoryPools pools, FitRequest request, KvCacheType kv,
                                      InferenceEngine engine, Set<String> cpu, int low, int high, double ramShare) {
        if (high < low || !attempt(model, pools, settings(low, request, kv, engine, cpu), ramShare).fits()) {
            return low - 1;
        }
        int lo = low;
        int hi = high;
        while (lo < hi) {
            int mid = (int) (((long) lo + hi + 1) / 2);
            if (attempt(model, pools, settings(mid, request, kv, engine, cpu), ramShare).fits()) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Headroom thresholds: see {@link CompatibilityLevel}. */
    static CompatibilityLevel level(double headroom, boolean compromised) {
        CompatibilityLevel byMemory = headroom >= 0.40 ? CompatibilityLevel.OPTIMAL
                : headroom >= 0.20 ? CompatibilityLevel.COMFORTABLE
                : headroom >= 0.10 ? CompatibilityLevel.CONSTRAINED
                : headroom >= 0 ? CompatibilityLevel.MARGINAL : CompatibilityLevel.INCOMPATIBLE;
        if (compromised && byMemory.compareTo(CompatibilityLevel.CONSTRAINED) < 0) {
            return CompatibilityLevel.CONSTRAINED;
        }
        return byMemory;
    }

    private static FitPlan unrunnable(MemoryModel model, FitRequest request, int target, MemoryPools pools,
                                      Attempt best, List<FitWarning> warnings, List<String> blockers,
                                      Set<String> features) {
        InferenceEngine engine = request.engine();
        MemoryEstimate cpu = model.estimate(settings(Math.min(target, MIN_CONTEXT), request, KvCacheType.Q4_0,
                engine, features));
        CompatibilityLevel level;
        String text;
        if (!blockers.isEmpty()) {
            level = CompatibilityLevel.INCOMPATIBLE;
            text = model.architecture() + " model cannot run on " + engine.displayName() + " here: "
                    + String.join("; ", blockers) + ".";
        } else if (pools.ramBytes == null) {
            level = CompatibilityLevel.UNKNOWN;
            text = "System RAM could not be read, so whether this " + model.architecture() + " model fits is"
                    + " unknown; at " + cpu.settings().contextSize() + " tokens with a q4_0 cache it needs about "
                    + MemoryPools.gib(cpu.totalBytes()) + ".";
        } else {
            level = CompatibilityLevel.INCOMPATIBLE;
            warnings.add(new FitWarning(FitWarning.Kind.INSUFFICIENT_RAM, "even at " + cpu.settings().contextSize()
                    + " tokens with a q4_0 cache it needs " + MemoryPools.gib(cpu.totalBytes()) + ", and "
                    + MemoryPools.gib(pools.ramBytes) + " of RAM" + (pools.gpus.isEmpty() ? ""
                    : " and " + MemoryPools.gib(pools.gpuBudget()) + " of GPU memory") + " are available;"
                    + " pick a smaller model or quantization"));
            text = "This " + model.architecture() + " model does not fit: " + cpu.describe() + " at minimum, against "
                    + MemoryPools.gib(pools.ramBytes) + " of available RAM.";
        }
        return new FitPlan(engine, level, InferenceMode.CPU, 0, 0, 0, KvCacheType.Q4_0, true,
                best == null ? null : best.estimate(), OptionalDouble.empty(), Optional.empty(), warnings, text);
    }
}
