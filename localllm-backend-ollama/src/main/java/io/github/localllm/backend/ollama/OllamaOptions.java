package io.github.localllm.backend.ollama;

import io.github.localllm.ConfigurationException;
import io.github.localllm.EngineOptions;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.ConfigValue;
import io.github.localllm.config.LocalLlmConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Settings only Ollama takes. The portable ones travel in {@link io.github.localllm.LoadOptions}
 * ({@code contextSize} is {@code num_ctx}, {@code gpuLayers} {@code num_gpu}, {@code threads}
 * {@code num_thread}, {@code keepAlive} {@code keep_alive}) and the sampling ones in each request;
 * these are the rest of the {@code options} of Ollama's {@code api.Options} (v0.33), plus how this
 * engine treats the server's models. Pass them with
 * {@code LoadOptions.builder().engineOptions(OllamaOptions.builder().numBatch(256).build())}, or set
 * the configuration keys named below; options in a request win over configuration. Every field is
 * optional ({@code null}: the server's or the engine's default). Ollama sends the same options with
 * every request of a loaded model, since the server reloads a model whose load options change.
 *
 * <p>{@code numa}, {@code low_vram}, {@code use_mlock}, {@code mirostat} and other keys that older
 * documentation shows were removed from the server (it ignores them); {@link #extraOptions()} still
 * sends any key as it is, for servers that take keys this type does not know.
 *
 * @param numKeep {@code num_keep}: prompt tokens kept when the context shifts (config {@code ollama.num.keep})
 * @param numBatch {@code num_batch}: tokens per prompt-processing batch (config {@code batch.size})
 * @param mainGpu {@code main_gpu}: the GPU that holds the small tensors (config {@code ollama.main.gpu})
 * @param useMmap {@code use_mmap}: map the model file instead of reading it (config {@code mmap})
 * @param typicalP {@code typical_p}: locally typical sampling, 1 for off (config {@code ollama.typical.p})
 * @param draftNumPredict {@code draft_num_predict}: tokens drafted per step when the model has a draft
 *        model (config {@code ollama.draft.num.predict})
 * @param pullMissing pull a model the server does not have when it is loaded, reporting progress to
 *        the load's listener (config {@code ollama.pull}); {@code false} by default: a missing model
 *        is a {@link io.github.localllm.ModelNotFoundException} saying how to pull it
 * @param unloadOnClose what closing a loaded model does on the server (config {@code ollama.unload.on.close});
 *        {@link UnloadOnClose#IF_LOADED_HERE} by default
 * @param extraOptions more {@code options} keys, sent as they are (numbers, booleans, strings or lists
 *        of them); the typed settings win over a key of the same name
 */
public record OllamaOptions(Integer numKeep, Integer numBatch, Integer mainGpu, Boolean useMmap, Double typicalP,
                            Integer draftNumPredict, Boolean pullMissing, UnloadOnClose unloadOnClose,
                            Map<String, Object> extraOptions) implements EngineOptions {

    /** Configuration key of {@link #pullMissing()}. */
    public static final String PULL_KEY = "ollama.pull";
    /** Configuration key of {@link #unloadOnClose()}: {@code never}, {@code if-loaded-here} or {@code always}. */
    public static final String UNLOAD_ON_CLOSE_KEY = "ollama.unload.on.close";
    private static final String NUM_KEEP_KEY = "ollama.num.keep";
    private static final String MAIN_GPU_KEY = "ollama.main.gpu";
    private static final String TYPICAL_P_KEY = "ollama.typical.p";
    private static final String DRAFT_KEY = "ollama.draft.num.predict";
    /** Keys this engine sets from typed values; an extra key may not take their place. */
    private static final Set<String> MANAGED = Set.of("num_ctx", "num_gpu", "num_thread", "num_predict", "temperature",
            "top_k", "top_p", "min_p", "repeat_penalty", "repeat_last_n", "frequency_penalty", "presence_penalty",
            "seed", "stop");

    /**
     * What closing a loaded model does on the server. Ollama keeps a model in memory for
     * {@code keep_alive} after its last request whoever loaded it, and other programs on the machine
     * may be using the same model.
     */
    public enum UnloadOnClose {
        /** Leave it; the server unloads it when its {@code keep_alive} runs out. */
        NEVER,
        /**
         * Unload it when the last instance of it this engine opened is closed, if it was not in
         * memory before this engine loaded it: a model the user's server already held stays.
         */
        IF_LOADED_HERE,
        /** Unload it when the last instance of it this engine opened is closed, whoever loaded it. */
        ALWAYS;

        static UnloadOnClose parse(ConfigValue v) {
            String s = v.value().strip().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (s) {
                case "never", "false" -> NEVER;
                case "if-loaded-here" -> IF_LOADED_HERE;
                case "always", "true" -> ALWAYS;
                default -> throw new ConfigurationException(v.key() + " must be never, if-loaded-here or always, but "
                        + v.source().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + v.origin()
                        + " sets it to '" + v.value() + "'");
            };
        }
    }

    /** Rejects values the server would refuse or misread. */
    public OllamaOptions {
        positive("numBatch", numBatch);
        if (numKeep != null && numKeep < -1) {
            throw new InvalidRequestException("numKeep must be -1 (the whole prompt) or more, was " + numKeep);
        }
        if (mainGpu != null && mainGpu < 0) {
            throw new InvalidRequestException("mainGpu is a GPU index, 0 or more, was " + mainGpu);
        }
        positive("draftNumPredict", draftNumPredict);
        if (typicalP != null && (typicalP.isNaN() || typicalP <= 0 || typicalP > 1)) {
            throw new InvalidRequestException("typicalP must be above 0 and at most 1 (1 turns it off), was " + typicalP);
        }
        extraOptions = checkedExtras(extraOptions);
    }

    private static void positive(String name, Integer value) {
        if (value != null && value <= 0) {
            throw new InvalidRequestException(name + " must be positive, was " + value
                    + "; leave it unset for the server's default");
        }
    }

    private static Map<String, Object> checkedExtras(Map<String, Object> extras) {
        if (extras == null || extras.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        extras.forEach((key, value) -> {
            if (key == null || !key.matches("[a-z][a-z0-9_]{0,63}")) {
                throw new InvalidRequestException("'" + key + "' is not an Ollama option name; options are lower case"
                        + " with underscores, such as num_batch");
            }
            if (MANAGED.contains(key)) {
                throw new InvalidRequestException("the option " + key + " is set from the portable settings; use "
                        + portable(key) + " instead of an extra option");
            }
            copy.put(key, checkedValue(key, value));
        });
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static Object checkedValue(String key, Object value) {
        if (value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof List<?> list && list.stream().allMatch(v -> v instanceof Number || v instanceof String
                || v instanceof Boolean)) {
            return List.copyOf(list);
        }
        throw new InvalidRequestException("the option " + key + " must be a number, a boolean, a string or a list of"
                + " them, was " + (value == null ? "null" : value.getClass().getSimpleName()));
    }

    private static String portable(String key) {
        return switch (key) {
            case "num_ctx" -> "LoadOptions.contextSize";
            case "num_gpu" -> "LoadOptions.gpuLayers";
            case "num_thread" -> "LoadOptions.threads";
            case "num_predict" -> "GenerationRequest.maxTokens";
            case "stop" -> "GenerationRequest.stop";
            default -> "the request's SamplingParameters";
        };
    }

    @Override
    public String engine() {
        return OllamaBackendProvider.ID;
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param config the configuration
     * @return the options its keys set
     * @throws ConfigurationException if a value is malformed, naming where it came from
     */
    public static OllamaOptions from(LocalLlmConfig config) {
        return new OllamaOptions(config.getInt(NUM_KEEP_KEY).orElse(null),
                config.getInt(ConfigKeys.BATCH_SIZE).orElse(null),
                config.getInt(MAIN_GPU_KEY).orElse(null),
                config.getBoolean(ConfigKeys.MMAP).orElse(null),
                config.value(TYPICAL_P_KEY).map(OllamaOptions::decimal).orElse(null),
                config.getInt(DRAFT_KEY).orElse(null),
                config.getBoolean(PULL_KEY).orElse(null),
                config.value(UNLOAD_ON_CLOSE_KEY).map(UnloadOnClose::parse).orElse(null),
                Map.of());
    }

    private static Double decimal(ConfigValue v) {
        try {
            return Double.parseDouble(v.value().strip());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(v.key() + " must be a number such as 0.95, but "
                    + v.source().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + v.origin()
                    + " sets it to '" + v.value() + "'");
        }
    }

    /**
     * @param fallback options to take where these leave a field open
     * @return these options, completed from the fallback; extra keys of both, these winning
     */
    public OllamaOptions orElse(OllamaOptions fallback) {
        Objects.requireNonNull(fallback, "fallback");
        Map<String, Object> extras = new LinkedHashMap<>(fallback.extraOptions);
        extras.putAll(extraOptions);
        return new OllamaOptions(numKeep != null ? numKeep : fallback.numKeep,
                numBatch != null ? numBatch : fallback.numBatch,
                mainGpu != null ? mainGpu : fallback.mainGpu,
                useMmap != null ? useMmap : fallback.useMmap,
                typicalP != null ? typicalP : fallback.typicalP,
                draftNumPredict != null ? draftNumPredict : fallback.draftNumPredict,
                pullMissing != null ? pullMissing : fallback.pullMissing,
                unloadOnClose != null ? unloadOnClose : fallback.unloadOnClose,
                extras);
    }

    /** @return the {@code options} keys these settings send, in a stable order */
    Map<String, Object> wireOptions() {
        Map<String, Object> out = new LinkedHashMap<>(extraOptions);
        putIf(out, "num_keep", numKeep);
        putIf(out, "num_batch", numBatch);
        putIf(out, "main_gpu", mainGpu);
        putIf(out, "use_mmap", useMmap);
        putIf(out, "typical_p", typicalP);
        putIf(out, "draft_num_predict", draftNumPredict);
        return out;
    }

    private static void putIf(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    /** Builds {@link OllamaOptions}. */
    public static final class Builder {
        private Integer numKeep;
        private Integer numBatch;
        private Integer mainGpu;
        private Boolean useMmap;
        private Double typicalP;
        private Integer draftNumPredict;
        private Boolean pullMissing;
        private UnloadOnClose unloadOnClose;
        private final Map<String, Object> extraOptions = new LinkedHashMap<>();

        private Builder() {
        }

        /** @param v prompt tokens kept when the context shifts, -1 for all @return this */
        public Builder numKeep(Integer v) {
            numKeep = v;
            return this;
        }

        /** @param v tokens per prompt batch @return this */
        public Builder numBatch(Integer v) {
            numBatch = v;
            return this;
        }

        /** @param v the index of the main GPU @return this */
        public Builder mainGpu(Integer v) {
            mainGpu = v;
            return this;
        }

        /** @param v map the model file @return this */
        public Builder useMmap(Boolean v) {
            useMmap = v;
            return this;
        }

        /** @param v locally typical sampling, above 0 and at most 1 @return this */
        public Builder typicalP(Double v) {
            typicalP = v;
            return this;
        }

        /** @param v tokens drafted per step @return this */
        public Builder draftNumPredict(Integer v) {
            draftNumPredict = v;
            return this;
        }

        /** @param v pull a missing model when loading it @return this */
        public Builder pullMissing(Boolean v) {
            pullMissing = v;
            return this;
        }

        /** @param v what closing a model does on the server @return this */
        public Builder unloadOnClose(UnloadOnClose v) {
            unloadOnClose = v;
            return this;
        }

        /**
         * @param key an {@code options} key this type has no field for, e.g. {@code numa} for an old server
         * @param value its value: a number, a boolean, a string or a list of them
         * @return this
         */
        public Builder extraOption(String key, Object value) {
            extraOptions.put(key, value);
            return this;
        }

        /** @return the options @throws InvalidRequestException if a value cannot work */
        public OllamaOptions build() {
            return new OllamaOptions(numKeep, numBatch, mainGpu, useMmap, typicalP, draftNumPredict, pullMissing,
                    unloadOnClose, extraOptions);
        }
    }
}
