package io.github.localllm.backend.llamaserver.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a crashed server is restarted: after a growing pause, at most {@code maxRestarts} times within
 * {@code window}; a server that crashes more often than that is left down, because restarting it
 * again would only repeat the crash (a model it cannot run, a machine out of memory).
 *
 * @param maxRestarts restarts allowed within the window
 * @param window the window
 * @param backoff the pause before the first, second, ... restart within the window; the last repeats
 */
public record RestartPolicy(int maxRestarts, Duration window, List<Duration> backoff) {
    /** 3 restarts in 5 minutes, after 0.1, 0.5 and 2 s. */
    public static final RestartPolicy DEFAULT = new RestartPolicy(3, Duration.ofMinutes(5),
            List.of(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2)));

    /** Checks the values. */
    public RestartPolicy {
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must not be negative, was " + maxRestarts);
        }
        Objects.requireNonNull(window, "window");
        backoff = List.copyOf(backoff);
        if (backoff.isEmpty()) {
            throw new IllegalArgumentException("backoff needs at least one pause");
        }
    }

    /** @param restart 1 for the first restart in the window @return the pause before it */
    public Duration pauseBefore(int restart) {
        return backoff.get(Math.min(Math.max(restart, 1), backoff.size()) - 1);
    }
}
