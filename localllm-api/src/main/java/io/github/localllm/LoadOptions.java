package io.github.localllm;

/**
 * How an engine loads a model. Each field is optional in a request ({@code null}: the
 * engine chooses from the model and the machine); {@link ModelInfo#options()} reports
 * the values actually in effect.
 *
 * @param contextSize tokens of context for each sequence (prompt plus answer); the engine
 *        reserves this times {@code parallel}
 * @param threads CPU threads for generation
 * @param batchSize tokens per prompt-processing batch
 * @param gpuLayers layers offloaded to the GPU; {@code 0} for CPU only, {@code -1} for all
 * @param parallel sequences decoded at once, each with its own context of {@code contextSize}
 * @param mmap map the file instead of reading it into memory
 * @param mlock lock the weights in RAM so the OS cannot swap them out
 * @param kvCacheType the element type of the attention cache: {@code f16} (default), {@code q8_0}
 *        (half the memory) or {@code q4_0} (a quarter); quantized caches cost a little quality
 */
public record LoadOptions(Integer contextSize, Integer threads, Integer batchSize, Integer gpuLayers,
                          Integer parallel, Boolean mmap, Boolean mlock, String kvCacheType) {

    /** The cache types every engine understands, as llama.cpp names them. */
    public static final java.util.Set<String> KV_CACHE_TYPES = java.util.Set.of("f16", "q8_0", "q4_0");

    private static final LoadOptions DEFAULTS = builder().build();

    /** Rejects sizes that cannot work. */
    public LoadOptions {
        positive("contextSize", contextSize);
        positive("threads", threads);
        positive("batchSize", batchSize);
        positive("parallel", parallel);
        if (kvCacheType != null && !KV_CACHE_TYPES.contains(kvCacheType)) {
            throw new InvalidRequestException("KV cache type '" + kvCacheType + "' is not one of " + KV_CACHE_TYPES);
        }
        if (gpuLayers != null && gpuLayers < -1) {
            throw new InvalidRequestException("gpuLayers must be -1 (all), 0 (CPU only) or a layer count, was "
                    + gpuLayers);
        }
    }

    private static void positive(String name, Integer value) {
        if (value != null && value <= 0) {
            throw new InvalidRequestException(name + " must be positive, was " + value
                    + "; leave it unset to let the engine choose");
        }
    }

    /** @return all choices left to the engine */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        return new Builder().contextSize(contextSize).threads(threads).batchSize(batchSize)
                .gpuLayers(gpuLayers).parallel(parallel).mmap(mmap).mlock(mlock).kvCacheType(kvCacheType);
    }

    /** Builds {@link LoadOptions}. */
    public static final class Builder {
        private Integer contextSize;
        private Integer threads;
        private Integer batchSize;
        private Integer gpuLayers;
        private Integer parallel;
        private Boolean mmap;
        private Boolean mlock;
        private String kvCacheType;

        private Builder() {
        }

        /** @param v {@code f16}, {@code q8_0} or {@code q4_0} @return this */
        public Builder kvCacheType(String v) {
            kvCacheType = v;
            return this;
        }

        /** @param v context tokens @return this */
        public Builder contextSize(Integer v) {
            contextSize = v;
            return this;
        }

        /** @param v CPU threads @return this */
        public Builder threads(Integer v) {
            threads = v;
            return this;
        }

        /** @param v batch size @return this */
        public Builder batchSize(Integer v) {
            batchSize = v;
            return this;
        }

        /** @param v GPU layers @return this */
        public Builder gpuLayers(Integer v) {
            gpuLayers = v;
            return this;
        }

        /** @param v parallel sequences @return this */
        public Builder parallel(Integer v) {
            parallel = v;
            return this;
        }

        /** @param v memory-map the file @return this */
        public Builder mmap(Boolean v) {
            mmap = v;
            return this;
        }

        /** @param v lock weights in RAM @return this */
        public Builder mlock(Boolean v) {
            mlock = v;
            return this;
        }

        /** @return the options @throws InvalidRequestException if a size is zero or negative */
        public LoadOptions build() {
            return new LoadOptions(contextSize, threads, batchSize, gpuLayers, parallel, mmap, mlock, kvCacheType);
        }
    }
}
