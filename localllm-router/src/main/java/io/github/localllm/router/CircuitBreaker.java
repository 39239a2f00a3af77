package io.github.localllm.router;

import io.github.localllm.event.CircuitBreakerChanged;
import io.github.localllm.event.CircuitBreakerChanged.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One target's circuit breaker: closed while it works; open for a cooldown after {@code threshold}
 * consecutive failures, so that a dead target costs nothing; then half-open, letting exactly one
 * probe request through, whose success closes it and whose failure opens it for another cooldown.
 * Only failures of the target count: a bad request or a caller's cancel says nothing about it.
 * The closed state, the common one, is read without a lock.
 */
final class CircuitBreaker {

    /** What {@link #tryAcquire()} allows. */
    enum Permit {
        /** The breaker is closed. */
        ALLOWED,
        /** The one probe of a half-open breaker: its outcome decides. */
        PROBE,
        /** Open, or half-open with its probe under way: do not send. */
        DENIED
    }

    private final String target;
    private final int threshold;
    private final Duration cooldown;
    private final Clock clock;
    private final Events events;

    private volatile State state = State.CLOSED;
    private volatile int failures;
    private Instant openUntil = Instant.MIN;
    private boolean probeOut;
    private String lastFailure = "";

    CircuitBreaker(String target, int threshold, Duration cooldown, Clock clock, Events events) {
        this.target = target;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.clock = clock;
        this.events = events;
    }

    State state() {
        return state;
    }

    /** @return whether a request may be sent now; a {@link Permit#PROBE} must be answered by one of the outcomes below */
    Permit tryAcquire() {
        if (state == State.CLOSED) {
            return Permit.ALLOWED;
        }
        CircuitBreakerChanged change = null;
        Permit permit;
        synchronized (this) {
            switch (state) {
                case CLOSED -> permit = Permit.ALLOWED;
                case OPEN -> {
                    if (clock.instant().isBefore(openUntil)) {
                        permit = Permit.DENIED;
                    } else {
                        state = State.HALF_OPEN;
                        probeOut = true;
                        permit = Permit.PROBE;
                        change = change(State.OPEN, State.HALF_OPEN, "the cooldown of " + cooldown
                                + " ended; one probe request goes through");
                    }
                }
                default -> {
                    permit = probeOut ? Permit.DENIED : Permit.PROBE;
                    probeOut = true;
                }
            }
        }
        publish(change);
        return permit;
    }

    /** @param permit the permit the request was sent with */
    void onSuccess(Permit permit) {
        if (state == State.CLOSED && failures == 0) {
            return;
        }
        CircuitBreakerChanged change = null;
        synchronized (this) {
            if (state == State.CLOSED) {
                failures = 0;
            } else if (state == State.HALF_OPEN && permit == Permit.PROBE) {
                failures = 0;
                probeOut = false;
                state = State.CLOSED;
                change = change(State.HALF_OPEN, State.CLOSED, "the probe request succeeded");
            }
            // Open: an answer to a request sent before it opened does not end the cooldown.
        }
        publish(change);
    }

    /**
     * @param permit the permit the request was sent with
     * @param why the failure's message
     */
    void onFailure(Permit permit, String why) {
        CircuitBreakerChanged change = null;
        synchronized (this) {
            lastFailure = why == null ? "" : why;
            if (state == State.HALF_OPEN && permit == Permit.PROBE) {
                open();
                change = change(State.HALF_OPEN, State.OPEN, "the probe request failed: " + lastFailure);
            } else if (state == State.CLOSED) {
                failures = Math.min(failures + 1, threshold);
                if (failures >= threshold) {
                    open();
                    change = change(State.CLOSED, State.OPEN, failures + " consecutive failure"
                            + (failures == 1 ? "" : "s") + ", the last: " + lastFailure);
                }
            }
        }
        publish(change);
    }

    /** The request ended without saying anything about the target (a bad request, a cancel). */
    void onAbandoned(Permit permit) {
        if (permit != Permit.PROBE) {
            return;
        }
        synchronized (this) {
            if (state == State.HALF_OPEN) {
                probeOut = false;
            }
        }
    }

    /** @return why requests are not sent, for decisions and messages */
    synchronized String deniedReason() {
        if (state == State.OPEN) {
            return "its circuit breaker is open until " + openUntil + " after " + failures + " consecutive failure"
                    + (failures == 1 ? "" : "s") + " (the last: " + lastFailure + ")";
        }
        return "its circuit breaker is half-open and its one probe request is under way";
    }

    private void open() {
        state = State.OPEN;
        probeOut = false;
        openUntil = clock.instant().plus(cooldown);
    }

    private CircuitBreakerChanged change(State from, State to, String reason) {
        return events.enabled() ? new CircuitBreakerChanged(events.now(), events.router(), target, from, to, reason)
                : null;
    }

    private void publish(CircuitBreakerChanged change) {
        if (change != null) {
            events.publish(change);
        }
    }
}
