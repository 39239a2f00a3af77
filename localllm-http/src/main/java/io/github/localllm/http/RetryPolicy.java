package io.github.localllm.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently {@link HttpTransport} sends a request again. It retries only what is
 * safe to repeat: a connection that could not be made (nothing was sent), an answer of 429 or 503
 * (the server did no work), and, for idempotent requests only, a broken connection, a timeout or a
 * 502/504 from a gateway; a connection closed cleanly before a single byte of the answer (most
 * likely a kept-alive connection the server closed while idle) also once for calls marked
 * {@link HttpCall#resendIfUnanswered()}. It never retries once a streamed answer has begun. The waits grow
 * exponentially from {@code initialDelay} up to {@code maxDelay}, each drawn at random from its upper
 * half so that clients do not retry in step; a server's {@code Retry-After} replaces the computed
 * wait, and one longer than {@code maxRetryAfter} is not waited for: the error goes to the caller.
 *
 * @param maxAttempts attempts in all, 1 for none again
 * @param initialDelay the wait before the second attempt
 * @param maxDelay the longest computed wait
 * @param maxRetryAfter the longest {@code Retry-After} worth waiting for within one call
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxRetryAfter) {
    /** Checks the values. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        requirePositive(initialDelay, "initialDelay");
        requirePositive(maxDelay, "maxDelay");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter must not be negative, got " + maxRetryAfter);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than initialDelay " + initialDelay);
        }
    }

    /** @return 3 attempts, waits from 250 ms up to 4 s, {@code Retry-After} honoured up to 30 s */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(4), Duration.ofSeconds(30));
    }

    /** @return one attempt: every failure goes straight to the caller */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO);
    }

    /**
     * @param failedAttempts attempts made so far, all failed
     * @param retryAfter the server's {@code Retry-After}, if it sent one
     * @return the wait before the next attempt; empty if there is none to make
     */
    Optional<Duration> delayBefore(int failedAttempts, Optional<Duration> retryAfter) {
        if (failedAttempts >= maxAttempts) {
            return Optional.empty();
        }
        if (retryAfter.isPresent()) {
            return retryAfter.get().compareTo(maxRetryAfter) <= 0 ? retryAfter : Optional.empty();
        }
        long ceiling = maxDelay.toNanos();
        long upper = initialDelay.toNanos();
        for (int i = 1; i < failedAttempts && upper < ceiling; i++) {
            upper = upper > ceiling / 2 ? ceiling : upper * 2;
        }
        long lower = upper / 2;
        return Optional.of(Duration.ofNanos(lower + ThreadLocalRandom.current().nextLong(upper - lower + 1)));
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
