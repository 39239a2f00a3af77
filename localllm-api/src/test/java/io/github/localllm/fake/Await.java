package io.github.localllm.fake;

import java.util.function.BooleanSupplier;

/** Waits for something another thread does. The bound only stops a broken test from hanging the build. */
public final class Await {
    private static final long BOUND_MILLIS = 20_000;

    private Await() {
    }

    /**
     * @param condition what to wait for
     * @param what said when it never happens
     */
    public static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting: " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting: " + what, e);
            }
        }
    }
}
