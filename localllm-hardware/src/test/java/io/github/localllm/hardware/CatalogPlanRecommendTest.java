package io.github.localllm.hardware;

import static io.github.localllm.hardware.CatalogProfiles.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ModelCatalog#recommend}: the best catalog model with a load plan from its shape and file size. */
class CatalogPlanRecommendTest {
    /** The engine installed in these tests, and so the one plans are for unless another is named. */
    private static final InferenceEngine IN_PROCESS = InferenceEngine.of(new LlamaCppBackendProvider());
    private final ModelCatalog catalog = ModelCatalog.defaultCatalog();

    @Test
    void an8GbLaptopWithoutGpuGetsASmallModelWithACpuPlan() {
        Recommendation<FitPlan> r = catalog.recommend(CatalogProfiles.laptop8GbNoGpu(), ModelTask.CHAT);

        Recommendation.Choice<FitPlan> choice = r.choice().orElseThrow();
        assertThat(choice.model().parameterCount()).isBetween(1_000_000_000L, 5_000_000_000L);
        assertThat(choice.model().shape()).isPresent();
        FitPlan plan = choice.fit();
        assertThat(plan.mode()).isEqualTo(InferenceMode.CPU);
        assertThat(plan.gpuLayers()).isZero();
        assertThat(plan.engine()).isEqualTo(IN_PROCESS);
        assertThat(plan.runnable()).isTrue();
        assertThat(plan.compatibility()).isNotIn(CompatibilityLevel.MARGINAL, CompatibilityLevel.UNKNOWN);
        assertThat(plan.contextSize()).isLessThanOrEqualTo(PlanFitCheck.MAX_TARGET_CONTEXT);
        assertThat(choice.reason()).startsWith("fits as planned").contains(plan.explanation());
        assertThat(r.passedOver()).extracting(rej -> rej.model().id()).contains("llama-3.3-70b-instruct");
    }

    @Test
    void a4090WithTheInProcessEngineIsPlannedForTheCpuOnLinux() {
        // The in-process engine's Linux native is a CPU build: the CUDA card cannot be used, so RAM decides.
        Recommendation<FitPlan> r = catalog.recommend(CatalogProfiles.desktopWith24GbGpu(), ModelTask.CHAT);

        Recommendation.Choice<FitPlan> choice = r.choice().orElseThrow();
        FitPlan plan = choice.fit();
        assertThat(plan.engine()).isEqualTo(IN_PROCESS);
        assertThat(plan.mode()).isEqualTo(InferenceMode.CPU);
        assertThat(plan.gpuLayers()).isZero();
        assertThat(plan.memory().deviceBytes()).isZero();
        assertThat(plan.memory().hostBytes()).isLessThan(20 * GIB);
        assertThat(plan.expectedTokensPerSecond().getAsDouble())
                .isGreaterThanOrEqualTo(PlanFitCheck.INTERACTIVE_TOKENS_PER_SECOND);
        assertThat(r.passedOver()).extracting(rej -> rej.model().id()).contains("llama-3.3-70b-instruct");
        // 20 GiB of RAM holds an 8B model, but four CPU cores generate it at a few tokens per second.
        assertThat(r.passedOver()).filteredOn(rej -> rej.model().id().equals("llama-3.1-8b-instruct")).singleElement()
                .satisfies(rej -> assertThat(rej.reason()).startsWith("fits, but is too slow"));
    }

    @Test
    void aModelThatFitsButAnswersTooSlowlyIsPassedOverForTheLargestFastEnoughOne() {
        // 32 GiB of RAM and no GPU: Gemma 3 27B fits in memory but is bound near 3 tokens/s by RAM bandwidth.
        Recommendation<FitPlan> r = catalog.recommend(CatalogProfiles.machine(32 * GIB, 30 * GIB, List.of()),
                ModelTask.CHAT);

        Recommendation.Choice<FitPlan> choice = r.choice().orElseThrow();
        assertThat(choice.fit().expectedTokensPerSecond()).isPresent();
        assertThat(choice.fit().expectedTokensPerSecond().getAsDouble())
                .isGreaterThanOrEqualTo(PlanFitCheck.INTERACTIVE_TOKENS_PER_SECOND);
        assertThat(r.passedOver()).filteredOn(rej -> rej.model().id().equals("gemma-3-27b-it")).singleElement()
                .satisfies(rej -> assertThat(rej.reason()).startsWith("fits, but is too slow: about ")
                        .contains("below the 10 tokens/s wanted"));
        assertThat(r.explanation()).contains("passed over as too large or too slow").doesNotContain("..");
    }

    @Test
    void theSpeedFloorJudgesTheCalibratedPrediction() {
        HardwareProfile machine = CatalogProfiles.machine(32 * GIB, 30 * GIB, List.of());
        Recommendation<FitPlan> assumed = catalog.recommend(machine, ModelTask.CHAT, IN_PROCESS, SpeedCalibrations.none());
        assertThat(assumed.choice().orElseThrow().model().parameterCount()).isLessThan(7_000_000_000L);
        // Measured on this machine: Q4_K_M files run four times as fast as the model assumes.
        SpeedCalibrations measured = SpeedCalibrations.inMemory();
        measured.record(new SpeedSample(CalibrationKey.of(machine.cpu(), machine.cpu().generationThreads(), IN_PROCESS,
                "Q4_K_M"), 4_700_000_000L, 40, 10, "test", java.time.Instant.EPOCH));

        Recommendation<FitPlan> r = catalog.recommend(machine, ModelTask.CHAT, IN_PROCESS, measured);

        Recommendation.Choice<FitPlan> choice = r.choice().orElseThrow();
        assertThat(choice.model().parameterCount()).isGreaterThanOrEqualTo(7_000_000_000L);
        assertThat(choice.fit().speed().orElseThrow().calibrated()).isTrue();
        assertThat(choice.fit().expectedTokensPerSecond().getAsDouble())
                .isGreaterThanOrEqualTo(PlanFitCheck.INTERACTIVE_TOKENS_PER_SECOND);
    }

    @Test
    void whenNothingIsFastEnoughTheFloorStepsDownInsteadOfRecommendingNothing() {
        ModelCatalog onlyBig = ModelCatalog.parse("""
                {"version": 1, "updated": "2026-11-28", "replaceDefault": true, "models": [%s]}"""
                .formatted(modelJson("gemma-3-27b-it")), "test");

        Recommendation<FitPlan> r = onlyBig.recommend(CatalogProfiles.machine(32 * GIB, 30 * GIB, List.of()),
                ModelTask.CHAT);

        FitPlan plan = r.choice().orElseThrow().fit();
        assertThat(plan.expectedTokensPerSecond().getAsDouble()).isLessThan(PlanFitCheck.INTERACTIVE_TOKENS_PER_SECOND);
        assertThat(plan.runnable()).isTrue();
    }

    @Test
    void embeddingModelsHaveNoSpeedFloor() {
        PlanFitCheck strict = new PlanFitCheck(CatalogProfiles.laptop8GbNoGpu(), IN_PROCESS,
                1_000_000);
        CatalogModel nomic = catalog.model("nomic-embed-text-v1.5").orElseThrow();

        assertThat(strict.check(nomic, nomic.files().get(0)).fitsMachine()).isFalse();
        assertThat(catalog.recommend(CatalogProfiles.laptop8GbNoGpu(), ModelTask.EMBEDDING).found()).isTrue();
        assertThatThrownBy(() -> new PlanFitCheck(CatalogProfiles.laptop8GbNoGpu(),
                IN_PROCESS, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    /** One bundled entry as catalog JSON, read back from the bundled resource. */
    private static String modelJson(String id) {
        String all;
        try (var in = ModelCatalog.class.getResourceAsStream("catalog.json")) {
            all = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int start = all.lastIndexOf('{', all.indexOf("\"id\": \"" + id + "\""));
        int depth = 0;
        for (int i = start; i < all.length(); i++) {
            depth += all.charAt(i) == '{' ? 1 : all.charAt(i) == '}' ? -1 : 0;
            if (depth == 0) {
                return all.substring(start, i + 1);
            }
        }
        throw new IllegalStateException(id + " not found");
    }

    @Test
    void a4GbMachineGetsATinyModelThatFitsItsFreeRam() {
        // The plan counts what an 8K-token load needs, less than the size check's flat 1 GiB headroom:
        // a 1-1.5B model at Q4_K_M (Qwen2.5 1.5B: a 1.04 GiB file, 28 KiB of KV cache per token) fits 1.8 GiB.
        Recommendation<FitPlan> r = catalog.recommend(CatalogProfiles.small4Gb((long) (1.8 * GIB)), ModelTask.CHAT);

        Recommendation.Choice<FitPlan> choice = r.choice().orElseThrow();
        assertThat(choice.model().parameterCount()).isLessThanOrEqualTo(1_600_000_000L);
        assertThat(choice.fit().mode()).isEqualTo(InferenceMode.CPU);
        assertThat(choice.fit().memory().hostBytes()).isLessThan((long) (1.8 * GIB));
    }

    @Test
    void tooLittleRamGivesNothingAndAClearReason() {
        Recommendation<FitPlan> r = catalog.recommend(CatalogProfiles.small4Gb(GIB / 2), ModelTask.CHAT);

        assertThat(r.found()).isFalse();
        assertThat(r.explanation()).startsWith("No chat model in the catalog fits this machine")
                .contains("Qwen2.5 0.5B Instruct").contains("does not fit well enough");
    }

    @Test
    void an8GbLaptopGetsACodeModelWithAPlan() {
        Recommendation<FitPlan> r = catalog.recommend(CatalogProfiles.laptop8GbNoGpu(), ModelTask.CODE);

        Recommendation.Choice<FitPlan> choice = r.choice().orElseThrow();
        assertThat(choice.model().tasks()).contains(ModelTask.CODE);
        assertThat(choice.model().shape()).isPresent();
        assertThat(choice.fit().mode()).isEqualTo(InferenceMode.CPU);
        assertThat(choice.fit().runnable()).isTrue();
        assertThat(choice.fit().memory().hostBytes()).isLessThan((long) (5.5 * GIB));
    }

    @Test
    void everyBundledModelHasAShapeUnlessItsArchitectureIsNotADenseTransformer() {
        // A shape describes a dense transformer. gpt-oss is a mixture of experts and Gemma 3n streams per-layer
        // embeddings: a dense shape would plan them wrongly, so they have none and are judged by size.
        Set<String> notDense = Set.of("gpt-oss", "gemma3n");
        assertThat(catalog.models()).filteredOn(m -> !notDense.contains(m.architecture()))
                .allSatisfy(m -> assertThat(m.shape()).as(m.id()).isPresent());
        assertThat(catalog.models()).filteredOn(m -> notDense.contains(m.architecture())).isNotEmpty()
                .allSatisfy(m -> assertThat(m.shape()).as(m.id()).isEmpty());
    }

    @Test
    void theInProcessEngineIsNeverRecommendedAModelOnlyTheServerRuns() {
        InferenceEngine server = InferenceEngine.currentLlamaCpp().withBuild(io.github.localllm.gguf.LlamaCppBuild.B10470);
        for (HardwareProfile machine : List.of(CatalogProfiles.laptop8GbNoGpu(), CatalogProfiles.desktopWith24GbGpu(),
                CatalogProfiles.small4Gb((long) (1.8 * GIB)))) {
            Recommendation<FitPlan> r = catalog.recommend(machine, ModelTask.CHAT, IN_PROCESS, SpeedCalibrations.none());
            r.choice().ifPresent(c -> assertThat(IN_PROCESS.supports(c.model().architecture())).as(c.model().id()).isTrue());
            assertThat(r.passedOver()).filteredOn(rej -> rej.model().architecture().equals("qwen3")).isNotEmpty()
                    .allSatisfy(rej -> assertThat(rej.reason()).contains("qwen3"));
        }
        // The server runs them: on a small machine its choice may be one only it runs.
        Recommendation<FitPlan> small = catalog.recommend(CatalogProfiles.small4Gb((long) (1.8 * GIB)), ModelTask.CHAT,
                server, SpeedCalibrations.none());
        assertThat(small.choice()).isPresent();
        assertThat(server.supports(small.choice().orElseThrow().model().architecture())).isTrue();
    }

    @Test
    void modelsWithoutAShapeArePassedOverWithTheSizeOnlyVerdict() {
        ModelCatalog shapeless = ModelCatalog.parse("""
                {"version": 1, "updated": "2026-11-22", "models": [{"id": "c", "name": "C", "tasks": ["code"],
                 "repository": "o/c", "architecture": "qwen2", "parameters": 1540000000, "contextLength": 32768,
                 "license": "Apache-2.0",
                 "files": [{"quantization": "Q4_K_M", "fileName": "c.gguf", "sizeBytes": 1117320736}]}]}""", "test");

        Recommendation<FitPlan> r = shapeless.recommend(CatalogProfiles.desktopWith24GbGpu(), ModelTask.CODE);

        assertThat(r.found()).isFalse();
        assertThat(r.passedOver()).isNotEmpty()
                .allSatisfy(rej -> assertThat(rej.reason()).contains("no architecture shape")
                        .contains("judged by file size only"));
    }

    @Test
    void theBundledShapesAreParsed() {
        CatalogModel qwen = catalog.model("qwen2.5-0.5b-instruct").orElseThrow();
        var shape = qwen.shape().orElseThrow();
        assertThat(shape.blockCount()).isEqualTo(24);
        assertThat(shape.keyLength()).as("896 / 14").isEqualTo(64);
        // The config ties them, but the official GGUF carries output.weight (291 tensors): not tied in the file.
        assertThat(shape.tiedEmbeddings()).isFalse();
        assertThat(shape.contextLength()).hasValue(32768);
        var gemma = catalog.model("gemma-3-4b-it").orElseThrow().shape().orElseThrow();
        assertThat(gemma.keyLength()).isEqualTo(256);
        assertThat(gemma.slidingWindow()).hasValue(1024);
        assertThat(gemma.architecture()).isEqualTo("gemma3");
        assertThat(gemma.tiedEmbeddings()).as("Gemma 3 files have no output.weight").isTrue();
        var gemma27 = catalog.model("gemma-3-27b-it").orElseThrow().shape().orElseThrow();
        assertThat(gemma27.keyLength()).as("head_dim 128, not 5376 / 32").isEqualTo(128);
        var phiMini = catalog.model("phi-4-mini-instruct").orElseThrow().shape().orElseThrow();
        assertThat(phiMini.keyLength()).as("3072 / 24").isEqualTo(128);
        assertThat(phiMini.tiedEmbeddings()).isTrue();
    }

    @Test
    void aShapeWithANonPositiveOrUnknownFieldIsRejected() {
        String bad = """
                {"version": 1, "updated": "2026-11-22", "models": [{"id": "m", "name": "M", "tasks": ["chat"],
                 "repository": "o/m", "architecture": "llama", "parameters": 1000, "contextLength": 512,
                 "license": "MIT", "shape": {%s},
                 "files": [{"quantization": "Q4_K_M", "fileName": "m.gguf", "sizeBytes": 1000}]}]}""";
        String ok = "\"blockCount\": 2, \"embeddingLength\": 64, \"headCount\": 4, \"feedForwardLength\": 128,"
                + " \"vocabularySize\": 256";
        assertThat(ModelCatalog.parse(bad.formatted(ok), "test").models().get(0).shape()).isPresent();
        assertThatThrownBy(() -> ModelCatalog.parse(bad.formatted(ok.replace("\"headCount\": 4", "\"headCount\": 0")),
                "test")).isInstanceOf(ConfigurationException.class).hasMessageContaining("shape.headCount")
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> ModelCatalog.parse(bad.formatted(ok + ", \"layers\": 3"), "test"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("layers");
        assertThatThrownBy(() -> ModelCatalog.parse(bad.formatted(ok.replace("\"blockCount\": 2, ", "")), "test"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("shape.blockCount")
                .hasMessageContaining("missing");
    }
}
