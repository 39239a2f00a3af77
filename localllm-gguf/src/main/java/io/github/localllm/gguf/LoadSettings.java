package io.github.localllm.gguf;

import io.github.localllm.KvCacheType;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The llama.cpp context parameters that decide how much memory a load takes, as {@link MemoryModel}
 * consumes them, with the engine build they are for and the CPU it runs on. Build with
 * {@link #builder(int)}; every field but the context has llama.cpp's default, the build is
 * {@link LlamaCppBuild#B4916} (the in-process engine's) and the CPU has no instruction set that
 * repacks weights.
 *
 * @param contextSize tokens per sequence; llama.cpp allocates {@code contextSize × parallel} cache cells
 * @param parallel sequences decoded in parallel (server slots, {@code --parallel})
 * @param batchSize logical batch ({@code --batch-size}); llama.cpp caps it at the total context
 * @param ubatchSize physical batch ({@code --ubatch-size}); the compute graph is sized for it
 * @param gpuLayers repeating layers offloaded to GPUs, counted from the last; more than the block
 *        count also offloads the output layer
 * @param keyCacheType K cache element type
 * @param valueCacheType V cache element type (quantized types need flash attention)
 * @param flashAttention {@code --flash-attn}: the attention scores are never materialised and the
 *        cache is padded to 256 cells instead of 32
 * @param slidingWindowCache the engine sizes the caches of sliding-window layers to the window
 *        (llama.cpp from May 2025); older builds, b4916 among them, give every layer the full context
 * @param engineBuild the llama.cpp build that loads the model (see {@link LlamaCppBuild})
 * @param embeddings the context computes embeddings ({@code --embeddings}), so its worst-case graph
 *        outputs every token of a ubatch
 * @param cpuFeatures the CPU's instruction sets as the build's kernels use them, lower case ({@code avx2},
 *        {@code avx512f}, {@code neon}, {@code dotprod}, {@code i8mm}): they decide which weights are repacked
 */
public record LoadSettings(int contextSize, int parallel, int batchSize, int ubatchSize, int gpuLayers,
                           KvCacheType keyCacheType, KvCacheType valueCacheType, boolean flashAttention,
                           boolean slidingWindowCache, LlamaCppBuild engineBuild, boolean embeddings,
                           Set<String> cpuFeatures) {
    /** llama.cpp's default {@code n_batch} and {@code n_ubatch}. */
    public static final int DEFAULT_BATCH = 512;

    /** Rejects impossible values. */
    public LoadSettings {
        Objects.requireNonNull(keyCacheType, "keyCacheType");
        Objects.requireNonNull(valueCacheType, "valueCacheType");
        Objects.requireNonNull(engineBuild, "engineBuild");
        cpuFeatures = cpuFeatures.stream().map(f -> f.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (contextSize < 1 || parallel < 1 || batchSize < 1 || ubatchSize < 1 || gpuLayers < 0) {
            throw new IllegalArgumentException("context " + contextSize + ", parallel " + parallel + ", batch "
                    + batchSize + ", ubatch " + ubatchSize + " must be positive and gpu layers " + gpuLayers
                    + " not negative");
        }
    }

    /**
     * @param contextSize tokens per sequence
     * @return a builder with llama.cpp's defaults for everything else
     */
    public static Builder builder(int contextSize) {
        return new Builder(contextSize);
    }

    /** @return a builder preset to these settings */
    public Builder toBuilder() {
        return new Builder(contextSize).parallel(parallel).batchSize(batchSize).ubatchSize(ubatchSize)
                .gpuLayers(gpuLayers).keyCacheType(keyCacheType).valueCacheType(valueCacheType)
                .flashAttention(flashAttention).slidingWindowCache(slidingWindowCache).engineBuild(engineBuild)
                .embeddings(embeddings).cpuFeatures(cpuFeatures);
    }

    /** @return cache cells before padding: context × parallel */
    public long totalContext() {
        return (long) contextSize * parallel;
    }

    /** Builder for {@link LoadSettings}. */
    public static final class Builder {
        private final int contextSize;
        private int parallel = 1;
        private int batchSize = DEFAULT_BATCH;
        private int ubatchSize = DEFAULT_BATCH;
        private int gpuLayers;
        private KvCacheType keyCacheType = KvCacheType.F16;
        private KvCacheType valueCacheType = KvCacheType.F16;
        private boolean flashAttention;
        private boolean slidingWindowCache;
        private LlamaCppBuild engineBuild = LlamaCppBuild.B4916;
        private boolean embeddings;
        private Set<String> cpuFeatures = Set.of();

        private Builder(int contextSize) {
            this.contextSize = contextSize;
        }

        /** @param n parallel sequences @return this builder */
        public Builder parallel(int n) {
            this.parallel = n;
            return this;
        }

        /** @param n logical batch size @return this builder */
        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** @param n physical batch size @return this builder */
        public Builder ubatchSize(int n) {
            this.ubatchSize = n;
            return this;
        }

        /** @param n offloaded repeating layers @return this builder */
        public Builder gpuLayers(int n) {
            this.gpuLayers = n;
            return this;
        }

        /** @param type K cache type @return this builder */
        public Builder keyCacheType(KvCacheType type) {
            this.keyCacheType = type;
            return this;
        }

        /** @param type V cache type @return this builder */
        public Builder valueCacheType(KvCacheType type) {
            this.valueCacheType = type;
            return this;
        }

        /** @param type both cache types @return this builder */
        public Builder cacheType(KvCacheType type) {
            return keyCacheType(type).valueCacheType(type);
        }

        /** @param on flash attention @return this builder */
        public Builder flashAttention(boolean on) {
            this.flashAttention = on;
            return this;
        }

        /** @param on window-sized caches for sliding-window layers @return this builder */
        public Builder slidingWindowCache(boolean on) {
            this.slidingWindowCache = on;
            return this;
        }

        /** @param build the llama.cpp build that loads the model @return this builder */
        public Builder engineBuild(LlamaCppBuild build) {
            this.engineBuild = Objects.requireNonNull(build, "build");
            return this;
        }

        /** @param on the context computes embeddings ({@code --embeddings}) @return this builder */
        public Builder embeddings(boolean on) {
            this.embeddings = on;
            return this;
        }

        /** @param features the CPU's instruction sets, lower case @return this builder */
        public Builder cpuFeatures(Set<String> features) {
            this.cpuFeatures = Set.copyOf(features);
            return this;
        }

        /** @return the settings */
        public LoadSettings build() {
            return new LoadSettings(contextSize, parallel, batchSize, ubatchSize, gpuLayers, keyCacheType,
                    valueCacheType, flashAttention, slidingWindowCache, engineBuild, embeddings, cpuFeatures);
        }
    }
}
