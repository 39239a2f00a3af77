package io.github.localllm.router;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Exponential moving averages of a target's time to first token and generation speed: each new
 * measurement weighs {@value #WEIGHT}, so the averages follow a target that slows down within a few
 * requests without jumping on one outlier.
 */
final class LatencyStats {
    static final double WEIGHT = 0.2;

    private double ttftNanos = -1;
    private double tokensPerSecond = -1;

    /**
     * @param ttftNanos the time to first token of an answer, or negative if not measured
     * @param tps its generation speed, or 0 or less if not measured
     */
    synchronized void record(long ttftNanos, double tps) {
        if (ttftNanos >= 0) {
            this.ttftNanos = this.ttftNanos < 0 ? ttftNanos : this.ttftNanos + WEIGHT * (ttftNanos - this.ttftNanos);
        }
        if (tps > 0 && Double.isFinite(tps)) {
            tokensPerSecond = tokensPerSecond < 0 ? tps : tokensPerSecond + WEIGHT * (tps - tokensPerSecond);
        }
    }

    synchronized Optional<Duration> averageTimeToFirstToken() {
        return ttftNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(Math.round(ttftNanos)));
    }

    synchronized OptionalDouble averageTokensPerSecond() {
        return tokensPerSecond < 0 ? OptionalDouble.empty() : OptionalDouble.of(tokensPerSecond);
    }
}
