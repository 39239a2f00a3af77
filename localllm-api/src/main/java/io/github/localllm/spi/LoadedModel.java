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

    /** @param ref the model @return a builder with every other part unknown */
    public static Builder builder(ModelRef ref) {
        return new Builder(ref);
    }

    /** Builds {@link LoadedModel}; sizes and context default to {@code -1}, unknown. */
    public static final class Builder {
        private final ModelRef ref;
        private long memoryBytes = -1;
        private long gpuMemoryBytes = -1;
        private int contextSize = -1;
        private Instant expiresAt;

        private Builder(ModelRef ref) {
            this.ref = Objects.requireNonNull(ref, "ref");
        }

        /** @param v memory in all @return this */
        public Builder memoryBytes(long v) {
            memoryBytes = v;
            return this;
        }

        /** @param v memory on the GPU @return this */
        public Builder gpuMemoryBytes(long v) {
            gpuMemoryBytes = v;
            return this;
        }

        /** @param v the context it was loaded with @return this */
        public Builder contextSize(int v) {
            contextSize = v;
            return this;
        }

        /** @param v when it unloads if idle @return this */
        public Builder expiresAt(Instant v) {
            expiresAt = v;
            return this;
        }

        /** @return the loaded model */
        public LoadedModel build() {
            return new LoadedModel(ref, memoryBytes, gpuMemoryBytes, contextSize, expiresAt);
        }
    }
}
