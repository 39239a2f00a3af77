package io.github.localllm.spi;

import io.github.localllm.ModelRef;
import java.time.Instant;
import java.util.Objects;

/**
 * A model an engine holds in memory now.
 *
 * @param ref the model
 * @param memoryBytes the memory it takes in all, or {@code -1} if unknown
 * @param gpuMemoryBytes the part of it in GPU memory, or {@code -1} if unknown
 * @param contextSize the context it was loaded with, or {@code -1} if unknown
 * @param expiresAt when the engine will unload it if it stays idle, or {@code null} for never or unknown
 */
public record LoadedModel(ModelRef ref, long memoryBytes, long gpuMemoryBytes, int contextSize, Instant expiresAt) {

    /** Checks the reference is present. */
    public LoadedModel {
        Objects.requireNonNull(ref, "ref");
    }
}
