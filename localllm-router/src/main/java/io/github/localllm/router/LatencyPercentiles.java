package io.github.localllm.router;

import java.time.Duration;
import java.util.Objects;

/**
 * Percentiles of measured durations, from a histogram whose buckets are about 6 % wide: each value
 * is the middle of its bucket, within about 3 % of the exact percentile.
 *
 * @param count how many durations were measured
 * @param p50 the median
 * @param p95 the 95th percentile
 * @param p99 the 99th percentile
 * @param max the longest (as precise as the others)
 */
public record LatencyPercentiles(long count, Duration p50, Duration p95, Duration p99, Duration max) {

    /** Nothing measured: every duration zero. */
    public static final LatencyPercentiles NONE = new LatencyPercentiles(0, Duration.ZERO, Duration.ZERO,
            Duration.ZERO, Duration.ZERO);

    /** Checks the values. */
    public LatencyPercentiles {
        if (count < 0) {
            throw new IllegalArgumentException("count cannot be negative, was " + count);
        }
        Objects.requireNonNull(p50, "p50");
        Objects.requireNonNull(p95, "p95");
        Objects.requireNonNull(p99, "p99");
        Objects.requireNonNull(max, "max");
    }
}
