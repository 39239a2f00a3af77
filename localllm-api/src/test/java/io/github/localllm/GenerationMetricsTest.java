package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GenerationMetricsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Duration LOAD = Duration.ofMillis(1500);

    @Test
    void ratesComeFromTimestamps() {
        // 100 prompt tokens processed in 0.5 s, then 11 tokens whose last 10 took 2 s
        long start = 10 * SECOND;
        GenerationMetrics m = GenerationMetrics.measure(LOAD, start, start + SECOND / 2,
                start + SECOND / 2 + 2 * SECOND, new Usage(100, 11));

        assertThat(m.loadTime()).isEqualTo(LOAD);
        assertThat(m.timeToFirstToken()).isEqualTo(Duration.ofMillis(500));
        assertThat(m.totalTime()).isEqualTo(Duration.ofMillis(2500));
        assertThat(m.promptTokensPerSecond()).isCloseTo(200.0, within(1e-9));
        assertThat(m.generationTokensPerSecond()).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void fewerThanTwoTokensHaveNoGenerationRate() {
        GenerationMetrics m = GenerationMetrics.measure(LOAD, 0, SECOND, 2 * SECOND, new Usage(10, 1));
        assertThat(m.generationTokensPerSecond()).isZero();
        assertThat(m.promptTokensPerSecond()).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void noFirstTokenMeansTheWholeCallWasPromptProcessing() {
        GenerationMetrics m = GenerationMetrics.measure(LOAD, SECOND, 0, 3 * SECOND, new Usage(40, 0));
        assertThat(m.timeToFirstToken()).isEqualTo(Duration.ofSeconds(2));
        assertThat(m.totalTime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(m.promptTokensPerSecond()).isCloseTo(20.0, within(1e-9));
        assertThat(m.generationTokensPerSecond()).isZero();
    }

    @Test
    void zeroDurationsGiveZeroRatesNotInfinity() {
        GenerationMetrics m = GenerationMetrics.measure(Duration.ZERO, 5, 5, 5, new Usage(10, 10));
        assertThat(m.promptTokensPerSecond()).isZero();
        assertThat(m.generationTokensPerSecond()).isZero();
    }

    @Test
    void partsAreRequired() {
        assertThatThrownBy(() -> new GenerationMetrics(null, Duration.ZERO, Duration.ZERO, 0, 0))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void usageTotalsAndRejectsNegatives() {
        assertThat(new Usage(3, 4).totalTokens()).isEqualTo(7);
        assertThatThrownBy(() -> new Usage(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Usage(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
