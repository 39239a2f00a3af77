package io.github.localllm.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Progress of a model file the SDK downloads itself (the model store), often enough for a console
 * to draw a bar: how far, how fast, and how long it will still take.
 *
 * @param time when
 * @param model what is downloaded: the repository and file, or the address without its query
 * @param status the step: {@code queued}, {@code downloading}, {@code resuming}, {@code verifying},
 *     {@code paused}, {@code done}
 * @param completedBytes bytes on disk so far, those kept from an earlier attempt included
 * @param totalBytes the file's size, or {@code -1} when the server does not say
 * @param bytesPerSecond the recent transfer rate, 0 before any byte came
 * @param eta the time still needed at that rate, if it can be told
 */
public record ModelDownloadProgress(Instant time, String model, String status, long completedBytes, long totalBytes,
                                    double bytesPerSecond, Optional<Duration> eta) implements LocalLlmEvent {

    /** Rejects nulls. */
    public ModelDownloadProgress {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(eta, "eta");
    }

    /** @return the share done, 0 to 1, or {@code -1} when the size is unknown */
    public double fraction() {
        return totalBytes <= 0 ? (totalBytes == 0 ? 1 : -1) : Math.min(1.0, (double) completedBytes / totalBytes);
    }
}
