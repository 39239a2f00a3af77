package io.github.localllm.backend.ollama;

import java.time.Duration;

/**
 * Writes a keep-alive as Ollama reads {@code keep_alive}: a JSON number is <em>seconds</em> (not the
 * nanoseconds of its answers), a string is a Go duration; {@code 0} unloads the model after the
 * request, a negative value keeps it until it is unloaded (shared/protocols/ollama/FIELDS.md §3).
 */
final class KeepAlive {
    /** Unload the model right away. */
    static final Integer UNLOAD = 0;

    private KeepAlive() {
    }

    /**
     * @param d how long to keep the model, or {@code null} for the server's default
     * @return the JSON value: whole seconds as a number, anything finer as a Go duration string,
     *     {@code -1} for "keep", {@code null} for "not sent"
     */
    static Object wire(Duration d) {
        if (d == null) {
            return null;
        }
        if (d.isNegative()) {
            return -1;
        }
        if (d.toNanosPart() == 0) {
            return d.getSeconds();
        }
        if (d.toNanosPart() % 1_000_000 == 0) {
            return d.toMillis() + "ms";
        }
        // Go's ParseDuration reads at most int64 nanoseconds, about 292 years.
        return d.toNanos() + "ns";
    }
}
