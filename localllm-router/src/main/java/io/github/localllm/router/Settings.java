package io.github.localllm.router;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A router's resilience settings, fixed when it is built.
 *
 * @param strategy the default strategy
 * @param tasks routes per task
 * @param localOnly every request local-only
 * @param retries retries of the same target per request after a retryable failure
 * @param retryDelay the wait before the first retry, doubled for each further one, when the target
 *        did not say how long to wait
 * @param maxRetryAfter the longest wait a target may ask for; a longer one moves to the next target
 * @param attemptTimeout the time budget of the first attempt, or {@code null} for none
 * @param attemptTimeoutGrowth the factor each further attempt's budget grows by
 * @param firstTokenTimeout the longest wait for a streamed attempt's first chunk, or {@code null}
 * @param breakerThreshold consecutive failures that open a target's breaker
 * @param breakerCooldown how long it stays open
 * @param streamFailover what a failure after the first chunk does
 * @param whenBusy what a full target does
 * @param maxQueueWait the longest wait in a target's queue
 * @param clock the clock of breakers and events
 * @param loadedRefresh how long an engine's list of the models it holds is trusted
 */
record Settings(RoutingStrategy strategy, Map<TaskType, TaskRoute> tasks, boolean localOnly, int retries,
                Duration retryDelay, Duration maxRetryAfter, Duration attemptTimeout, double attemptTimeoutGrowth,
                Duration firstTokenTimeout, int breakerThreshold, Duration breakerCooldown,
                StreamFailover streamFailover, WhenBusy whenBusy, Duration maxQueueWait, Clock clock,
                Duration loadedRefresh) {

    /** @param attempt the number of the attempt, from 0 @return its budget, or {@code null} for none */
    Duration attemptBudget(int attempt) {
        if (attemptTimeout == null) {
            return null;
        }
        double nanos = attemptTimeout.toNanos() * Math.pow(attemptTimeoutGrowth, attempt);
        return nanos >= Long.MAX_VALUE ? Duration.ofNanos(Long.MAX_VALUE) : Duration.ofNanos((long) nanos);
    }
}
