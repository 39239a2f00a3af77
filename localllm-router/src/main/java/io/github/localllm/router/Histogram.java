package io.github.localllm.router;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed-size, lock-free histogram of durations in microseconds, log-linear like HdrHistogram:
 * 16 buckets per power of two, so a percentile is off by at most about 3 %, from 1 µs to 2^40 µs
 * (about 13 days; longer values land in the last bucket). Recording is one index computation and
 * one atomic increment, no allocation.
 */
final class Histogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 40;
    static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void recordNanos(long nanos) {
        counts.incrementAndGet(index(Math.max(0, nanos) / 1000));
    }

    static int index(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) (micros >>> (exponent - SUB_BITS)) & (SUB - 1);
        return (exponent - SUB_BITS + 1) * SUB + sub;
    }

    /** @return the middle of a bucket, in microseconds */
    static double middle(int index) {
        if (index < SUB) {
            return index + 0.5;
        }
        int exponent = index / SUB + SUB_BITS - 1;
        int sub = index % SUB;
        long width = 1L << (exponent - SUB_BITS);
        return (SUB + sub) * (double) width + width / 2.0;
    }

    /** @return the 50th, 95th and 99th percentiles of what was recorded so far */
    LatencyPercentiles percentiles() {
        long[] c = new long[BUCKETS];
        long total = 0;
        int last = -1;
        for (int i = 0; i < BUCKETS; i++) {
            c[i] = counts.get(i);
            total += c[i];
            if (c[i] != 0) {
                last = i;
            }
        }
        if (total == 0) {
            return LatencyPercentiles.NONE;
        }
        return new LatencyPercentiles(total, at(c, total, 0.50), at(c, total, 0.95), at(c, total, 0.99),
                micros(middle(last)));
    }

    private static Duration at(long[] c, long total, double q) {
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < c.length; i++) {
            seen += c[i];
            if (seen >= rank) {
                return micros(middle(i));
            }
        }
        return micros(middle(c.length - 1));
    }

    private static Duration micros(double micros) {
        return Duration.ofNanos(Math.round(micros * 1000));
    }
}
