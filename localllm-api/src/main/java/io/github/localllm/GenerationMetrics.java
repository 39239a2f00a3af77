package io.github.localllm;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast a generation ran.
 *
 * @param loadTime how long the model took to load (the same for every request on one loaded model)
 * @param timeToFirstToken from the call until the first generated token arrived
 * @param totalTime from the call until generation ended
 * @param promptTokensPerSecond prompt tokens divided by the time to first token
 * @param generationTokensPerSecond generated tokens after the first, divided by the time they took;
 *        {@code 0} when fewer than two tokens were generated
 */
public record GenerationMetrics(Duration loadTime, Duration timeToFirstToken, Duration totalTime,
                                double promptTokensPerSecond, double generationTokensPerSecond) {

    /** Checks no part is missing. */
    public GenerationMetrics {
        Objects.requireNonNull(loadTime, "loadTime");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(totalTime, "totalTime");
    }

    /**
     * Derives the rates from timestamps taken during generation.
     *
     * @param loadTime the model's load time
     * @param startNanos {@link System#nanoTime()} when the call started
     * @param firstTokenNanos when the first token arrived, or {@code 0} if none did
     * @param endNanos when generation ended
     * @param usage the token counts
     * @return the metrics
     */
    public static GenerationMetrics measure(Duration loadTime, long startNanos, long firstTokenNanos,
                                            long endNanos, Usage usage) {
        long first = firstTokenNanos == 0 ? endNanos : firstTokenNanos;
        Duration ttft = Duration.ofNanos(Math.max(0, first - startNanos));
        Duration total = Duration.ofNanos(Math.max(0, endNanos - startNanos));
        double promptRate = ttft.isZero() ? 0 : usage.promptTokens() / seconds(ttft);
        long genNanos = endNanos - first;
        double genRate = usage.completionTokens() < 2 || genNanos <= 0
                ? 0 : (usage.completionTokens() - 1) / (genNanos / 1e9);
        return new GenerationMetrics(loadTime, ttft, total, promptRate, genRate);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
