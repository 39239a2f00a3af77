package io.github.localllm.router;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of all routers: it ends a streamed attempt whose first token is late, while
 * the caller's thread may be blocked reading it. Created on first use, a daemon; cancelled tasks
 * leave its queue at once.
 */
final class Timer {
    private Timer() {
    }

    static ScheduledFuture<?> after(long delayNanos, Runnable action) {
        return Holder.TIMER.schedule(action, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private static final class Holder {
        private static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "localllm-router-timer");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }
}
