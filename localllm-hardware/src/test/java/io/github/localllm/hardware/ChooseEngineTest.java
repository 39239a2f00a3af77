package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.MemoryModel;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Between engines that both run a model, the plan chooses by measurement where there is one. */
class ChooseEngineTest {
    private static final InferenceEngine IN_PROCESS = InferenceEngine.of(new LlamaCppBackendProvider());
    private static final InferenceEngine SERVER = InferenceEngine.currentLlamaCpp();
    private static final List<InferenceEngine> BOTH = List.of(IN_PROCESS, SERVER);

    private static InferenceEngine choose(HardwareProfile hw, MemoryModel m, SpeedCalibrations c) {
        return FitPlanner.chooseEngine(hw, FitRequest.builder(m).targetContext(2048).calibrations(c).build(), BOTH)
                .orElseThrow().engine();
    }

    @Test
    void anArchitectureTheInProcessBuildDoesNotKnowGoesToTheServer() {
        MemoryModel qwen3 = PlannerFixtures.llama("qwen3", 1024, 28, 16, 8, 3072, 151936, 40960, GgmlType.Q8_0);
        assertThat(choose(PlannerFixtures.laptop8gbNoGpu(), qwen3, SpeedCalibrations.none())).isEqualTo(SERVER);
    }

    @Test
    void aGpuMachineGoesToTheEngineThatOffloads() {
        assertThat(choose(PlannerFixtures.rtx4090Desktop(), PlannerFixtures.llama8b(GgmlType.Q4_K),
                SpeedCalibrations.none())).isEqualTo(SERVER);
    }

    @Test
    void onTheCpuTheMeasuredFasterEngineWinsForEachSize() {
        HardwareProfile hw = PlannerFixtures.xeon2Cores();
        MemoryModel small = EngineLogMemoryTest.model("q4_k_m");
        MemoryModel large = MemoryModel.of(TensorManifest.read("/engine-logs/m1b-q4_k_m.tensors"));
        // Measured on the 2-core machine (2 threads, 64 greedy tokens): 134M Q4_K_M in process 173 tok/s and
        // on llama-server 162; 1B Q4_K_M 12.3 and 17.4.
        SpeedCalibrations measured = SpeedCalibrations.inMemory();
        record(measured, hw, IN_PROCESS, small, 173);
        record(measured, hw, SERVER, small, 162);
        record(measured, hw, IN_PROCESS, large, 12.3);
        record(measured, hw, SERVER, large, 17.4);

        assertThat(choose(hw, small, measured)).isEqualTo(IN_PROCESS);
        assertThat(choose(hw, large, measured)).isEqualTo(SERVER);
        // Without measurements the model expects b10470's repacked Q4_K kernels to be faster.
        assertThat(choose(hw, small, SpeedCalibrations.none())).isEqualTo(SERVER);
    }

    private static void record(SpeedCalibrations store, HardwareProfile hw, InferenceEngine engine, MemoryModel m,
                               double measured) {
        FitPlan plan = FitPlanner.plan(hw, FitRequest.builder(m).targetContext(512).engine(engine)
                .calibrations(SpeedCalibrations.none()).build());
        store.record(new SpeedSample(CalibrationKey.of(hw.cpu(), 2, engine, m.weightFormat()), m.totalWeightBytes(),
                measured, plan.speed().orElseThrow().estimatedTokensPerSecond(), "the issue's table", Instant.EPOCH));
    }
}
