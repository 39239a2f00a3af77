package io.github.localllm.backend.llamaserver;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.llamaserver.internal.LoadStages;
import io.github.localllm.backend.llamaserver.internal.RestartPolicy;
import io.github.localllm.backend.llamaserver.internal.ServerBinary;
import io.github.localllm.backend.llamaserver.internal.ServerLaunch;
import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import io.github.localllm.backend.llamaserver.internal.ServerRecords;
import io.github.localllm.backend.openai.OpenAiBackend;
import io.github.localllm.backend.openai.ServerDialect;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.LlamaCppBuild;
import io.github.localllm.gguf.LoadSettings;
import io.github.localllm.gguf.MemoryModel;
import io.github.localllm.gguf.ModelMetadata;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelLoadRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The managed llama-server engine: each {@link #load} starts a {@code llama-server} for the file (one
 * process per loaded model, so that closing a model returns all of its memory to the system, and a
 * crash takes down one model only), waits until it is ready, and returns a model that talks to it
 * through the OpenAI-compatible engine and supervises it ({@link ManagedModel}). Closing the engine
 * leaves loaded models running until they are closed; the JVM's exit stops them all.
 */
final class LlamaServerBackend implements InferenceBackend {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaServerBackend.class);
    private static final RetryPolicy RETRIES = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20),
            Duration.ZERO);

    private final ServerBinary binary;
    private final Settings settings;
    private final LlamaServerOptions configured;
    private final Set<ManagedModel> loaded = ConcurrentHashMap.newKeySet();

    /** What the provider reads from the configuration. */
    record Settings(Duration loadTimeout, Duration stopGrace, Path stateDir, RestartPolicy restarts,
                    io.github.localllm.backend.llamaserver.internal.PortChooser ports, MemoryBudget budget) {
    }

    private final Residency residency;

    LlamaServerBackend(ServerBinary binary, Settings settings, LlamaServerOptions configured) {
        this(binary, settings, configured, Residency.JVM);
    }

    /** @param residency the models sharing the memory: the JVM's, or a test's own */
    LlamaServerBackend(ServerBinary binary, Settings settings, LlamaServerOptions configured, Residency residency) {
        this.binary = binary;
        this.settings = settings;
        this.configured = configured;
        this.residency = residency;
    }

    /**
     * @return the build, and the architectures it loads; no endpoint, as each loaded model has a server of
     *         its own
     */
    @Override
    public BackendInfo info() {
        return BackendInfo.builder(LlamaServerBackendProvider.ID).name("llama-server " + binary.buildName())
                .version(binary.version()).capabilities(LlamaServerBackendProvider.capabilitiesOf(binary.build())).build();
    }

    /**
     * Starts a server for the file and waits until it serves.
     *
     * @throws InvalidRequestException for a reference that is not a file, or options the server would refuse
     * @throws io.github.localllm.ModelNotFoundException if the file does not exist
     * @throws io.github.localllm.InvalidModelFileException if it is not a valid GGUF file
     * @throws io.github.localllm.UnsupportedModelException if this build does not know its architecture
     * @throws io.github.localllm.ModelLoadException if the server fails to load it or takes too long
     */
    @Override
    public ModelInstance load(ModelLoadRequest request) {
        if (!(request.model() instanceof ModelRef.File ref)) {
            throw new InvalidRequestException("llama-server loads GGUF files, but was given " + request.model().text()
                    + "; pass ModelRef.file(path), or use the engine of the server that knows that name");
        }
        Path file = ref.path().toAbsolutePath();
        // Checked in Java first: a missing or truncated file is reported as such, without starting anything.
        GgufFile gguf = GgufFile.read(file);
        LoadOptions options = request.options();
        LlamaServerOptions server = options.engineOptions(LlamaServerOptions.class).orElse(LlamaServerOptions.builder()
                .build()).orElse(configured);
        String alias = alias(file);
        ServerLaunch launch = new ServerLaunch(binary, file, alias, ServerArguments.of(options, server, binary.build()),
                settings.loadTimeout(), settings.stopGrace(), settings.stateDir(), settings.ports());
        int reaped = ServerRecords.reap(settings.stateDir(), settings.stopGrace());
        if (reaped > 0) {
            LOG.info("stopped {} llama-server(s) left running by JVMs that were killed", reaped);
        }
        long start = System.nanoTime();
        // Room first: a model that does not fit beside the loaded ones unloads the least recently used, or fails.
        Residency.Reservation place = residency.admit(alias, estimate(file, gguf, options, server), settings.budget(),
                request.listener());
        ManagedModel model;
        try {
            ManagedModel.Connector connector = this::connect;
            LoadStages stages = new LoadStages(LlamaServerBackendProvider.ID, alias, request.listener());
            stages.starting();
            ManagedModel.Serving first;
            try {
                first = ManagedModel.start(launch, connector, s -> { }, stages);
            } catch (RuntimeException | Error e) {
                stages.finish();
                throw e;
            }
            stages.ready();
            ModelInfo info = info(alias, gguf.model(), options, server, first.model().info(),
                    Duration.ofNanos(System.nanoTime() - start));
            ManagedModel[] self = new ManagedModel[1];
            model = new ManagedModel(launch, settings.restarts(), connector, first, info, () -> {
                loaded.remove(self[0]);
                place.release();
            });
            self[0] = model;
        } catch (RuntimeException | Error e) {
            place.release();
            throw e;
        }
        loaded.add(model);
        place.attach(model);
        LOG.debug("{} loaded by {} in {} ms", alias, model, model.info().loadTime().toMillis());
        return model;
    }

    /**
     * @return the memory the server is expected to take for the file with these options, as the fit
     *     planner's memory model reckons it for this build; the file's size where the model cannot
     */
    long estimate(Path file, GgufFile gguf, LoadOptions options, LlamaServerOptions server) {
        try {
            MemoryModel memory = MemoryModel.of(gguf);
            // As the server sizes it: the context asked for in each slot, else the model's trained one.
            long trained = memory.trainedContextLength().orElse(4096);
            int context = options.contextSize() != null ? options.contextSize() : (int) Math.min(trained, 1 << 20);
            int slots = server.parallel() != null ? server.parallel() : 1;
            LoadSettings.Builder b = LoadSettings.builder(context).parallel(slots)
                    .gpuLayers(options.gpuLayers() == null ? 0 : Math.max(0, options.gpuLayers() == -1
                            ? memory.blockCount() + 1 : options.gpuLayers()))
                    .flashAttention(server.flashAttention() == null || server.flashAttention())
                    .engineBuild(LlamaCppBuild.of(binary.build()));
            if (server.kvCacheType() != null) {
                b.cacheType(server.kvCacheType());
            }
            if (server.batchSize() != null) {
                b.batchSize(server.batchSize());
            }
            return memory.estimate(b.build()).totalBytes();
        } catch (RuntimeException e) {
            LOG.debug("no memory estimate for {}; counting its file size: {}", file, e.toString());
            try {
                return Files.size(file);
            } catch (java.io.IOException io) {
                return 0;
            }
        }
    }

    /** @return the model's name in the server's API: the file name without {@code .gguf} */
    private static String alias(Path file) {
        String name = file.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    /** Connects the OpenAI-compatible engine to a ready server; its key authenticates every request. */
    private ModelInstance connect(ServerProcess server) {
        OpenAiBackend api = OpenAiBackend.builder(URI.create(server.root() + "/v1"))
                .id(LlamaServerBackendProvider.ID)
                .serverName("llama-server " + binary.buildName())
                .dialect(ServerDialect.LLAMA_CPP)
                .apiKey(server.apiKey())
                .unavailableHint("this SDK started that llama-server (pid " + server.pid() + ") and restarts it"
                        + " if it crashes; retry the request")
                .modelHint("load the file again")
                // A second attempt, at once, for what a live server may cause: a connection it closed while
                // idle just as a request went out on it. A server that does not answer has crashed: waiting
                // longer only delays saying so.
                .retryPolicy(RETRIES)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return api.load(new ModelLoadRequest(ModelRef.name(server.launch().alias()), LoadOptions.defaults()));
    }

    private static ModelInfo info(String alias, ModelMetadata gguf, LoadOptions asked, LlamaServerOptions server,
                                  ModelInfo served, Duration loadTime) {
        Integer context = served.options().contextSize() != null ? served.options().contextSize() : asked.contextSize();
        LoadOptions resolved = asked.toBuilder().contextSize(context).engineOptions(server).build();
        // Embeddings only from a server started for them: the probe alone would not tell a server
        // that embeds by default in some future build from one asked to.
        EngineCapabilities caps = served.capabilities().toBuilder()
                .embeddings(server.embedsText() && served.capabilities().embeddings())
                .loadOptions(LoadOptions.Field.CONTEXT_SIZE, LoadOptions.Field.GPU_LAYERS, LoadOptions.Field.THREADS)
                .build();
        return ModelInfo.builder(alias, LlamaServerBackendProvider.ID)
                .architecture(gguf.architecture().orElse("unknown"))
                .parameterCount(gguf.parameterCount() > 0 ? gguf.parameterCount() : served.parameterCount())
                .quantization(gguf.quantizationName().orElse(served.quantization()))
                .trainedContextLength((int) gguf.contextLength().orElse(served.trainedContextLength()))
                .embeddingLength((int) gguf.embeddingLength().orElse(served.embeddingLength()))
                .options(resolved)
                .loadTime(loadTime)
                .capabilities(caps)
                .chatTemplate(served.chatTemplate())
                .build();
    }

    /** @return the models this engine loaded and has not closed, each with its server's resident memory where known */
    @Override
    public List<LoadedModel> loadedModels() {
        List<LoadedModel> out = new ArrayList<>();
        for (ManagedModel m : loaded) {
            LoadedModel.Builder b = LoadedModel.builder(ModelRef.file(m.file()));
            Integer context = m.info().options().contextSize();
            if (context != null) {
                b.contextSize(context);
            }
            m.server().ifPresent(s -> b.memoryBytes(ResidentMemory.of(s.pid())));
            out.add(b.build());
        }
        return out;
    }

    /** @return up, with the build, when the binary still answers as it did; never throws */
    @Override
    public EngineHealth health() {
        long start = System.nanoTime();
        if (!Files.isExecutable(binary.path())) {
            return EngineHealth.down(binary.path() + " is gone or no longer executable",
                    Duration.ofNanos(System.nanoTime() - start));
        }
        return EngineHealth.up(binary.version(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** @return the models loaded now, for tests */
    List<ManagedModel> managed() {
        return new ArrayList<>(loaded);
    }

    /** Nothing of its own to release: each loaded model stops its server when closed, or when the JVM exits. */
    @Override
    public void close() {
        if (!loaded.isEmpty()) {
            LOG.debug("llama-server engine closed with {} model(s) still loaded; they run until closed", loaded.size());
        }
    }

    @Override
    public String toString() {
        return "LlamaServerBackend[" + binary.version() + " at " + binary.path() + "]";
    }
}
