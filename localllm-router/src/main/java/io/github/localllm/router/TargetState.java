package io.github.localllm.router;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/** A target with what the router keeps about it at run time: breaker, slots, measured latency. */
final class TargetState implements Candidate {
    final Target target;
    final CircuitBreaker breaker;
    final Slots slots;
    final LatencyStats stats = new LatencyStats();

    TargetState(Target target, CircuitBreaker breaker) {
        this.target = target;
        this.breaker = breaker;
        this.slots = new Slots(target.maxConcurrent(), target.maxQueued());
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public String name() {
        return target.name();
    }

    @Override
    public boolean isLocal() {
        return target.isLocal();
    }

    @Override
    public int inFlight() {
        return slots.inFlight();
    }

    @Override
    public int queued() {
        return slots.queued();
    }

    @Override
    public Optional<Duration> averageTimeToFirstToken() {
        return stats.averageTimeToFirstToken();
    }

    @Override
    public OptionalDouble averageTokensPerSecond() {
        return stats.averageTokensPerSecond();
    }

    @Override
    public String toString() {
        return target.toString();
    }
}
