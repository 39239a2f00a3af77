package io.github.localllm.backend.llamaserver;

import io.github.localllm.EngineOptions;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.KvCacheType;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.LocalLlmConfig;

/**
 * Load settings only the managed {@code llama-server} takes, each becoming one of its arguments.
 * Pass them with {@code LoadOptions.builder().engineOptions(LlamaServerOptions.builder().parallel(4).build())},
 * or set the configuration keys {@code parallel}, {@code kv.cache.type}, {@code mmap}, {@code mlock},
 * {@code batch.size}, {@code llamaserver.flash.attention}, {@code llamaserver.jinja},
 * {@code llamaserver.embeddings}, {@code llamaserver.pooling} and {@code llamaserver.metrics}; options in a
 * request win over configuration. Each field is optional ({@code null}: the server's own default).
 *
 * @param parallel server slots, requests decoded at once ({@code --parallel}); each gets the context
 *        size asked for
 * @param kvCacheType the element type of the attention cache, for K and V ({@code --cache-type-k/-v})
 * @param flashAttention flash attention on or off ({@code --flash-attn on|off}); {@code null} lets the server decide
 * @param mmap map the file instead of reading it into memory
 * @param mlock lock the weights in RAM so that the OS cannot swap them out
 * @param jinja render chat templates with the server's Jinja engine ({@code --jinja}, the default here)
 *        rather than its built-in list of known formats ({@code --no-jinja})
 * @param batchSize tokens per prompt-processing batch ({@code --batch-size})
 * @param embeddings start the server for embeddings too ({@code --embeddings}); off by default, and
 *        without it the model reports no embeddings and refuses to embed. The server still generates.
 * @param pooling how token vectors become a text's embedding ({@code --pooling}); setting it implies
 *        {@code embeddings}; {@code null} takes the model's own
 * @param metrics serve Prometheus counters at {@code /metrics} ({@code --metrics}), read by
 *        {@code LlamaServerModel.metrics()}; on unless set to {@code false}
 */
public record LlamaServerOptions(Integer parallel, KvCacheType kvCacheType, Boolean flashAttention, Boolean mmap,
                                 Boolean mlock, Boolean jinja, Integer batchSize, Boolean embeddings, Pooling pooling,
                                 Boolean metrics) implements EngineOptions {
    /** {@code on} or {@code off}; unset lets the server decide. */
    public static final String FLASH_ATTENTION_KEY = "llamaserver.flash.attention";
    /** {@code true} (the default) or {@code false}. */
    public static final String JINJA_KEY = "llamaserver.jinja";
    /** {@code true} or {@code false} (the default). */
    public static final String EMBEDDINGS_KEY = "llamaserver.embeddings";
    /** {@code mean}, {@code cls} or {@code last}; unset takes the model's own. */
    public static final String POOLING_KEY = "llamaserver.pooling";
    /** {@code true} (the default) or {@code false}. */
    public static final String METRICS_KEY = "llamaserver.metrics";

    /** Rejects sizes that cannot work, and a pooling for a server told not to embed. */
    public LlamaServerOptions {
        positive("parallel", parallel);
        positive("batchSize", batchSize);
        if (pooling != null && Boolean.FALSE.equals(embeddings)) {
            throw new InvalidRequestException("pooling " + pooling.wireName() + " is for embeddings, but embeddings"
                    + " is false; set embeddings(true), or leave pooling unset");
        }
    }

    /**
     * Without the embedding and metrics settings; kept so that code written before they existed still compiles.
     *
     * @param parallel server slots
     * @param kvCacheType the attention cache type
     * @param flashAttention flash attention on or off
     * @param mmap memory-map the file
     * @param mlock lock weights in RAM
     * @param jinja render chat templates with Jinja
     * @param batchSize tokens per prompt batch
     */
    public LlamaServerOptions(Integer parallel, KvCacheType kvCacheType, Boolean flashAttention, Boolean mmap,
                              Boolean mlock, Boolean jinja, Integer batchSize) {
        this(parallel, kvCacheType, flashAttention, mmap, mlock, jinja, batchSize, null, null, null);
    }

    /** @return whether the server is started for embeddings: asked for, or implied by a pooling */
    public boolean embedsText() {
        return Boolean.TRUE.equals(embeddings) || pooling != null;
    }

    private static void positive(String name, Integer value) {
        if (value != null && value <= 0) {
            throw new InvalidRequestException(name + " must be positive, was " + value
                    + "; leave it unset to let the server choose");
        }
    }

    /** @return {@code llamaserver} */
    @Override
    public String engine() {
        return LlamaServerBackendProvider.ID;
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
    public static LlamaServerOptions from(LocalLlmConfig config) {
        return new LlamaServerOptions(config.getInt(ConfigKeys.PARALLEL).orElse(null),
                config.get(ConfigKeys.KV_CACHE_TYPE).map(KvCacheType::parse).orElse(null),
                flashAttention(config),
                config.getBoolean(ConfigKeys.MMAP).orElse(null),
                config.getBoolean(ConfigKeys.MLOCK).orElse(null),
                config.getBoolean(JINJA_KEY).orElse(null),
                config.getInt(ConfigKeys.BATCH_SIZE).orElse(null),
                config.getBoolean(EMBEDDINGS_KEY).orElse(null),
                config.value(POOLING_KEY).map(v -> {
                    try {
                        return Pooling.parse(v.value());
                    } catch (io.github.localllm.ConfigurationException e) {
                        throw new io.github.localllm.ConfigurationException(POOLING_KEY + ": " + e.getMessage() + ", set by "
                                + v.source().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " "
                                + v.origin(), e);
                    }
                }).orElse(null),
                config.getBoolean(METRICS_KEY).orElse(null));
    }

    private static Boolean flashAttention(LocalLlmConfig config) {
        return config.value(FLASH_ATTENTION_KEY).map(v -> switch (v.value().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true" -> Boolean.TRUE;
            case "off", "false" -> Boolean.FALSE;
            case "auto", "" -> null;
            default -> throw new io.github.localllm.ConfigurationException(FLASH_ATTENTION_KEY + " must be on, off or"
                    + " auto, but " + v.source().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " "
                    + v.origin() + " sets it to '" + v.value() + "'");
        }).orElse(null);
    }

    /**
     * @param fallback options to take where these leave a field open
     * @return these options, completed from the fallback
     */
    public LlamaServerOptions orElse(LlamaServerOptions fallback) {
        return new LlamaServerOptions(parallel != null ? parallel : fallback.parallel,
                kvCacheType != null ? kvCacheType : fallback.kvCacheType,
                flashAttention != null ? flashAttention : fallback.flashAttention,
                mmap != null ? mmap : fallback.mmap,
                mlock != null ? mlock : fallback.mlock,
                jinja != null ? jinja : fallback.jinja,
                batchSize != null ? batchSize : fallback.batchSize,
                embeddings != null ? embeddings : fallback.embeddings,
                pooling != null ? pooling : fallback.pooling,
                metrics != null ? metrics : fallback.metrics);
    }

    /** Builds {@link LlamaServerOptions}. */
    public static final class Builder {
        private Integer parallel;
        private KvCacheType kvCacheType;
        private Boolean flashAttention;
        private Boolean mmap;
        private Boolean mlock;
        private Boolean jinja;
        private Integer batchSize;
        private Boolean embeddings;
        private Pooling pooling;
        private Boolean metrics;

        private Builder() {
        }

        /** @param v server slots @return this */
        public Builder parallel(Integer v) {
            parallel = v;
            return this;
        }

        /** @param v the attention cache type @return this */
        public Builder kvCacheType(KvCacheType v) {
            kvCacheType = v;
            return this;
        }

        /** @param v flash attention on or off; {@code null} for the server's choice @return this */
        public Builder flashAttention(Boolean v) {
            flashAttention = v;
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

        /** @param v render chat templates with Jinja @return this */
        public Builder jinja(Boolean v) {
            jinja = v;
            return this;
        }

        /** @param v tokens per prompt batch @return this */
        public Builder batchSize(Integer v) {
            batchSize = v;
            return this;
        }

        /** @param v start the server for embeddings ({@code --embeddings}) @return this */
        public Builder embeddings(Boolean v) {
            embeddings = v;
            return this;
        }

        /** @param v how token vectors are pooled ({@code --pooling}); implies embeddings @return this */
        public Builder pooling(Pooling v) {
            pooling = v;
            return this;
        }

        /** @param v serve {@code /metrics} ({@code --metrics}); on by default @return this */
        public Builder metrics(Boolean v) {
            metrics = v;
            return this;
        }

        /** @return the options */
        public LlamaServerOptions build() {
            return new LlamaServerOptions(parallel, kvCacheType, flashAttention, mmap, mlock, jinja, batchSize,
                    embeddings, pooling, metrics);
        }
    }
}
