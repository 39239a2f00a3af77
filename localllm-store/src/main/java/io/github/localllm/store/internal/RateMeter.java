package io.github.localllm.store.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;

/** The transfer rate over the last few seconds, and the time the rest will take at it. */
public final class RateMeter {
    private static final long WINDOW_NANOS = 5_000_000_000L;

    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    /** Notes the bytes done at a moment ({@link System#nanoTime()}). */
    public synchronized void sample(long nanos, long bytes) {
        samples.addLast(new long[] {nanos, bytes});
        while (samples.size() > 2 && nanos - samples.peekFirst()[0] > WINDOW_NANOS) {
            samples.removeFirst();
        }
    }

    /** @return bytes per second over the window, 0 before two samples */
    public synchronized double bytesPerSecond() {
        if (samples.size() < 2) {
            return 0;
        }
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        long nanos = last[0] - first[0];
        return nanos <= 0 ? 0 : (last[1] - first[1]) * 1e9 / nanos;
    }

    /** @return the time {@code remaining} bytes take at the current rate, if there is one */
    public Optional<Duration> eta(long remaining) {
        double rate = bytesPerSecond();
        if (remaining < 0 || rate <= 0) {
            return remaining == 0 ? Optional.of(Duration.ZERO) : Optional.empty();
        }
        return Optional.of(Duration.ofMillis((long) Math.ceil(remaining * 1000.0 / rate)));
    }
}
