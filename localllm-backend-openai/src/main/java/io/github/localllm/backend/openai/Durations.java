package io.github.localllm.backend.openai;

import java.time.Duration;
import java.util.Locale;

/** Durations as messages show them: {@code 400 ms}, {@code 2.5 s}, {@code 3 min}. */
final class Durations {
    private Durations() {
    }

    static String text(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return d.toMinutes() + " min";
    }
}
