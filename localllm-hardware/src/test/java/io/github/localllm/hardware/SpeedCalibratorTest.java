package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.Tokenizer;
import io.github.localllm.Usage;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpeedCalibratorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T16:00:00Z"), ZoneOffset.UTC);
    private static final InferenceEngine SERVER = InferenceEngine.currentLlamaCpp();
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("calibrate-q8_0.gguf");
        SyntheticModel.withParameterCount(5_000_000).tensorType(GgmlType.Q8_0).name("calibrate").build().write(model);
    }

    /** An engine whose generations report the speeds it is given, one per call after the warm-up. */
    private static final class ScriptedEngine implements InferenceBackend {
        private final List<Double> speeds;
        private final int tokens;
        final List<ModelLoadRequest> loads = new ArrayList<>();
        final List<GenerationRequest> requests = new ArrayList<>();
        boolean closed;

        ScriptedEngine(int tokens, Double... speeds) {
            this.tokens = tokens;
            this.speeds = new ArrayList<>(List.of(speeds));
        }

        @Override
        public BackendInfo info() {
            return BackendInfo.builder("scripted").build();
        }

        @Override
        public ModelInstance load(ModelLoadRequest request) {
            loads.add(request);
            return new ModelInstance() {
                @Override
                public ModelInfo info() {
                    return ModelInfo.builder("calibrate", "scripted").build();
                }

                @Override
                public Optional<Tokenizer> tokenizer() {
                    return Optional.empty();
                }

                @Override
                public GenerationResult generate(GenerationRequest r) {
                    requests.add(r);
                    double tps = requests.size() == 1 ? 1 : speeds.remove(0);
                    int n = requests.size() == 1 ? r.maxTokens() : tokens;
                    return GenerationResult.builder().text("x".repeat(n)).finishReason(FinishReason.LENGTH)
                            .usage(new Usage(12, n)).model("calibrate")
                            .metrics(new GenerationMetrics(Duration.ZERO, Duration.ofMillis(5), Duration.ofSeconds(1), 100, tps))
                            .build();
                }

                @Override
                public GenerationStream stream(GenerationRequest r) {
                    throw new AssertionError("the calibrator generates without streaming");
                }

                @Override
                public EmbeddingResult embed(EmbeddingRequest r) {
                    throw new AssertionError("the calibrator does not embed");
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theFastestRunIsRecordedBesideTheUncalibratedPrediction() {
        ScriptedEngine engine = new ScriptedEngine(64, 150.0, 162.0, 120.0);
        SpeedCalibrations store = SpeedCalibrations.inMemory();
        HardwareProfile hw = PlannerFixtures.xeon2Cores();

        SpeedSample s = SpeedCalibrator.builder().loadAverage(() -> 0.1).clock(CLOCK).build()
                .calibrate(hw, SERVER, engine, model, store);

        assertThat(s.tokensPerSecond()).isEqualTo(162.0);
        assertThat(s.key()).isEqualTo(new CalibrationKey("Intel(R) Xeon(R) Processor", 2, "llamaserver", 10470, "Q8_0"));
        assertThat(s.measuredAt()).isEqualTo(CLOCK.instant());
        assertThat(s.modelBytes()).isEqualTo(io.github.localllm.gguf.MemoryModel.of(
                io.github.localllm.gguf.GgufFile.read(model)).totalWeightBytes());
        FitPlan uncalibrated = FitPlanner.plan(hw, FitRequest.builder(io.github.localllm.gguf.GgufFile.read(model))
                .targetContext(512).engine(SERVER).calibrations(SpeedCalibrations.none()).build());
        assertThat(s.predictedTokensPerSecond()).isEqualTo(uncalibrated.speed().orElseThrow().estimatedTokensPerSecond());
        assertThat(store.samples()).containsExactly(s);
        // On the CPU, threads as planned, a small context; a warm-up then three timed runs, greedy.
        assertThat(engine.loads).singleElement().satisfies(l -> {
            assertThat(l.options().gpuLayers()).isZero();
            assertThat(l.options().threads()).isEqualTo(2);
            assertThat(l.options().contextSize()).isEqualTo(512);
        });
        assertThat(engine.requests).hasSize(4);
        assertThat(engine.requests.get(1).maxTokens()).isEqualTo(64);
        assertThat(engine.requests.get(1).sampling().temperature()).isZero();

        FitPlan calibrated = FitPlanner.plan(hw, FitRequest.builder(io.github.localllm.gguf.GgufFile.read(model))
                .targetContext(512).engine(SERVER).calibrations(store).build());
        assertThat(calibrated.expectedTokensPerSecond().getAsDouble()).as("the same file is predicted as measured")
                .isCloseTo(162.0, within(0.01));
        assertThat(calibrated.speed().orElseThrow().calibrated()).isTrue();
        assertThat(calibrated.explanation()).contains("as measured on this machine");
    }

    @Test
    void aBusyMachineIsNotMeasured() {
        ScriptedEngine engine = new ScriptedEngine(64, 100.0);
        SpeedCalibrations store = SpeedCalibrations.inMemory();
        assertThatThrownBy(() -> SpeedCalibrator.builder().loadAverage(() -> 16.1).build()
                .calibrate(PlannerFixtures.xeon2Cores(), SERVER, engine, model, store))
                .isInstanceOf(InsufficientResourcesException.class)
                .hasMessageContaining("busy (load average 16.1 on 2 processors)").hasMessageContaining("idle");
        assertThat(engine.loads).isEmpty();
        assertThat(store.samples()).isEmpty();
        // Unknown (negative) load, or a limit raised on purpose, measures.
        SpeedCalibrator.builder().loadAverage(() -> -1).runs(1).build()
                .calibrate(PlannerFixtures.xeon2Cores(), SERVER, new ScriptedEngine(64, 90.0), model, store);
        SpeedCalibrator.builder().loadAverage(() -> 16.1).maxLoadPerProcessor(Double.POSITIVE_INFINITY).runs(1).build()
                .calibrate(PlannerFixtures.xeon2Cores(), SERVER, new ScriptedEngine(64, 91.0), model, store);
        assertThat(store.samples()).singleElement().satisfies(s -> assertThat(s.tokensPerSecond()).isEqualTo(91.0));
    }

    @Test
    void aModelThatStopsAtOnceCannotBeTimedAndTheModelIsClosed() {
        ScriptedEngine engine = new ScriptedEngine(3, 100.0);
        assertThatThrownBy(() -> SpeedCalibrator.builder().loadAverage(() -> 0).build()
                .calibrate(PlannerFixtures.xeon2Cores(), SERVER, engine, model, SpeedCalibrations.inMemory()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("stopped after 3 tokens");
        assertThat(engine.closed).isTrue();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> SpeedCalibrator.builder().tokens(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpeedCalibrator.builder().runs(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpeedCalibrator.builder().maxLoadPerProcessor(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void llamaBenchJsonIsReadForItsGenerationTest() throws Exception {
        String json;
        try (var in = SpeedCalibratorTest.class.getResourceAsStream("/speed/llama-bench-b10470.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(SpeedCalibrator.benchTokensPerSecond(json)).isGreaterThan(1);
        assertThatThrownBy(() -> SpeedCalibrator.benchTokensPerSecond("error: failed to load model"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no JSON");
        assertThatThrownBy(() -> SpeedCalibrator.benchTokensPerSecond("[{\"n_prompt\": 512, \"n_gen\": 0}]"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no generation test");
    }

    @Test
    void aFailingBenchIsAClearError() throws Exception {
        Path fake = dir.resolve("llama-bench");
        Files.writeString(fake, "#!/bin/sh\necho 'error: unknown model' >&2\nexit 3\n");
        boolean executable = fake.toFile().setExecutable(true);
        org.junit.jupiter.api.Assumptions.assumeTrue(executable && !System.getProperty("os.name").startsWith("Windows"),
                "a shell script stands in for llama-bench");
        assertThatThrownBy(() -> SpeedCalibrator.builder().loadAverage(() -> 0).build().measureLlamaBench(
                PlannerFixtures.xeon2Cores(), SERVER, fake, model, SpeedCalibrations.inMemory()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("failed with exit code 3");
    }
}
