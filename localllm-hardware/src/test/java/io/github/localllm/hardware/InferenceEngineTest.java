package io.github.localllm.hardware;

import static io.github.localllm.hardware.PlannerFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ModelRef;
import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.LlamaCppBuild;
import io.github.localllm.gguf.MemoryModel;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Engines as data: what a plan knows of an engine is what the engine reports. */
class InferenceEngineTest {
    private static final InferenceEngine IN_PROCESS = InferenceEngine.of(new LlamaCppBackendProvider());
    private static final MemoryModel QWEN3 = PlannerFixtures.llama("qwen3", 2048, 28, 16, 8, 6144, 151936, 40960,
            GgmlType.Q8_0);

    /** An engine from someone else's jar, described only by what its provider reports. */
    private record ThirdParty(String id, int priority, EngineCapabilities capabilities, boolean files)
            implements InferenceBackendProvider {
        /** Files only, or (a server engine) names only. */
        @Override
        public boolean accepts(ModelRef model) {
            return files == model instanceof ModelRef.File;
        }

        @Override
        public InferenceBackend create(LocalLlmConfig config) {
            throw new AssertionError("planning never creates an engine");
        }
    }

    /** Runs only llama models, on CUDA, with no CPU-feature requirement and window-sized caches. */
    private static final ThirdParty LLAMA_ONLY = new ThirdParty("llamaonly", 10, EngineCapabilities.builder()
            .architectures(Set.of("llama")).gpuBackends(Set.of("cuda")).windowedAttentionCache(true).build(), true);

    @Test
    void theInProcessEngineIsWhatItsProviderReports() {
        assertThat(IN_PROCESS.id()).isEqualTo("llamacpp");
        assertThat(IN_PROCESS.displayName()).isEqualTo("llama.cpp b4916 in process");
        assertThat(IN_PROCESS.capabilities()).isEqualTo(new LlamaCppBackendProvider().capabilities());
        assertThat(IN_PROCESS.accelerations()).containsExactly(Acceleration.METAL);
        assertThat(IN_PROCESS.needsAvx2OnX86()).isTrue();
        assertThat(IN_PROCESS.slidingWindowCache()).isFalse();
        assertThat(IN_PROCESS.supports("qwen2")).isTrue();
        assertThat(IN_PROCESS.supports("gemma3")).isTrue();
        assertThat(IN_PROCESS.supports("qwen3")).isFalse();
        assertThat(IN_PROCESS.supports(null)).isFalse();
        assertThat(IN_PROCESS.build()).isEqualTo(LlamaCppBuild.B4916);
    }

    @Test
    void theBuildAndEmbeddingsAreWhatTheEngineSays() {
        InferenceEngine current = InferenceEngine.currentLlamaCpp();
        assertThat(current.build()).isEqualTo(LlamaCppBuild.B10470);
        assertThat(current.embeddingContext()).as("llama-server computes embeddings only with --embeddings").isFalse();
        assertThat(current.flashAttentionByDefault()).isTrue();
        InferenceEngine embedding = current.withBuild(LlamaCppBuild.of(10600)).withEmbeddingContext(true);
        assertThat(embedding.build()).isEqualTo(LlamaCppBuild.of(10600));
        assertThat(embedding.embeddingContext()).isTrue();
        assertThat(embedding.id()).isEqualTo(current.id());
        assertThat(new InferenceEngine("other", "Other", EngineCapabilities.unknown()).build())
                .as("engines other than the in-process one are planned as the newest measured build")
                .isEqualTo(LlamaCppBuild.B10470);
        assertThat(IN_PROCESS.flashAttentionByDefault()).isFalse();
    }

    @Test
    void aCurrentLlamaCppOffloadsToEveryGpuBackendRunsAnyArchitectureAndNeedsNoAvx2() {
        InferenceEngine current = InferenceEngine.currentLlamaCpp();

        assertThat(current.id()).isEqualTo("llamaserver");
        assertThat(current.displayName()).contains("llama-server").contains("current llama.cpp");
        assertThat(current.accelerations()).containsExactlyInAnyOrder(Acceleration.CUDA, Acceleration.ROCM,
                Acceleration.METAL, Acceleration.VULKAN, Acceleration.SYCL);
        assertThat(current.needsAvx2OnX86()).isFalse();
        assertThat(current.slidingWindowCache()).isTrue();
        assertThat(current.capabilities().architectures()).isEmpty();
        assertThat(current.supports("qwen3")).isTrue();
        assertThat(current.supports("an-architecture-from-next-year")).isTrue();
        assertThat(InferenceEngine.currentLlamaCpp()).isEqualTo(current);
    }

    @Test
    void theInstalledEnginesAreTheProvidersThatLoadFilesAndTheFirstIsTheDefault() {
        // Only the llama.cpp engine is on this module's test class path.
        assertThat(InferenceEngine.installed()).containsExactly(IN_PROCESS);
        assertThat(InferenceEngine.preferred()).isEqualTo(IN_PROCESS);
        assertThat(FitRequest.builder(PlannerFixtures.llama1b(GgmlType.Q4_K)).build().engine()).isEqualTo(IN_PROCESS);
        assertThat(FitRequest.builder(PlannerFixtures.llama1b(GgmlType.Q4_K)).engine(null).build().engine())
                .isEqualTo(IN_PROCESS);
    }

    @Test
    void anEngineThatFailsToDescribeItselfIsLeftOutOfPlanningAndOneForNamesIsNotCounted() {
        InferenceBackendProvider throwing = new InferenceBackendProvider() {
            @Override
            public String id() {
                return "throwing";
            }

            @Override
            public EngineCapabilities capabilities() {
                throw new IllegalStateException("native library missing");
            }

            @Override
            public InferenceBackend create(LocalLlmConfig config) {
                throw new AssertionError("a plan never calls this");
            }
        };
        ThirdParty names = new ThirdParty("names", 500, EngineCapabilities.unknown(), false);
        InferenceBackendProvider nullReport = new InferenceBackendProvider() {
            @Override
            public String id() {
                return "silent";
            }

            @Override
            public EngineCapabilities capabilities() {
                return null;
            }

            @Override
            public InferenceBackend create(LocalLlmConfig config) {
                throw new AssertionError("a plan never calls this");
            }
        };

        assertThat(InferenceEngine.loadingFiles(List.of(names, throwing, LLAMA_ONLY, nullReport)))
                .extracting(InferenceEngine::id).containsExactly("llamaonly", "silent");
        assertThat(InferenceEngine.of(nullReport).capabilities()).isEqualTo(EngineCapabilities.unknown());
    }

    @Test
    void gpuBackendNamesMapToAccelerationsAndUnknownOnesAreIgnored() {
        InferenceEngine e = new InferenceEngine("x", "X", EngineCapabilities.builder()
                .gpuBackends(Set.of("CUDA", "hip", "opencl", "cann")).build());
        assertThat(e.accelerations()).containsExactlyInAnyOrder(Acceleration.CUDA, Acceleration.ROCM);
        assertThat(new InferenceEngine("cpu", "CPU", EngineCapabilities.unknown()).accelerations()).isEmpty();
    }

    @Test
    void anEngineNeedsAnIdAndCapabilities() {
        assertThatThrownBy(() -> new InferenceEngine(" ", "x", EngineCapabilities.unknown()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
        assertThatThrownBy(() -> new InferenceEngine("x", "x", null)).isInstanceOf(NullPointerException.class);
        assertThat(new InferenceEngine("x", "", EngineCapabilities.unknown()).displayName()).isEqualTo("x");
    }

    @Test
    void aThirdPartyEnginesReportDrivesThePlan() {
        InferenceEngine engine = InferenceEngine.of(LLAMA_ONLY);
        assertThat(engine.id()).isEqualTo("llamaonly");
        // An x86 CPU without AVX2, with a CUDA card: fine for this engine, fatal for the in-process one.
        HardwareProfile noAvx2 = PlannerFixtures.machine("amd64", PlannerFixtures.cpu(Set.of(CpuFeature.AVX)),
                64 * GIB, 56 * GIB, List.of(PlannerFixtures.nvidia("NVIDIA GeForce RTX 4090", 24 * GIB, 23 * GIB)));

        FitPlan llama = FitPlanner.plan(noAvx2, FitRequest.builder(PlannerFixtures.llama8b(GgmlType.Q4_K))
                .targetContext(8192).engine(engine).build());
        assertThat(llama.engine()).isEqualTo(engine);
        assertThat(llama.runnable()).isTrue();
        assertThat(llama.mode()).as("it reports CUDA").isEqualTo(InferenceMode.FULL_GPU);
        assertThat(llama.hasWarning(FitWarning.Kind.MISSING_INSTRUCTION_SET)).isFalse();
        assertThat(llama.warnings()).noneSatisfy(w -> assertThat(w.message()).containsIgnoringCase("avx2"));
        assertThat(llama.explanation()).contains("on llamaonly");

        FitPlan qwen3 = FitPlanner.plan(noAvx2, FitRequest.builder(QWEN3).targetContext(8192).engine(engine).build());
        assertThat(qwen3.compatibility()).isEqualTo(CompatibilityLevel.INCOMPATIBLE);
        assertThat(qwen3.hasWarning(FitWarning.Kind.UNSUPPORTED_ARCHITECTURE)).isTrue();
        assertThat(qwen3.explanation()).contains("llamaonly does not run the 'qwen3' architecture");
        assertThat(qwen3.hasWarning(FitWarning.Kind.MISSING_INSTRUCTION_SET)).isFalse();

        FitPlan inProcess = FitPlanner.plan(noAvx2, FitRequest.builder(PlannerFixtures.llama8b(GgmlType.Q4_K))
                .targetContext(8192).engine(IN_PROCESS).build());
        assertThat(inProcess.runnable()).isFalse();
        assertThat(inProcess.warnings()).anySatisfy(w -> {
            assertThat(w.kind()).isEqualTo(FitWarning.Kind.MISSING_INSTRUCTION_SET);
            assertThat(w.message()).contains("AVX2").contains("llama.cpp b4916 in process").contains("llama-server or Ollama")
                    .doesNotContain("InferenceEngine");
        });
    }

    @Test
    void gpusAnEngineCannotUseAreNamedWithWhatItOffloadsTo() {
        HardwareProfile rtx = PlannerFixtures.rtx4090Desktop();
        FitPlan inProcess = FitPlanner.plan(rtx, FitRequest.builder(PlannerFixtures.llama1b(GgmlType.Q4_K))
                .targetContext(4096).engine(IN_PROCESS).build());
        assertThat(inProcess.warnings()).anySatisfy(w -> assertThat(w.message())
                .contains("RTX 4090 (CUDA)").contains("not usable by llama.cpp b4916 in process, which offloads only to METAL")
                .contains("a llama-server GPU build would use them"));

        InferenceEngine cpuOnly = InferenceEngine.of(new ThirdParty("cpuonly", 0, EngineCapabilities.unknown(), true));
        FitPlan cpu = FitPlanner.plan(rtx, FitRequest.builder(PlannerFixtures.llama1b(GgmlType.Q4_K))
                .targetContext(4096).engine(cpuOnly).build());
        assertThat(cpu.mode()).isEqualTo(InferenceMode.CPU);
        assertThat(cpu.warnings()).anySatisfy(w -> assertThat(w.message())
                .contains("not usable by cpuonly, which runs on the CPU only"));

        // A GPU no llama.cpp build can use: no build to recommend.
        GpuInfo plain = new GpuInfo(GpuVendor.OTHER, "Basic Display", Reading.of(GIB, "test"), Reading.of(GIB, "test"),
                Reading.unknown("x"), Reading.unknown("x"), false, false, Acceleration.NONE);
        HardwareProfile basic = PlannerFixtures.machine("amd64", PlannerFixtures.cpu(Set.of(CpuFeature.AVX2)),
                16 * GIB, 12 * GIB, List.of(plain));
        FitPlan none = FitPlanner.plan(basic, FitRequest.builder(PlannerFixtures.llama1b(GgmlType.Q4_K))
                .targetContext(4096).engine(IN_PROCESS).build());
        assertThat(none.warnings()).anySatisfy(w -> assertThat(w.message()).contains("Basic Display (NONE)")
                .doesNotContain("llama-server"));
    }

    @Test
    void anEngineWithWindowSizedCachesNeedsLessMemoryForASlidingWindowModel() {
        CatalogModel gemma = ModelCatalog.defaultCatalog().model("gemma-3-12b-it").orElseThrow();
        MemoryModel m = MemoryModel.fromShape(gemma.shape().orElseThrow(), gemma.files().get(0).sizeBytes());
        HardwareProfile big = PlannerFixtures.machine("amd64", PlannerFixtures.cpu(Set.of(CpuFeature.AVX2)),
                128 * GIB, 120 * GIB, List.of());
        EngineCapabilities fullContext = EngineCapabilities.builder().windowedAttentionCache(false).build();

        // A build from before window-sized caches (May 2025) that does not claim them either.
        FitPlan full = FitPlanner.plan(big, FitRequest.builder(m).targetContext(32768)
                .engine(new InferenceEngine("a", "A", fullContext, LlamaCppBuild.B4916, false)).build());
        FitPlan windowed = FitPlanner.plan(big, FitRequest.builder(m).targetContext(32768)
                .engine(new InferenceEngine("b", "B", fullContext.toBuilder().windowedAttentionCache(true).build(),
                        LlamaCppBuild.B4916, false))
                .build());

        assertThat(full.contextSize()).isEqualTo(windowed.contextSize()).isEqualTo(32768);
        assertThat(windowed.memory().totalBytes()).isLessThan(full.memory().totalBytes() - GIB);
    }
}
