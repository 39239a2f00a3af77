package io.github.localllm.router;

import java.util.function.BooleanSupplier;

/** Waits for what another thread does; the bound only stops a broken test from hanging the build. */
final class Await {
    private static final long BOUND_NANOS = 20_000_000_000L;

    private Await() {
    }

    static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up waiting: " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting: " + what, e);
            }
        }
    }
}
