package io.github.localllm.testkit.internal;

import java.time.Duration;

/** Sleeps for a fault or a piece interval; closing the server interrupts it and ends the exchange. */
final class Pause {
    private Pause() {
    }

    static void of(Duration d) throws AbortConnection {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AbortConnection("server closing");
        }
    }
}
