package io.github.localllm;

import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.GenerationCompleted;
import io.github.localllm.event.GenerationFailed;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.event.ModelLoaded;
import io.github.localllm.event.ModelUnloaded;
import io.github.localllm.internal.EventBus;
import io.github.localllm.internal.ObservedStream;
import io.github.localllm.internal.Services;
import io.github.localllm.spi.AutoConfigurator;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.spi.ModelResolver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door: finds an engine, loads a model and answers.
 *
 * <pre>{@code
 * try (LocalLlm llm = LocalLlm.builder().model(Path.of("model.gguf")).build()) {
 *     System.out.println(llm.generate("Write a haiku about the JVM").text());
 * }
 * }</pre>
 *
 * Engines are found with {@link ServiceLoader} on the class path and the module path;
 * adding an engine's jar is enough. Thread-safe.
 */
public final class LocalLlm implements LanguageModel, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalLlm.class);

    private final LocalLlmConfig config;
    private final InferenceBackend backend;
    private final ModelInstance model;
    private final EventBus events;
    private boolean closed;

    private LocalLlm(LocalLlmConfig config, InferenceBackend backend, ModelInstance model, EventBus events) {
        this.config = config;
        this.backend = backend;
        this.model = model;
        this.events = events;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return every engine provider on the class and module path, highest priority first
     */
    public static List<InferenceBackendProvider> providers() {
        List<InferenceBackendProvider> found = Services.load(InferenceBackendProvider.class, "an engine provider");
        found.sort(Comparator.comparingInt(InferenceBackendProvider::priority).reversed()
                .thenComparing(InferenceBackendProvider::id));
        return found;
    }

    /**
     * @return every model resolver on the class and module path (such as {@code localllm-store}'s, which
     *         finds and downloads Hugging Face files), highest priority first
     */
    public static List<ModelResolver> resolvers() {
        return ModelResolution.resolvers();
    }

    /** @return the loaded model */
    public ModelInstance model() {
        return model;
    }

    /** @return the engine running the model */
    public InferenceBackend backend() {
        return backend;
    }

    /** @return the effective configuration; {@link LocalLlmConfig#describe()} prints it with origins */
    public LocalLlmConfig config() {
        return config;
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        return observe(() -> {
            GenerationResult result = model.generate(request);
            events.publish(new GenerationCompleted(Instant.now(), result));
            return result;
        });
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        GenerationStream stream = observe(() -> model.stream(request));
        return new ObservedStream(stream, r -> events.publish(new GenerationCompleted(Instant.now(), r)),
                e -> events.publish(new GenerationFailed(Instant.now(), model.info().name(), e)));
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        return model.embed(request);
    }

    private <T> T observe(Supplier<T> call) {
        try {
            return call.get();
        } catch (LocalLlmException e) {
            events.publish(new GenerationFailed(Instant.now(), model.info().name(), e));
            throw e;
        }
    }

    /** Unloads the model and stops the engine. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            model.close();
        } finally {
            backend.close();
        }
        events.publish(new ModelUnloaded(Instant.now(), model.info().backend(), model.info().name()));
    }

    /** Configures and builds a {@link LocalLlm}. Values set here override every other configuration layer. */
    public static final class Builder {
        private final Map<String, String> explicit = new HashMap<>();
        private final List<LocalLlmEventListener> listeners = new ArrayList<>();
        private ConfigEnvironment environment;
        private boolean autoDetect;

        private Builder() {
        }

        /** @param file a GGUF model file @return this */
        public Builder model(Path file) {
            return set(ConfigKeys.MODEL, file.toString());
        }

        /**
         * @param model a model as {@link ModelRef#parse} reads it: a file path, a name a server knows
         *        ({@code qwen2.5:7b}), {@code hf://owner/name/file.gguf} or an address
         * @return this
         */
        public Builder model(String model) {
            return set(ConfigKeys.MODEL, model);
        }

        /** @param model which model @return this */
        public Builder model(ModelRef model) {
            return set(ConfigKeys.MODEL, model.text());
        }

        /**
         * @param keepAlive how long a server keeps the model loaded when idle; zero unloads it after each
         *        request, negative keeps it until unloaded
         * @return this
         */
        public Builder keepAlive(java.time.Duration keepAlive) {
            return set(ConfigKeys.KEEP_ALIVE, keepAlive.toString());
        }

        /** @param id the engine to use, e.g. {@code llamacpp}; by default the highest-priority one found @return this */
        public Builder backend(String id) {
            return set(ConfigKeys.BACKEND, id);
        }

        /** @param tokens context size @return this */
        public Builder contextSize(int tokens) {
            return set(ConfigKeys.CONTEXT_SIZE, Integer.toString(tokens));
        }

        /** @param threads CPU threads for generation @return this */
        public Builder threads(int threads) {
            return set(ConfigKeys.THREADS, Integer.toString(threads));
        }

        /** @param tokens prompt batch size, for engines that take it (llama.cpp) @return this */
        public Builder batchSize(int tokens) {
            return set(ConfigKeys.BATCH_SIZE, Integer.toString(tokens));
        }

        /** @param layers layers on the GPU, 0 for none, -1 for all @return this */
        public Builder gpuLayers(int layers) {
            return set(ConfigKeys.GPU_LAYERS, Integer.toString(layers));
        }

        /** @param sequences requests decoded at once, for engines that take it (llama.cpp) @return this */
        public Builder parallel(int sequences) {
            return set(ConfigKeys.PARALLEL, Integer.toString(sequences));
        }

        /** @param mmap memory-map the model file, for in-process engines @return this */
        public Builder mmap(boolean mmap) {
            return set(ConfigKeys.MMAP, Boolean.toString(mmap));
        }

        /** @param type attention cache type, for llama.cpp engines @return this */
        public Builder kvCacheType(KvCacheType type) {
            return set(ConfigKeys.KV_CACHE_TYPE, type.wireName());
        }

        /** @param type attention cache type: {@code f16}, {@code q8_0} or {@code q4_0} @return this */
        public Builder kvCacheType(String type) {
            return set(ConfigKeys.KV_CACHE_TYPE, KvCacheType.parse(type).wireName());
        }

        /**
         * Says that this application loads several models in one JVM, in turn or at once, so that
         * {@link #autoDetect()} prefers an engine that returns a closed model's memory (the managed
         * {@code llama-server}) over one that keeps it until the JVM exits (the in-process engine), where
         * both run the model. The same as {@code models.swap=true} in any configuration layer.
         *
         * @param swaps whether it does
         * @return this
         */
        public Builder swapsModels(boolean swaps) {
            return set(ConfigKeys.SWAPS_MODELS, Boolean.toString(swaps));
        }

        /**
         * Lets the SDK download a model that is not on this machine: a Hugging Face file, an address, or
         * the catalog model {@link #autoDetect()} chose. Without it such a model is a
         * {@link DownloadNotAllowedException} that says what would be downloaded, how big it is and where it
         * would go. The same as {@code models.download=true} in any configuration layer.
         *
         * @param allow whether downloads may happen
         * @return this
         */
        public Builder allowDownloads(boolean allow) {
            return set(ConfigKeys.MODELS_DOWNLOAD, Boolean.toString(allow));
        }

        /** @param mlock lock the weights in RAM, for in-process engines @return this */
        public Builder mlock(boolean mlock) {
            return set(ConfigKeys.MLOCK, Boolean.toString(mlock));
        }

        /**
         * Sets any configuration key, including engines' own.
         *
         * @param key a dotted key such as {@code context.size}
         * @param value its value
         * @return this
         */
        public Builder set(String key, String value) {
            explicit.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** @param listener receives events from this instance @return this */
        public Builder listener(LocalLlmEventListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Lets the machine and the model decide what is not set explicitly: context size, GPU
         * layers, threads, and with no model given, which model. Needs an
         * {@link AutoConfigurator} such as {@code io.github.localllm:localllm-hardware} on the
         * class or module path.
         *
         * @return this
         */
        public Builder autoDetect() {
            this.autoDetect = true;
            return this;
        }

        private static Map<String, String> autoConfigure(LocalLlmConfig config) {
            List<AutoConfigurator> configurators = new ArrayList<>();
            ServiceLoader.load(AutoConfigurator.class).forEach(configurators::add);
            if (configurators.isEmpty()) {
                throw new BackendUnavailableException("autoDetect() found nothing to detect with; add a dependency"
                        + " on io.github.localllm:localllm-hardware, or configure the model and its settings"
                        + " explicitly");
            }
            Map<String, String> detected = new HashMap<>();
            for (AutoConfigurator configurator : configurators) {
                configurator.configure(config).forEach(detected::putIfAbsent);
            }
            LOG.debug("auto-detected {}", detected);
            return detected;
        }

        /**
         * Reads the lower configuration layers from somewhere other than this process, for tests.
         *
         * @param environment properties, variables and files to read
         * @return this
         */
        public Builder environment(ConfigEnvironment environment) {
            this.environment = environment;
            return this;
        }

        /**
         * Finds the engine, loads the model and returns a ready instance.
         *
         * @return the instance; close it to free the model
         * @throws InvalidRequestException if no model is configured
         * @throws BackendUnavailableException if no engine, or not the one asked for, is present
         */
        public LocalLlm build() {
            ConfigEnvironment env = environment == null ? ConfigEnvironment.system() : environment;
            LocalLlmConfig base = LocalLlmConfig.load(explicit, Map.of(), env);
            Map<String, String> detected = autoDetect ? autoConfigure(base) : Map.of();
            LocalLlmConfig config = base.withAutoDetected(detected);
            String modelText = config.get(ConfigKeys.MODEL).orElseThrow(() -> new InvalidRequestException(
                    "no model given; call model(Path.of(\"model.gguf\")) or model(\"qwen2.5:7b\") on the builder,"
                            + " or set LOCALLLM_MODEL or -Dlocalllm.model"));
            ModelRef modelRef = ModelRef.parse(modelText);
            EventBus events = new EventBus(listeners);
            List<InferenceBackendProvider> providers = providers();
            Optional<ModelResolution.Resolved> resolved = ModelResolution.resolve(modelRef, config, providers,
                    ModelResolution.resolvers(), events::publish);
            if (resolved.isPresent()) {
                Path file = resolved.get().file();
                modelRef = new ModelRef.File(file);
                if (autoDetect) {
                    // Planned again, now that there is a file to read the plan from.
                    Map<String, String> planned = new HashMap<>(detected);
                    planned.putAll(autoConfigure(base.withAutoDetected(detected).withResolvedModel(file,
                            resolved.get().how())));
                    config = base.withAutoDetected(planned);
                }
                config = config.withResolvedModel(file, resolved.get().how());
            }
            InferenceBackendProvider provider = EngineChoice.choose(providers, config, modelRef);
            // Only the portable settings travel in the request; engine-specific keys (batch.size,
            // mmap, kv.cache.type, ...) reach each engine through the configuration it is created with.
            LoadOptions options = LoadOptions.builder()
                    .contextSize(config.getInt(ConfigKeys.CONTEXT_SIZE).orElse(null))
                    .threads(config.getInt(ConfigKeys.THREADS).orElse(null))
                    .gpuLayers(config.getInt(ConfigKeys.GPU_LAYERS).orElse(null))
                    .keepAlive(config.getDuration(ConfigKeys.KEEP_ALIVE).orElse(null))
                    .build();
            InferenceBackend backend = provider.create(config);
            ModelInstance instance;
            try {
                instance = backend.load(new ModelLoadRequest(modelRef, options, events::publish));
            } catch (RuntimeException e) {
                backend.close();
                throw e;
            }
            LOG.info("loaded {} with {} in {} ms", instance.info().name(), provider.id(),
                    instance.info().loadTime().toMillis());
            events.publish(new ModelLoaded(Instant.now(), instance.info()));
            return new LocalLlm(config, backend, instance, events);
        }
    }
}
