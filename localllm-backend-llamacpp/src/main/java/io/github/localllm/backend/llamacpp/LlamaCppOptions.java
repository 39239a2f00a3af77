package io.github.localllm.backend.llamacpp;

import io.github.localllm.EngineOptions;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.KvCacheType;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.LocalLlmConfig;

/**
 * Load settings only llama.cpp takes. Pass them with
 * {@code LoadOptions.builder().engineOptions(LlamaCppOptions.builder().parallel(4).build())}, or set
 * the configuration keys {@code batch.size}, {@code parallel}, {@code mmap}, {@code mlock} and
 * {@code kv.cache.type}; options in a request win over configuration. Each field is optional
 * ({@code null}: the engine chooses); the loaded model's {@code info().options()} holds them resolved.
 *
 * @param batchSize tokens per prompt-processing batch
 * @param parallel sequences decoded at once, each with its own context of the requested size; the
 *        engine reserves context times parallel
 * @param mmap map the file instead of reading it into memory
 * @param mlock lock the weights in RAM so the OS cannot swap them out
 * @param kvCacheType the element type of the attention cache
 * @param chatTemplate a Jinja chat template to render conversations with instead of the file's own, for
 *        a model whose template llama.cpp b4916 cannot render (see the README); checked when the model
 *        loads, and refused there if b4916 cannot render it either. {@code null}: the file's template
 */
public record LlamaCppOptions(Integer batchSize, Integer parallel, Boolean mmap, Boolean mlock,
                              KvCacheType kvCacheType, String chatTemplate) implements EngineOptions {

    /** Rejects sizes that cannot work, and a blank template. */
    public LlamaCppOptions {
        positive("batchSize", batchSize);
        positive("parallel", parallel);
        if (chatTemplate != null && chatTemplate.isBlank()) {
            throw new InvalidRequestException("chatTemplate is blank; leave it unset to use the model's own template");
        }
    }

    /**
     * Options that keep the file's chat template.
     *
     * @param batchSize tokens per prompt-processing batch
     * @param parallel sequences decoded at once
     * @param mmap map the file instead of reading it into memory
     * @param mlock lock the weights in RAM
     * @param kvCacheType the element type of the attention cache
     */
    public LlamaCppOptions(Integer batchSize, Integer parallel, Boolean mmap, Boolean mlock, KvCacheType kvCacheType) {
        this(batchSize, parallel, mmap, mlock, kvCacheType, null);
    }

    /** Names the chat template by its length: a template is too long for a log line. */
    @Override
    public String toString() {
        return "LlamaCppOptions[batchSize=" + batchSize + ", parallel=" + parallel + ", mmap=" + mmap + ", mlock="
                + mlock + ", kvCacheType=" + kvCacheType + ", chatTemplate="
                + (chatTemplate == null ? "the file's" : chatTemplate.length() + " characters") + "]";
    }

    private static void positive(String name, Integer value) {
        if (value != null && value <= 0) {
            throw new InvalidRequestException(name + " must be positive, was " + value
                    + "; leave it unset to let the engine choose");
        }
    }

    @Override
    public String engine() {
        return LlamaCppBackendProvider.ID;
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param config the configuration
     * @return the options its keys set
     * @throws io.github.localllm.ConfigurationException if a value is malformed, naming where it came from
     */
    public static LlamaCppOptions from(LocalLlmConfig config) {
        return new LlamaCppOptions(config.getInt(ConfigKeys.BATCH_SIZE).orElse(null),
                config.getInt(ConfigKeys.PARALLEL).orElse(null),
                config.getBoolean(ConfigKeys.MMAP).orElse(null),
                config.getBoolean(ConfigKeys.MLOCK).orElse(null),
                config.get(ConfigKeys.KV_CACHE_TYPE).map(KvCacheType::parse).orElse(null));
    }

    /**
     * @param fallback options to take where these leave a field open
     * @return these options, completed from the fallback
     */
    public LlamaCppOptions orElse(LlamaCppOptions fallback) {
        return new LlamaCppOptions(batchSize != null ? batchSize : fallback.batchSize,
                parallel != null ? parallel : fallback.parallel,
                mmap != null ? mmap : fallback.mmap,
                mlock != null ? mlock : fallback.mlock,
                kvCacheType != null ? kvCacheType : fallback.kvCacheType,
                chatTemplate != null ? chatTemplate : fallback.chatTemplate);
    }

    /** Builds {@link LlamaCppOptions}. */
    public static final class Builder {
        private Integer batchSize;
        private Integer parallel;
        private Boolean mmap;
        private Boolean mlock;
        private KvCacheType kvCacheType;
        private String chatTemplate;

        private Builder() {
        }

        /** @param v tokens per prompt batch @return this */
        public Builder batchSize(Integer v) {
            batchSize = v;
            return this;
        }

        /** @param v sequences decoded at once @return this */
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

        /** @param v the attention cache type @return this */
        public Builder kvCacheType(KvCacheType v) {
            kvCacheType = v;
            return this;
        }

        /** @param v a Jinja chat template to use instead of the file's own @return this */
        public Builder chatTemplate(String v) {
            chatTemplate = v;
            return this;
        }

        /** @return the options */
        public LlamaCppOptions build() {
            return new LlamaCppOptions(batchSize, parallel, mmap, mlock, kvCacheType, chatTemplate);
        }
    }
}
