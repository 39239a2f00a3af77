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
 * {@code batch.size}, {@code llamaserver.flash.attention} and {@code llamaserver.jinja}; options in a
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
 */
public record LlamaServerOptions(Integer parallel, KvCacheType kvCacheType, Boolean flashAttention, Boolean mmap,
                                 Boolean mlock, Boolean jinja, Integer batchSize) implements EngineOptions {
    /** {@code on} or {@code off}; unset lets the server decide. */
    public static final String FLASH_ATTENTION_KEY = "llamaserver.flash.attention";
    /** {@code true} (the default) or {@code false}. */
    public static final String JINJA_KEY = "llamaserver.jinja";

    /** Rejects sizes that cannot work. */
    public LlamaServerOptions {
        positive("parallel", parallel);
        positive("batchSize", batchSize);
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
                config.getInt(ConfigKeys.BATCH_SIZE).orElse(null));
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
                batchSize != null ? batchSize : fallback.batchSize);
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

        /** @return the options */
        public LlamaServerOptions build() {
            return new LlamaServerOptions(parallel, kvCacheType, flashAttention, mmap, mlock, jinja, batchSize);
        }
    }
}
