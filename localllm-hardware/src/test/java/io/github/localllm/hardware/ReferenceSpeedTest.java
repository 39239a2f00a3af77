package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import io.github.localllm.gguf.MemoryModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speed model against the speeds measured on the reference machine (test resource
 * {@code speed/measured.csv}, see its README): both engines, the 134M model at Q4_K_M and Q8_0 and the
 * 1B model at Q4_K_M, planned for the same machine and threads. The old bandwidth bound promised 676
 * and 423 tokens/s for the 134M files.
 */
class ReferenceSpeedTest {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceSpeedTest.class);
    private static final InferenceEngine IN_PROCESS = InferenceEngine.of(new LlamaCppBackendProvider());
    private static final InferenceEngine SERVER = InferenceEngine.currentLlamaCpp();
    private static final HardwareProfile XEON = PlannerFixtures.xeon2Cores();
    private static final String CALIBRATOR = "SpeedCalibrator";

    record Measured(InferenceEngine engine, String file, double tokensPerSecond, String source) {
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
                rows.add(new Measured(f[0].equals("llamacpp") ? IN_PROCESS : SERVER, f[2], Double.parseDouble(f[3]),
                        f[4]));
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
                .estimatedTokensPerSecond(), m.source(), Instant.EPOCH);
    }

    @Test
    void beforeCalibrationTheMeasuredFilesAreWithinThirtyPercentForBothEngines() throws IOException {
        StringBuilder table = new StringBuilder("\nengine  file         measured predicted error  bound             source\n");
        for (Measured m : measured()) {
            SpeedPrediction p = predict(m, SpeedCalibrations.none());
            double error = p.tokensPerSecond() / m.tokensPerSecond() - 1;
            table.append(String.format(Locale.ROOT, "%-7s %-12s %8.1f %9.1f %+5.0f%%  %-17s %s%n", m.engine().build(),
                    m.file(), m.tokensPerSecond(), p.tokensPerSecond(), error * 100, p.limitedBy(), m.source()));
            assertThat(p.calibrated()).isFalse();
            if (m.source().startsWith(CALIBRATOR) || m.file().startsWith("m134") || m.engine() == SERVER) {
                assertThat(Math.abs(error)).as("%s %s%s", m.engine().build(), m.file(), table).isLessThanOrEqualTo(0.30);
            } else {
                // The 12.3 tokens/s for the 1B file in process; SpeedCalibrator measured 18.3.
                assertThat(error).as("%s %s%s", m.engine().build(), m.file(), table).isBetween(0.30, 0.45);
            }
        }
        LOG.info("uncalibrated:{}", table);
    }

    @Test
    void theCalibrationFileSpeedCalibratorWroteMakesEachPredictionItsMeasurement(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("calibration.json");
        try (InputStream in = ReferenceSpeedTest.class.getResourceAsStream("/speed/calibration-2026-11-30.json")) {
            Files.write(file, in.readAllBytes());
        }
        SpeedCalibrations store = SpeedCalibrations.load(file);
        assertThat(store.samples()).hasSize(6);
        StringBuilder table = new StringBuilder("\nengine  file         measured calibrated\n");
        for (Measured m : measured().stream().filter(m -> m.source().startsWith(CALIBRATOR)).toList()) {
            SpeedPrediction p = predict(m, store);
            assertThat(p.calibrated()).isTrue();
            assertThat(p.tokensPerSecond()).as(m.file()).isCloseTo(m.tokensPerSecond(), within(0.05));
            table.append(String.format(Locale.ROOT, "%-7s %-12s %8.1f %10.1f%n", m.engine().build(), m.file(),
                    m.tokensPerSecond(), p.tokensPerSecond()));
        }
        LOG.info("calibrated by the file:{}", table);
    }

    @Test
    void aCalibrationOnThe134MFileCarriesToThe1BFileOfTheSameQuantization() throws IOException {
        StringBuilder table = new StringBuilder("\nengine  measured 1B  predicted from 134M  error  source\n");
        for (String source : List.of(CALIBRATOR, "issue 9")) {
            for (InferenceEngine engine : List.of(SERVER, IN_PROCESS)) {
                List<Measured> rows = measured().stream().filter(m -> m.engine() == engine
                        && m.source().startsWith(source)).toList();
                SpeedCalibrations small = SpeedCalibrations.inMemory();
                rows.stream().filter(m -> m.file().equals("m134-q4_k_m")).forEach(m -> small.record(sample(m)));
                Measured big = rows.stream().filter(m -> m.file().equals("m1b-q4_k_m")).findFirst().orElseThrow();
                SpeedPrediction p = predict(big, small);
                double error = p.tokensPerSecond() / big.tokensPerSecond() - 1;
                table.append(String.format(Locale.ROOT, "%-7s %11.1f %20.1f %+5.0f%%  %s%n", engine.build(),
                        big.tokensPerSecond(), p.tokensPerSecond(), error * 100, source));
                assertThat(p.calibrated()).isTrue();
                if (source.equals(CALIBRATOR) || engine == SERVER) {
                    assertThat(Math.abs(error)).as(table.toString()).isLessThanOrEqualTo(0.30);
                }
            }
        }
        LOG.info("1B from a 134M calibration:{}", table);
    }
}
