package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.MemoryModel;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The speed model's structure: which bound decides, what threads, types and builds change, and calibration. */
class SpeedModelTest {
    private static final InferenceEngine IN_PROCESS = InferenceEngine.of(new LlamaCppBackendProvider());
    private static final InferenceEngine SERVER = InferenceEngine.currentLlamaCpp();

    static SpeedPrediction speed(HardwareProfile hw, MemoryModel m, InferenceEngine engine, SpeedCalibrations c) {
        return FitPlanner.plan(hw, FitRequest.builder(m).targetContext(512).engine(engine).calibrations(c).build())
                .speed().orElseThrow();
    }

    static SpeedPrediction speed(HardwareProfile hw, MemoryModel m, InferenceEngine engine) {
        return speed(hw, m, engine, SpeedCalibrations.none());
    }

    static HardwareProfile cpu(int cores, Set<CpuFeature> features) {
        return PlannerFixtures.machine("amd64", new CpuInfo("Test CPU", cores, cores, features), 64 * PlannerFixtures.GIB,
                60 * PlannerFixtures.GIB, List.of());
    }

    private static final Set<CpuFeature> AVX2 = Set.of(CpuFeature.AVX, CpuFeature.AVX2, CpuFeature.FMA, CpuFeature.F16C);

    @Test
    void fewThreadsAreComputeBoundAndManyAreBandwidthBound() {
        // The in-process build's Q4_K kernels (not repacked) need more time per weight than memory does per byte.
        MemoryModel m = PlannerFixtures.llama8b(GgmlType.Q4_K);
        SpeedPrediction two = speed(cpu(2, AVX2), m, IN_PROCESS);
        SpeedPrediction sixteen = speed(cpu(16, AVX2), m, IN_PROCESS);
        assertThat(two.limitedBy()).isEqualTo(SpeedPrediction.Limit.COMPUTE);
        assertThat(sixteen.limitedBy()).isEqualTo(SpeedPrediction.Limit.MEMORY_BANDWIDTH);
        assertThat(sixteen.computeTokensPerSecond()).isCloseTo(two.computeTokensPerSecond() * 8, within(1e-6));
        // The slower bound decides.
        assertThat(two.estimatedTokensPerSecond()).isEqualTo(Math.min(two.computeTokensPerSecond(),
                two.bandwidthTokensPerSecond()));
        // Bandwidth: dual-channel DDR4 at 80% (41 GB/s) over 4.6 GB a token is about 9 tokens/s, not the 676 a
        // bound of 51.2 GB/s over a 134M model once promised.
        assertThat(sixteen.estimatedTokensPerSecond()).isBetween(7.0, 11.0);
        assertThat(two.basis()).contains("2 CPU threads").contains("GFLOP per token").contains("not calibrated");
    }

    @Test
    void bytesDecideTheBandwidthBoundAndTypesTheComputeBound() {
        HardwareProfile hw = cpu(16, AVX2);
        SpeedPrediction q4 = speed(hw, PlannerFixtures.llama8b(GgmlType.Q4_K), SERVER);
        SpeedPrediction q8 = speed(hw, PlannerFixtures.llama8b(GgmlType.Q8_0), SERVER);
        assertThat(q8.bandwidthTokensPerSecond() / q4.bandwidthTokensPerSecond()).isBetween(0.45, 0.6);
        // b10470 repacks Q4_K on AVX2 (faster kernels); b4916 does not.
        SpeedPrediction old = speed(hw, PlannerFixtures.llama8b(GgmlType.Q4_K), IN_PROCESS);
        assertThat(q4.computeTokensPerSecond()).isGreaterThan(old.computeTokensPerSecond() * 1.2);
        // Without AVX2 an x86 CPU runs slower kernels.
        SpeedPrediction noAvx2 = speed(cpu(16, Set.of(CpuFeature.AVX)), PlannerFixtures.llama8b(GgmlType.Q4_K), SERVER);
        assertThat(noAvx2.computeTokensPerSecond()).isLessThan(q4.computeTokensPerSecond() / 2);
    }

    @Test
    void aCalibrationOfTheSameKeyCorrectsThePredictionByTheNearestSizedSample() {
        HardwareProfile hw = cpu(4, AVX2);
        MemoryModel m = PlannerFixtures.llama1b(GgmlType.Q4_K);
        SpeedPrediction before = speed(hw, m, SERVER);
        CalibrationKey key = CalibrationKey.of(hw.cpu(), 4, SERVER, m.weightFormat());
        SpeedCalibrations store = SpeedCalibrations.inMemory();
        store.record(new SpeedSample(key, m.totalWeightBytes() / 10, 300, 200, "small", Instant.EPOCH));
        store.record(new SpeedSample(key, m.totalWeightBytes(), 30, 40, "same size", Instant.EPOCH));
        store.record(new SpeedSample(new CalibrationKey("Other CPU", 4, "llamaserver", 10470, m.weightFormat()),
                m.totalWeightBytes(), 1, 100, "another CPU", Instant.EPOCH));

        SpeedPrediction after = speed(hw, m, SERVER, store);

        assertThat(after.calibrated()).isTrue();
        assertThat(after.calibration().orElseThrow().source()).isEqualTo("same size");
        assertThat(after.estimatedTokensPerSecond()).isEqualTo(before.estimatedTokensPerSecond());
        assertThat(after.tokensPerSecond()).isCloseTo(before.estimatedTokensPerSecond() * 30 / 40, within(1e-9));
        assertThat(after.basis()).contains("calibrated on this machine").contains("30.0 tok/s measured");
        // Another engine, or other threads, are not corrected by it.
        assertThat(speed(hw, m, IN_PROCESS, store).calibrated()).isFalse();
        assertThat(speed(cpu(8, AVX2), m, SERVER, store).calibrated()).isFalse();
    }

    @Test
    void aGpuPlanIsBoundByTheGpusBandwidthAndNotCorrectedByCpuMeasurements() {
        HardwareProfile hw = PlannerFixtures.rtx4090Desktop();
        MemoryModel m = PlannerFixtures.llama8b(GgmlType.Q4_K);
        SpeedCalibrations store = SpeedCalibrations.inMemory();
        store.record(new SpeedSample(CalibrationKey.of(hw.cpu(), hw.cpu().generationThreads(), SERVER, m.weightFormat()),
                m.totalWeightBytes(), 1, 100, "CPU run", Instant.EPOCH));
        SpeedPrediction gpu = speed(hw, m, SERVER, store);
        assertThat(gpu.calibrated()).isFalse();
        assertThat(gpu.computeTokensPerSecond()).as("no layer on the CPU").isInfinite();
        assertThat(gpu.limitedBy()).isEqualTo(SpeedPrediction.Limit.MEMORY_BANDWIDTH);
        // 4.6 GB a token over 80% of 1008 GB/s.
        assertThat(gpu.tokensPerSecond()).isBetween(150.0, 200.0);
        assertThat(gpu.basis()).contains("1008 GB/s").contains("80%");
    }

    @Test
    void theFlopsOfATokenAreTwoPerMatrixWeightPlusAttention() {
        MemoryModel m = PlannerFixtures.llama1b(GgmlType.Q8_0);
        // Llama 3.2 1B without its 262M-weight embedding lookup: 16 layers of 60.8M, and the 262M output matrix.
        long layer = 2048L * 2048 * 2 + 2048L * 512 * 2 + 3L * 2048 * 8192;
        assertThat(m.matrixWeightsPerToken()).isEqualTo(16 * layer + 2048L * 128256);
        assertThat(m.flopsPerToken(0)).isEqualTo(2.0 * m.matrixWeightsPerToken());
        // Each cached token costs Q·K and the weighted V: 2 × 16 layers × (2048 + 2048) operations.
        assertThat(m.flopsPerToken(1000) - m.flopsPerToken(0)).isEqualTo(2.0 * 16 * 4096 * 1000);
        assertThat(m.matrixWeightsByType()).containsOnlyKeys(GgmlType.Q8_0);
        assertThat(m.weightFormat()).isEqualTo("Q8_0");
    }
}
