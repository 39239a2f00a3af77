package io.github.localllm.hardware;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.github.localllm.hardware.CatalogProfiles.GIB;
import static org.assertj.core.api.Assertions.assertThat;

class CatalogRecommenderTest {
    private final ModelCatalog catalog = ModelCatalog.defaultCatalog();

    @Test
    void an8GbLaptopWithoutGpuGetsASmallModelAtQ4KM() {
        Recommendation<MemoryFit> r = CatalogRecommender.byMemory(catalog, CatalogProfiles.laptop8GbNoGpu())
                .recommend(ModelTask.CHAT);

        Recommendation.Choice<MemoryFit> choice = r.choice().orElseThrow();
        assertThat(choice.model().parameterCount()).isBetween(1_000_000_000L, 5_000_000_000L);
        assertThat(choice.file().quantization()).isEqualTo("Q4_K_M");
        assertThat(choice.fit().placement()).isEqualTo(MemoryFit.Placement.CPU);
        assertThat(choice.fit().requiredBytes()).isLessThanOrEqualTo(choice.fit().budgetBytes());
        assertThat(r.passedOver()).extracting(rej -> rej.model().id()).contains("qwen2.5-7b-instruct", "llama-3.3-70b-instruct");
        assertThat(r.explanation()).contains(choice.model().displayName()).contains("available RAM")
                .contains("Larger models were passed over as too large or too slow here");
    }

    @Test
    void a24GbGpuGetsALargeModelOnTheGpu() {
        Recommendation<MemoryFit> r = CatalogRecommender.byMemory(catalog, CatalogProfiles.desktopWith24GbGpu())
                .recommend(ModelTask.CHAT);

        Recommendation.Choice<MemoryFit> choice = r.choice().orElseThrow();
        assertThat(choice.model().parameterCount()).isGreaterThanOrEqualTo(27_000_000_000L);
        assertThat(choice.file().quantization()).isEqualTo("Q4_K_M");
        assertThat(choice.fit().placement()).isEqualTo(MemoryFit.Placement.GPU);
        assertThat(choice.reason()).contains("NVIDIA GeForce RTX 4090").contains("nvidia-smi");
        assertThat(r.passedOver()).extracting(rej -> rej.model().id()).containsExactly("llama-3.3-70b-instruct");
    }

    @Test
    void a24GbGpuGetsTheLargeCodeModel() {
        Recommendation<MemoryFit> r = CatalogRecommender.byMemory(catalog, CatalogProfiles.desktopWith24GbGpu())
                .recommend(ModelTask.CODE);

        assertThat(r.choice().orElseThrow().model().id()).isEqualTo("qwen2.5-coder-32b-instruct");
    }

    @Test
    void a4GbMachineGetsTheSmallestModel() {
        Recommendation<MemoryFit> r = CatalogRecommender.byMemory(catalog, CatalogProfiles.small4Gb((long) (1.8 * GIB)))
                .recommend(ModelTask.CHAT);

        Recommendation.Choice<MemoryFit> choice = r.choice().orElseThrow();
        assertThat(choice.model().parameterCount()).isLessThan(1_000_000_000L);
        // By memory alone, the largest sub-1B model that fits: Qwen3 0.6B, published as Q8_0 only.
        assertThat(choice.model().id()).isEqualTo("qwen3-0.6b");
        assertThat(choice.file().quantization()).isEqualTo("Q8_0");
    }

    @Test
    void aMachineWithTooLittleFreeRamGetsNothingAndAClearReason() {
        Recommendation<MemoryFit> r = CatalogRecommender.byMemory(catalog, CatalogProfiles.small4Gb(GIB))
                .recommend(ModelTask.CHAT);

        assertThat(r.found()).isFalse();
        assertThat(r.passedOver()).hasSize(catalog.candidates(ModelTask.CHAT).size());
        assertThat(r.explanation())
                .startsWith("No chat model in the catalog fits this machine")
                .contains("Qwen2.5 0.5B Instruct")
                .contains("does not fit: needs 1.6 GB")
                .contains("RAM offers 1.1 GB available RAM (test)");
    }

    @Test
    void embeddingsFitAlmostAnywhere() {
        Recommendation<MemoryFit> r = CatalogRecommender.byMemory(catalog, CatalogProfiles.small4Gb(2 * GIB))
                .recommend(ModelTask.EMBEDDING);

        assertThat(r.choice().orElseThrow().model().id()).isEqualTo("nomic-embed-text-v1.5");
        assertThat(r.choice().orElseThrow().file().quantization()).isEqualTo("Q4_K_M");
    }

    @Test
    void unknownAvailableRamFallsBackToTotalLessASystemReserve() {
        HardwareProfile profile = CatalogProfiles.machine(8 * GIB, null, List.of());

        Recommendation<MemoryFit> r = CatalogRecommender.byMemory(catalog, profile).recommend(ModelTask.CHAT);

        MemoryFit fit = r.choice().orElseThrow().fit();
        assertThat(fit.budgetBytes()).isEqualTo(6 * GIB);
        assertThat(fit.budgetSource()).contains("available RAM unknown");
    }

    @Test
    void highestQualityPreferenceUpgradesTheQuantizationOfTheChosenModel() {
        ModelCatalog two = ModelCatalog.parse(CatalogJson.document(
                CatalogJson.model("big", "chat", 8_000_000_000L, 8192, 4_900_000_000L, 8_500_000_000L),
                CatalogJson.model("small", "chat", 1_000_000_000L, 8192, 600_000_000L, 1_100_000_000L)), "t");
        HardwareProfile laptop = CatalogProfiles.machine(16 * GIB, 12 * GIB, List.of());

        var balanced = new CatalogRecommender<>(two, new MemoryFitCheck(laptop), QuantizationPreference.BALANCED)
                .recommend(ModelTask.CHAT).choice().orElseThrow();
        var best = new CatalogRecommender<>(two, new MemoryFitCheck(laptop), QuantizationPreference.HIGHEST_QUALITY)
                .recommend(ModelTask.CHAT).choice().orElseThrow();

        assertThat(balanced.model().id()).isEqualTo("big");
        assertThat(balanced.file().quantization()).isEqualTo("Q4_K_M");
        assertThat(best.model().id()).isEqualTo("big");
        assertThat(best.file().quantization()).isEqualTo("Q8_0");
    }

    @Test
    void anyFitCheckCanBePluggedIn() {
        // Stands in for the load planner: accepts only files under 1 GB and returns a plan-like string.
        FitCheck<String> planner = (model, file) -> file.sizeBytes() < 1_000_000_000L
                ? FitVerdict.fits("plan for " + file.fileName(), "fits the plan")
                : FitVerdict.doesNotFit("too large for the plan");

        Recommendation<String> r = new CatalogRecommender<>(catalog, planner, QuantizationPreference.BALANCED)
                .recommend(ModelTask.CHAT);

        assertThat(r.choice().orElseThrow().fit()).startsWith("plan for ");
        assertThat(r.choice().orElseThrow().file().sizeBytes()).isLessThan(1_000_000_000L);
        assertThat(r.passedOver()).allMatch(rej -> rej.reason().equals("too large for the plan"));
    }

    @Test
    void aGpuWithoutAccelerationIsIgnored() {
        GpuInfo gpu = new GpuInfo(GpuVendor.OTHER, "Basic display adapter", Reading.of(48 * GIB, "test"),
                Reading.of(48 * GIB, "test"), Reading.unknown("none"), Reading.unknown("none"), false, false,
                Acceleration.NONE);
        HardwareProfile profile = CatalogProfiles.machine(8 * GIB, (long) (5.5 * GIB), List.of(gpu));

        Recommendation<MemoryFit> r = CatalogRecommender.byMemory(catalog, profile).recommend(ModelTask.CHAT);

        assertThat(r.choice().orElseThrow().fit().placement()).isEqualTo(MemoryFit.Placement.CPU);
    }
}
