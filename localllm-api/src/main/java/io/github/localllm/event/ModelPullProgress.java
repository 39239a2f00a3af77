package io.github.localllm.event;

import java.time.Instant;

/**
 * Progress while an engine fetches a model ({@code ollama pull}, a download, a copy).
 *
 * @param time when
 * @param backend the engine fetching it
 * @param model the model
 * @param status what the engine is doing, as it says it, e.g. {@code pulling manifest}, {@code verifying sha256 digest}
 * @param completedBytes bytes done, or {@code -1} when the step has no size
 * @param totalBytes bytes in all, or {@code -1} when unknown
 */
public record ModelPullProgress(Instant time, String backend, String model, String status, long completedBytes,
                                long totalBytes) implements LocalLlmEvent {

    /** @return the share done, 0 to 1, or {@code -1} when unknown */
    public double fraction() {
        return totalBytes <= 0 || completedBytes < 0 ? -1 : Math.min(1.0, (double) completedBytes / totalBytes);
    }
}
