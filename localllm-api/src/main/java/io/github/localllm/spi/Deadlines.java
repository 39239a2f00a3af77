package io.github.localllm.spi;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of all pulled {@link ChunkFeed}s: it runs a feed's timeout at its deadline,
 * while the consumer may be blocked in a read on its own thread. Created on first use; a daemon, so
 * it never keeps a JVM alive; a cancelled deadline leaves the queue at once, so finished answers
 * hold nothing.
 */
final class Deadlines {
    private Deadlines() {
    }

    /** @return the scheduled task, to cancel when the answer ends first */
    static ScheduledFuture<?> at(long delayNanos, Runnable action) {
        return Holder.TIMER.schedule(action, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Lazy: a JVM that never pulls an answer with a timeout starts no thread. */
    private static final class Holder {
        private static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "localllm-feed-deadlines");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }
}
