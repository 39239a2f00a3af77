package io.github.localllm;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a router's way to an answer: a target it sent the request to, or one it passed over.
 * Part of a {@link RoutingDecision}.
 *
 * @param target the target's name, as the router knows it
 * @param outcome what came of it
 * @param detail why, for people: the failure's message, or why the target was passed over (its
 *        circuit breaker is open, its queue is full, its context is too small); empty for an answer
 * @param elapsed how long the attempt took, waiting for a slot included; zero for a target passed over
 * @param chunks stream chunks the target delivered to the caller before it ended; 0 for whole answers.
 *        A failed attempt with chunks is one whose answer was continued elsewhere, or cut with an error
 * @param error the failure, when the outcome is {@link Outcome#FAILED}
 */
public record RoutingAttempt(String target, Outcome outcome, String detail, Duration elapsed, int chunks,
                             Optional<LocalLlmException> error) {

    /** What came of an attempt. */
    public enum Outcome {
        /** The target answered; the last attempt of a decision that has an answer. */
        ANSWERED,
        /** The target was sent the request and failed. */
        FAILED,
        /** The target was not sent the request: its breaker was open, it was busy, or it could not serve it. */
        SKIPPED
    }

    /** Checks no part is missing. */
    public RoutingAttempt {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail;
        Objects.requireNonNull(elapsed, "elapsed");
        if (chunks < 0) {
            throw new IllegalArgumentException("chunks cannot be negative, was " + chunks);
        }
        error = error == null ? Optional.empty() : error;
    }

    /**
     * @param target the target's name
     * @param elapsed how long it took
     * @param chunks stream chunks it delivered
     * @return an attempt that answered
     */
    public static RoutingAttempt answered(String target, Duration elapsed, int chunks) {
        return new RoutingAttempt(target, Outcome.ANSWERED, "", elapsed, chunks, Optional.empty());
    }

    /**
     * @param target the target's name
     * @param error what went wrong
     * @param elapsed how long it took
     * @param chunks stream chunks it delivered before failing
     * @return an attempt that failed
     */
    public static RoutingAttempt failed(String target, LocalLlmException error, Duration elapsed, int chunks) {
        Objects.requireNonNull(error, "error");
        return new RoutingAttempt(target, Outcome.FAILED, error.getMessage(), elapsed, chunks, Optional.of(error));
    }

    /**
     * @param target the target's name
     * @param why why it was passed over
     * @return an attempt that was skipped
     */
    public static RoutingAttempt skipped(String target, String why) {
        return new RoutingAttempt(target, Outcome.SKIPPED, why, Duration.ZERO, 0, Optional.empty());
    }

    /** @return e.g. {@code a: failed after 3 chunks (connection reset)} */
    @Override
    public String toString() {
        String what = switch (outcome) {
            case ANSWERED -> "answered";
            case FAILED -> chunks > 0 ? "failed after " + chunks + " chunks" : "failed";
            case SKIPPED -> "skipped";
        };
        return target + ": " + what + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
