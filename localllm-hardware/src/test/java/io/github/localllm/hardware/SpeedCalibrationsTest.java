package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.config.LocalLlmConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpeedCalibrationsTest {
    private static final CalibrationKey SERVER_Q4 = new CalibrationKey("Intel(R) Xeon(R) Processor", 2, "llamaserver",
            10470, "Q4_K_M");
    private static final Instant T0 = Instant.parse("2026-11-30T15:00:00Z");

    private static SpeedSample sample(CalibrationKey key, long bytes, double measured, double predicted, int minute) {
        return new SpeedSample(key, bytes, measured, predicted, "test", T0.plusSeconds(60L * minute));
    }

    @Test
    void aRecordedSampleIsWrittenAndReadBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/calibration.json");
        SpeedCalibrations store = SpeedCalibrations.load(file);
        assertThat(store.samples()).isEmpty();
        SpeedSample s = sample(SERVER_Q4, 85_320_224, 162.0, 170.5, 0);

        store.record(s);

        assertThat(Files.readString(file)).contains("\"version\" : 1").contains("\"quantization\" : \"Q4_K_M\"")
                .contains("\"tokensPerSecond\" : 162.0").contains("2026-11-30T15:00:00Z");
        SpeedCalibrations again = SpeedCalibrations.load(file);
        assertThat(again.samples()).containsExactly(s);
        assertThat(again.nearest(SERVER_Q4, 85_000_000)).contains(s);
        assertThat(again.file()).contains(file.toAbsolutePath().normalize());
        assertThat(s.correction()).isCloseTo(162.0 / 170.5, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void keysSeparateProcessorsThreadsEnginesBuildsAndQuantizations() {
        SpeedCalibrations store = SpeedCalibrations.inMemory();
        store.record(sample(SERVER_Q4, 85_000_000, 162, 170, 0));
        assertThat(store.nearest(new CalibrationKey("Intel(R) Xeon(R) Processor", 2, "llamaserver", 10470, "q4_k_m"),
                85_000_000)).as("quantization names are case-insensitive").isPresent();
        assertThat(store.nearest(new CalibrationKey("AMD Ryzen 9 7950X", 2, "llamaserver", 10470, "Q4_K_M"), 1))
                .isEmpty();
        assertThat(store.nearest(new CalibrationKey("Intel(R) Xeon(R) Processor", 1, "llamaserver", 10470, "Q4_K_M"), 1))
                .isEmpty();
        assertThat(store.nearest(new CalibrationKey("Intel(R) Xeon(R) Processor", 2, "llamacpp", 4916, "Q4_K_M"), 1))
                .isEmpty();
        assertThat(store.nearest(new CalibrationKey("Intel(R) Xeon(R) Processor", 2, "llamaserver", 10600, "Q4_K_M"), 1))
                .isEmpty();
        assertThat(store.nearest(new CalibrationKey("Intel(R) Xeon(R) Processor", 2, "llamaserver", 10470, "Q8_0"), 1))
                .isEmpty();
        assertThatThrownBy(() -> new CalibrationKey(" ", 2, "x", 1, "Q8_0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CalibrationKey("cpu", 0, "x", 1, "Q8_0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSampleOfTheNearestModelSizeIsUsedAndASimilarSizeIsReplaced() {
        SpeedCalibrations store = SpeedCalibrations.inMemory();
        SpeedSample small = sample(SERVER_Q4, 85_000_000, 162, 170, 0);
        SpeedSample big = sample(SERVER_Q4, 650_000_000, 17.4, 25, 1);
        store.record(small);
        store.record(big);
        assertThat(store.nearest(SERVER_Q4, 100_000_000)).contains(small);
        assertThat(store.nearest(SERVER_Q4, 4_000_000_000L)).contains(big);

        SpeedSample again = sample(SERVER_Q4, 90_000_000, 158, 170, 2);
        store.record(again);
        assertThat(store.samples()).containsExactlyInAnyOrder(big, again);

        for (int i = 0; i < 6; i++) {
            store.record(sample(SERVER_Q4, 1_000_000L << (2 * i + 3), 10, 10, 10 + i));
        }
        assertThat(store.samples()).hasSize(SpeedCalibrations.MAX_PER_KEY)
                .allSatisfy(s -> assertThat(s.measuredAt()).isAfterOrEqualTo(T0.plusSeconds(60 * 12)));
    }

    @Test
    void aDamagedFileIsIgnoredAndMovedAsideWhenTheNextSampleIsRecorded(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("calibration.json");
        Files.writeString(file, "{\"version\": 1, \"samples\": [ {\"cpu\": ", StandardCharsets.UTF_8);

        SpeedCalibrations store = SpeedCalibrations.load(file);
        assertThat(store.samples()).isEmpty();
        assertThat(Files.readString(file)).as("nothing is written until a sample is recorded")
                .startsWith("{\"version\": 1");

        store.record(sample(SERVER_Q4, 85_000_000, 162, 170, 0));
        assertThat(Files.readString(dir.resolve("calibration.json.corrupt"))).startsWith("{\"version\": 1, \"samples\"");
        assertThat(SpeedCalibrations.load(file).samples()).hasSize(1);
    }

    @Test
    void anotherVersionOrShapeIsDamagedAndABadSampleIsSkipped(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.json");
        Files.writeString(file, "{\"version\": 2, \"samples\": []}");
        assertThat(SpeedCalibrations.load(file).samples()).isEmpty();
        Files.writeString(file, "[1, 2]");
        assertThat(SpeedCalibrations.load(file).samples()).isEmpty();
        Files.writeString(file, "{\"version\": 1, \"samples\": {}}");
        assertThat(SpeedCalibrations.load(file).samples()).isEmpty();

        String good = SpeedCalibrations.format(java.util.List.of(sample(SERVER_Q4, 85_000_000, 162, 170, 0)));
        String withBad = good.replace("\"samples\" : [", "\"samples\" : [ {\"cpu\": \"x\", \"threads\": -1}, 7,"
                + " {\"cpu\": \"x\", \"threads\": 2, \"engine\": \"e\", \"build\": 1, \"quantization\": \"Q8_0\","
                + " \"modelBytes\": 10, \"tokensPerSecond\": 0, \"predictedTokensPerSecond\": 1, \"source\": \"s\","
                + " \"measuredAt\": \"2026-11-30T15:00:00Z\"},"
                + " {\"cpu\": \"x\", \"threads\": 2, \"engine\": \"e\", \"build\": 1, \"quantization\": \"Q8_0\","
                + " \"modelBytes\": 10, \"tokensPerSecond\": 5, \"predictedTokensPerSecond\": 1, \"source\": \"s\","
                + " \"measuredAt\": \"yesterday\"},");
        Files.writeString(file, withBad);
        assertThat(SpeedCalibrations.load(file).samples()).as("four bad samples skipped, the good one kept")
                .containsExactly(sample(SERVER_Q4, 85_000_000, 162, 170, 0));
    }

    @Test
    void anUnwritableFileIsAClearError(@TempDir Path dir) throws IOException {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "x");
        SpeedCalibrations store = SpeedCalibrations.load(blocker.resolve("calibration.json"));
        assertThatThrownBy(() -> store.record(sample(SERVER_Q4, 1, 1, 1, 0))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot write speed calibrations to");
    }

    @Test
    void noneKeepsNothingAndTheConfigurationNamesTheFile(@TempDir Path dir) {
        assertThat(SpeedCalibrations.none().nearest(SERVER_Q4, 1)).isEmpty();
        assertThatThrownBy(() -> SpeedCalibrations.none().record(sample(SERVER_Q4, 1, 1, 1, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("inMemory()");
        Path file = dir.resolve("mine.json");
        LocalLlmConfig config = LocalLlmConfig.load(Map.of(SpeedCalibrations.CONFIG_KEY, file.toString()), Map.of());
        SpeedCalibrations store = SpeedCalibrations.forConfig(config);
        assertThat(store.file()).contains(file.toAbsolutePath().normalize());
        assertThat(SpeedCalibrations.forConfig(config)).as("one store per file in a JVM").isSameAs(store);
        assertThat(SpeedCalibrations.DEFAULT_FILE.toString()).endsWith(".localllm/calibration.json".replace('/',
                java.io.File.separatorChar));
    }

    @Test
    void samplesRejectImpossibleValues() {
        assertThatThrownBy(() -> sample(SERVER_Q4, 0, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sample(SERVER_Q4, 1, -1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sample(SERVER_Q4, 1, 1, Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sample(SERVER_Q4, 1, Double.POSITIVE_INFINITY, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
