package io.github.localllm.router;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A target's concurrency limit with a bounded queue: at most {@code max} requests run, at most
 * {@code maxQueued} wait, first come first served; the rest are turned away at once.
 */
final class Slots {

    /** What {@link #acquire} got. */
    enum Outcome {
        /** A slot: release it when the request ends. */
        ACQUIRED,
        /** The limit is reached and the queue is full. */
        QUEUE_FULL,
        /** The request waited in the queue longer than it may. */
        TIMED_OUT
    }

    private final int max;
    private final int maxQueued;
    /** Fair, so that waiting requests are served in order; {@code null} without a limit. */
    private final Semaphore permits;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();

    Slots(int max, int maxQueued) {
        this.max = max;
        this.maxQueued = maxQueued;
        this.permits = max > 0 ? new Semaphore(max, true) : null;
    }

    /**
     * @param maxWaitNanos the longest wait in the queue
     * @return whether a slot was taken
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    Outcome acquire(long maxWaitNanos) throws InterruptedException {
        if (permits == null) {
            inFlight.incrementAndGet();
            return Outcome.ACQUIRED;
        }
        // A timed tryAcquire honours fairness; the untimed one would barge ahead of the queue.
        if (permits.tryAcquire(0, TimeUnit.NANOSECONDS)) {
            inFlight.incrementAndGet();
            return Outcome.ACQUIRED;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return Outcome.QUEUE_FULL;
        }
        boolean got;
        try {
            got = permits.tryAcquire(Math.max(0, maxWaitNanos), TimeUnit.NANOSECONDS);
        } finally {
            queued.decrementAndGet();
        }
        if (!got) {
            return Outcome.TIMED_OUT;
        }
        inFlight.incrementAndGet();
        return Outcome.ACQUIRED;
    }

    /** Frees a slot taken by {@link #acquire}. */
    void release() {
        inFlight.decrementAndGet();
        if (permits != null) {
            permits.release();
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    int queued() {
        return queued.get();
    }

    int max() {
        return max;
    }

    int maxQueued() {
        return maxQueued;
    }
}
