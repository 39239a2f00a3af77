package io.github.localllm.hardware;

import static io.github.localllm.hardware.PlannerFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.KvCacheType;
import io.github.localllm.gguf.MemoryModel;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FitPlannerTest {
    /** The in-process engine as it describes itself: llama.cpp b4916, a CPU build (Metal on macOS) needing AVX2. */
    private static final InferenceEngine IN_PROCESS = InferenceEngine.of(new LlamaCppBackendProvider());
    private static final InferenceEngine SERVER = InferenceEngine.currentLlamaCpp();

    private static FitPlan plan(HardwareProfile hw, MemoryModel m, Integer context, InferenceEngine engine) {
        return FitPlanner.plan(hw, FitRequest.builder(m).targetContext(context).engine(engine).build());
    }

    @Test
    void smallModelOnAnEightGigabyteLaptopRunsOnTheCpu() {
        FitPlan p = plan(PlannerFixtures.laptop8gbNoGpu(), PlannerFixtures.llama1b(GgmlType.Q4_K), 8192,
                IN_PROCESS);
        assertThat(p.runnable()).isTrue();
        assertThat(p.mode()).isEqualTo(InferenceMode.CPU);
        assertThat(p.gpuLayers()).isZero();
        assertThat(p.contextSize()).isEqualTo(8192);
        assertThat(p.kvCacheType()).isEqualTo(KvCacheType.F16);
        assertThat(p.compatibility()).isEqualTo(CompatibilityLevel.OPTIMAL);
        assertThat(p.largestContext()).isGreaterThan(8192).isLessThanOrEqualTo(131072);
        assertThat(p.hasWarning(FitWarning.Kind.NO_GPU_ACCELERATION)).isTrue();
        assertThat(p.expectedTokensPerSecond()).isPresent();
        // 1B at 4.5 bits: ~0.7 GB a token over 51.2 GB/s.
        assertThat(p.expectedTokensPerSecond().getAsDouble()).isBetween(30.0, 120.0);
        assertThat(p.speed().orElseThrow().basis()).contains("DDR4").contains("not measured");
        assertThat(p.explanation()).contains("CPU").contains("context of 8192 tokens").contains("tokens/s");
    }

    @Test
    void eightBillionAtFullContextOnTheLaptopIsLimitedAndEightBitWeightsDoNotFit() {
        FitPlan q4 = plan(PlannerFixtures.laptop8gbNoGpu(), PlannerFixtures.llama8b(GgmlType.Q4_K), null,
                IN_PROCESS);
        assertThat(q4.runnable()).isTrue();
        assertThat(q4.contextSize()).isLessThan(131072);
        assertThat(q4.hasWarning(FitWarning.Kind.CONTEXT_LIMITED)).isTrue();
        assertThat(q4.compatibility()).isIn(CompatibilityLevel.CONSTRAINED, CompatibilityLevel.MARGINAL);
        assertThat(q4.memory().hostBytes()).isLessThanOrEqualTo(6 * GIB);

        FitPlan f16 = plan(PlannerFixtures.laptop8gbNoGpu(), PlannerFixtures.llama8b(GgmlType.F16), 4096,
                IN_PROCESS);
        assertThat(f16.compatibility()).isEqualTo(CompatibilityLevel.INCOMPATIBLE);
        assertThat(f16.runnable()).isFalse();
        assertThat(f16.hasWarning(FitWarning.Kind.INSUFFICIENT_RAM)).isTrue();
        assertThat(f16.explanation()).contains("does not fit");
    }

    @Test
    void rtx4090IsUselessToTheInProcessCpuBuildButFullyUsedByLlamaServer() {
        MemoryModel m = PlannerFixtures.llama8b(GgmlType.Q4_K);
        FitPlan inProcess = plan(PlannerFixtures.rtx4090Desktop(), m, 8192, IN_PROCESS);
        assertThat(inProcess.mode()).isEqualTo(InferenceMode.CPU);
        assertThat(inProcess.warnings()).anySatisfy(w -> {
            assertThat(w.kind()).isEqualTo(FitWarning.Kind.NO_GPU_ACCELERATION);
            assertThat(w.message()).contains("RTX 4090").contains("llama-server");
        });

        FitPlan server = plan(PlannerFixtures.rtx4090Desktop(), m, 8192, SERVER);
        assertThat(server.engine()).isEqualTo(SERVER);
        assertThat(server.mode()).isEqualTo(InferenceMode.FULL_GPU);
        assertThat(server.gpuLayers()).isEqualTo(33);
        assertThat(server.compatibility()).isIn(CompatibilityLevel.OPTIMAL, CompatibilityLevel.COMFORTABLE);
        assertThat(server.memory().deviceBytes()).isLessThan(23 * GIB);
        assertThat(server.speed().orElseThrow().basis()).contains("1008 GB/s");
        assertThat(server.expectedTokensPerSecond().getAsDouble())
                .isGreaterThan(inProcess.expectedTokensPerSecond().getAsDouble() * 10);
    }

    @Test
    void seventyBillionOnOne4090IsHybridAndOnTwo3090sTakesMoreLayers() {
        MemoryModel m = PlannerFixtures.llama70b(GgmlType.Q4_K);
        FitPlan one = plan(PlannerFixtures.rtx4090Desktop(), m, 8192, SERVER);
        assertThat(one.mode()).isEqualTo(InferenceMode.HYBRID);
        assertThat(one.compatibility()).isEqualTo(CompatibilityLevel.COMFORTABLE);
        assertThat(one.gpuLayers()).isBetween(20, 60);
        assertThat(one.hasWarning(FitWarning.Kind.INSUFFICIENT_VRAM)).isTrue();
        assertThat(one.memory().deviceBytes()).isLessThanOrEqualTo(23 * GIB - MemoryPools.DISCRETE_GPU_RESERVE);

        FitPlan two = plan(PlannerFixtures.twoRtx3090(), m, 8192, SERVER);
        assertThat(two.gpuLayers()).isGreaterThan(one.gpuLayers());
        assertThat(two.speed().orElseThrow().basis()).contains("936 GB/s");
    }

    @Test
    void appleUnifiedMemoryRunsEverythingOnMetalInProcess() {
        FitPlan p = plan(PlannerFixtures.appleM2Max64(), PlannerFixtures.llama8b(GgmlType.Q8_0), 32768,
                IN_PROCESS);
        assertThat(p.mode()).isEqualTo(InferenceMode.FULL_GPU);
        assertThat(p.hasWarning(FitWarning.Kind.NO_GPU_ACCELERATION)).isFalse();
        assertThat(p.hasWarning(FitWarning.Kind.MISSING_INSTRUCTION_SET)).as("AVX2 matters only on x86").isFalse();
        assertThat(p.speed().orElseThrow().basis()).contains("400 GB/s");
        assertThat(p.runnable()).isTrue();

        FitPlan big = plan(PlannerFixtures.appleM2Max64(), PlannerFixtures.llama70b(GgmlType.Q4_K), 4096,
                IN_PROCESS);
        assertThat(big.runnable()).isTrue();
        assertThat(big.memory().totalBytes()).as("unified: GPU share and host part come out of one RAM")
                .isLessThanOrEqualTo(50 * GIB);
    }

    @Test
    void aContextAboveTheTrainedMaximumIsAClearError() {
        assertThatThrownBy(() -> plan(PlannerFixtures.laptop8gbNoGpu(), PlannerFixtures.llama1b(GgmlType.Q4_K), 200_000,
                IN_PROCESS)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("200000").hasMessageContaining("at most 131072");
    }

    @Test
    void anArchitectureNewerThanB4916IsIncompatibleInProcessOnly() {
        MemoryModel qwen3 = PlannerFixtures.llama("qwen3", 2048, 28, 16, 8, 6144, 151936, 40960, GgmlType.Q8_0);
        FitPlan in = plan(PlannerFixtures.rtx4090Desktop(), qwen3, 8192, IN_PROCESS);
        assertThat(in.compatibility()).isEqualTo(CompatibilityLevel.INCOMPATIBLE);
        assertThat(in.hasWarning(FitWarning.Kind.UNSUPPORTED_ARCHITECTURE)).isTrue();
        assertThat(in.explanation()).contains("qwen3").contains("llama-server or Ollama").doesNotContain("LLAMA_SERVER");
        FitPlan server = plan(PlannerFixtures.rtx4090Desktop(), qwen3, 8192, SERVER);
        assertThat(server.runnable()).isTrue();
        assertThat(server.mode()).isEqualTo(InferenceMode.FULL_GPU);
    }

    @Test
    void anX86CpuWithoutAvx2CannotRunTheInProcessBuild() {
        HardwareProfile old = PlannerFixtures.machine("amd64", PlannerFixtures.cpu(Set.of(CpuFeature.AVX)), 16 * GIB,
                12 * GIB, List.of());
        FitPlan p = plan(old, PlannerFixtures.llama1b(GgmlType.Q4_K), 4096, IN_PROCESS);
        assertThat(p.compatibility()).isEqualTo(CompatibilityLevel.INCOMPATIBLE);
        assertThat(p.hasWarning(FitWarning.Kind.MISSING_INSTRUCTION_SET)).isTrue();
        assertThat(plan(old, PlannerFixtures.llama1b(GgmlType.Q4_K), 4096, SERVER).runnable())
                .isTrue();

        HardwareProfile unknownIsa = PlannerFixtures.machine("amd64", PlannerFixtures.cpu(Set.of()), 16 * GIB,
                12 * GIB, List.of());
        FitPlan u = plan(unknownIsa, PlannerFixtures.llama1b(GgmlType.Q4_K), 4096, IN_PROCESS);
        assertThat(u.runnable()).isTrue();
        assertThat(u.warnings()).anySatisfy(w -> assertThat(w.message()).contains("instruction sets are unknown"));
    }

    @Test
    void unknownMemoryIsSaidNotGuessed() {
        HardwareProfile noAvailable = PlannerFixtures.machine("amd64", PlannerFixtures.cpu(Set.of(CpuFeature.AVX2)),
                16 * GIB, null, List.of());
        FitPlan p = plan(noAvailable, PlannerFixtures.llama1b(GgmlType.Q4_K), 4096, IN_PROCESS);
        assertThat(p.runnable()).isTrue();
        assertThat(p.warnings()).anySatisfy(w -> assertThat(w.message()).contains("available RAM is unknown"));

        HardwareProfile nothing = PlannerFixtures.machine("amd64", PlannerFixtures.cpu(Set.of(CpuFeature.AVX2)),
                null, null, List.of());
        FitPlan u = plan(nothing, PlannerFixtures.llama1b(GgmlType.Q4_K), 4096, IN_PROCESS);
        assertThat(u.compatibility()).isEqualTo(CompatibilityLevel.UNKNOWN);
        assertThat(u.headroom()).isEmpty();
        assertThat(u.explanation()).contains("unknown");

        GpuInfo mystery = new GpuInfo(GpuVendor.NVIDIA, "NVIDIA Mystery", Reading.unknown("nvidia-smi timed out"),
                Reading.unknown("nvidia-smi timed out"), Reading.unknown("x"), Reading.unknown("x"), false, false,
                Acceleration.CUDA);
        HardwareProfile hw = PlannerFixtures.machine("amd64", PlannerFixtures.cpu(Set.of(CpuFeature.AVX2)), 32 * GIB,
                30 * GIB, List.of(mystery));
        FitPlan g = plan(hw, PlannerFixtures.llama1b(GgmlType.Q4_K), 4096, SERVER);
        assertThat(g.mode()).isEqualTo(InferenceMode.CPU);
        assertThat(g.warnings()).anySatisfy(w -> assertThat(w.message()).contains("Mystery").contains("unknown"));
    }

    @Test
    void theKvCacheIsQuantizedBeforeTheContextIsCut() {
        // 8B Q4_K at 32k: f16 cache 4 GiB does not fit next to 4.3 GiB weights in 6 GiB, q8_0 or q4_0 may.
        FitPlan p = plan(PlannerFixtures.laptop8gbNoGpu(), PlannerFixtures.llama8b(GgmlType.Q4_K), 16384,
                IN_PROCESS);
        assertThat(p.kvCacheType()).isNotEqualTo(KvCacheType.F16);
        assertThat(p.flashAttention()).isTrue();
        assertThat(p.hasWarning(FitWarning.Kind.KV_CACHE_QUANTIZED)).isTrue();
        assertThat(p.compatibility().compareTo(CompatibilityLevel.CONSTRAINED)).isGreaterThanOrEqualTo(0);
    }

    @Test
    void headroomThresholds() {
        assertThat(FitPlanner.level(0.55, false)).isEqualTo(CompatibilityLevel.OPTIMAL);
        assertThat(FitPlanner.level(0.40, false)).isEqualTo(CompatibilityLevel.OPTIMAL);
        assertThat(FitPlanner.level(0.30, false)).isEqualTo(CompatibilityLevel.COMFORTABLE);
        assertThat(FitPlanner.level(0.15, false)).isEqualTo(CompatibilityLevel.CONSTRAINED);
        assertThat(FitPlanner.level(0.05, false)).isEqualTo(CompatibilityLevel.MARGINAL);
        assertThat(FitPlanner.level(-0.01, false)).isEqualTo(CompatibilityLevel.INCOMPATIBLE);
        assertThat(FitPlanner.level(0.55, true)).as("a reduced context or cache caps the level")
                .isEqualTo(CompatibilityLevel.CONSTRAINED);
        assertThat(FitPlanner.level(0.05, true)).isEqualTo(CompatibilityLevel.MARGINAL);
    }

    @Test
    void variantChoicePicksTheBestQualityThatFitsTheTargetContext() {
        List<ModelVariant> variants = List.of(
                new ModelVariant("Q2_K", PlannerFixtures.llama8b(GgmlType.Q2_K)),
                new ModelVariant("Q4_K_M", PlannerFixtures.llama8b(GgmlType.Q4_K)),
                new ModelVariant("Q6_K", PlannerFixtures.llama8b(GgmlType.Q6_K)),
                new ModelVariant("Q8_0", PlannerFixtures.llama8b(GgmlType.Q8_0)),
                new ModelVariant("F16", PlannerFixtures.llama8b(GgmlType.F16)));
        FitRequest request = FitRequest.builder(variants.get(0).model()).targetContext(4096).build();

        VariantChoice laptop = FitPlanner.chooseVariant(PlannerFixtures.laptop8gbNoGpu(), variants, request).orElseThrow();
        assertThat(laptop.variant().quantization()).isEqualTo("Q4_K_M");
        assertThat(laptop.plan().contextSize()).isEqualTo(4096);

        VariantChoice mac = FitPlanner.chooseVariant(PlannerFixtures.appleM2Max64(), variants, request).orElseThrow();
        assertThat(mac.variant().quantization()).isEqualTo("F16");

        HardwareProfile tiny = PlannerFixtures.machine("amd64", PlannerFixtures.cpu(Set.of(CpuFeature.AVX2)), 4 * GIB,
                2 * GIB, List.of());
        assertThat(FitPlanner.chooseVariant(tiny, variants, request)).isEmpty();
    }

    @Test
    void qualityRanksFollowLlamaCppsOrder() {
        MemoryModel m = PlannerFixtures.llama1b(GgmlType.Q8_0);
        assertThat(new ModelVariant("Q2_K", m).qualityRank()).isLessThan(new ModelVariant("Q3_K_M", m).qualityRank());
        assertThat(new ModelVariant("q4_k_m", m).qualityRank()).isLessThan(new ModelVariant("Q5_K_M", m).qualityRank());
        assertThat(new ModelVariant("Q8_0", m).qualityRank()).isLessThan(new ModelVariant("F16", m).qualityRank());
    }
}
