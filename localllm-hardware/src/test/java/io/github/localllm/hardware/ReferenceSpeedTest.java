package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import io.github.localllm.gguf.MemoryModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speed model against the speeds measured on the reference machine (test resource
 * {@code speed/measured.csv}, see its README): both engines, the 134M model at Q4_K_M and Q8_0 and the
 * 1B model at Q4_K_M, planned for the same machine and threads. Before calibration the 134M files are
 * within 30% (the old bandwidth bound promised 676 and 423 tokens/s for the 134M files); after a
 * calibration the prediction rests on the nearest measured model size.
 */
class ReferenceSpeedTest {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceSpeedTest.class);
    private static final InferenceEngine IN_PROCESS = InferenceEngine.of(new LlamaCppBackendProvider());
    private static final InferenceEngine SERVER = InferenceEngine.currentLlamaCpp();
    private static final HardwareProfile XEON = PlannerFixtures.xeon2Cores();

    record Measured(InferenceEngine engine, String file, double tokensPerSecond) {
        MemoryModel model() {
            return MemoryModel.of(TensorManifest.read("/engine-logs/" + file + ".tensors"));
        }
    }

    static List<Measured> measured() throws IOException {
        List<Measured> rows = new ArrayList<>();
        try (InputStream in = ReferenceSpeedTest.class.getResourceAsStream("/speed/measured.csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(",");
                rows.add(new Measured(f[0].equals("llamacpp") ? IN_PROCESS : SERVER, f[2], Double.parseDouble(f[3])));
            }
        }
        return rows;
    }

    static SpeedPrediction predict(Measured m, SpeedCalibrations calibrations) {
        return FitPlanner.plan(XEON, FitRequest.builder(m.model()).targetContext(512).engine(m.engine())
                .calibrations(calibrations).build()).speed().orElseThrow();
    }

    static SpeedSample sample(Measured m) {
        return new SpeedSample(CalibrationKey.of(XEON.cpu(), 2, m.engine(), m.model().weightFormat()),
                m.model().totalWeightBytes(), m.tokensPerSecond(), predict(m, SpeedCalibrations.none())
                .estimatedTokensPerSecond(), "reference machine", Instant.EPOCH);
    }

    @Test
    void beforeCalibrationThe134MFilesAreWithinThirtyPercentForBothEngines() throws IOException {
        StringBuilder table = new StringBuilder("\nengine    file          measured  predicted  error  bound\n");
        for (Measured m : measured()) {
            SpeedPrediction p = predict(m, SpeedCalibrations.none());
            double error = p.tokensPerSecond() / m.tokensPerSecond() - 1;
            table.append(String.format(Locale.ROOT, "%-9s %-13s %8.1f %10.1f %+6.0f%%  %s%n", m.engine().build(), m.file(),
                    m.tokensPerSecond(), p.tokensPerSecond(), error * 100, p.limitedBy()));
            assertThat(p.calibrated()).isFalse();
            if (m.file().startsWith("m134")) {
                assertThat(Math.abs(error)).as("%s %s%s", m.engine().build(), m.file(), table).isLessThanOrEqualTo(0.30);
            } else {
                // 1B: a current llama-server within 30%; b4916's kernels fall further behind at this size,
                // which only a measurement shows.
                assertThat(error).as("%s %s%s", m.engine().build(), m.file(), table).isBetween(-0.30, 0.45);
            }
        }
        LOG.info("uncalibrated:{}", table);
    }

    @Test
    void afterCalibrationEachFileIsPredictedFromTheNearestMeasurementOfItsEngineAndQuantization() throws IOException {
        List<Measured> all = measured();
        SpeedCalibrations everything = SpeedCalibrations.inMemory();
        all.forEach(m -> everything.record(sample(m)));
        StringBuilder table = new StringBuilder("\nengine    file          measured  calibrated  from\n");
        for (Measured m : all) {
            SpeedPrediction p = predict(m, everything);
            assertThat(p.calibrated()).isTrue();
            assertThat(p.tokensPerSecond()).as(m.file()).isCloseTo(m.tokensPerSecond(),
                    org.assertj.core.api.Assertions.within(m.tokensPerSecond() * 0.001));
            table.append(String.format(Locale.ROOT, "%-9s %-13s %8.1f %11.1f  the same file%n", m.engine().build(),
                    m.file(), m.tokensPerSecond(), p.tokensPerSecond()));
        }
        // Calibrated on the 134M Q4_K_M file only, the 1B file of the same quantization on llama-server.
        for (InferenceEngine engine : List.of(SERVER, IN_PROCESS)) {
            SpeedCalibrations small = SpeedCalibrations.inMemory();
            all.stream().filter(m -> m.engine() == engine && m.file().equals("m134-q4_k_m")).forEach(m -> small.record(sample(m)));
            Measured big = all.stream().filter(m -> m.engine() == engine && m.file().equals("m1b-q4_k_m")).findFirst()
                    .orElseThrow();
            SpeedPrediction p = predict(big, small);
            double error = p.tokensPerSecond() / big.tokensPerSecond() - 1;
            table.append(String.format(Locale.ROOT, "%-9s %-13s %8.1f %11.1f  m134-q4_k_m (%+.0f%%)%n", engine.build(),
                    big.file(), big.tokensPerSecond(), p.tokensPerSecond(), error * 100));
            if (engine == SERVER) {
                assertThat(Math.abs(error)).as(table.toString()).isLessThanOrEqualTo(0.30);
            }
        }
        LOG.info("calibrated:{}", table);
    }
}
