package io.github.localllm.backend.ollama;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationException;
import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelLoadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.UnsupportedModelException;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.event.ModelPullProgress;
import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.http.NdjsonReader;
import io.github.localllm.schema.StructuredOutput;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.spi.ModelSummary;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A running Ollama server as an engine, through its native API (ollama/ollama docs/api.md). Made by
 * {@link OllamaBackendProvider}, or with {@link #create(LocalLlmConfig)}.
 *
 * <p>Loading a model ({@link #load}) asks {@code /api/show} for its capabilities, architecture,
 * trained context, parameter count and quantization, then makes it resident with a request without
 * input that carries the load options and {@code keep_alive}; every later request carries the same
 * options, so the server does not reload it with others. A model the server does not have is a
 * {@link ModelNotFoundException} saying how to pull it, unless {@link OllamaOptions#pullMissing()}
 * pulls it first, reporting progress to the load's listener.
 *
 * <p>Closing a loaded model does what {@link OllamaOptions#unloadOnClose()} says; by default it
 * unloads the model only if it was not in the server's memory before this engine loaded it and no
 * other instance of it from this engine is open, so a model the user's server already held stays.
 * {@link #unload(ModelRef)} unloads any model at once ({@code keep_alive: 0}).
 *
 * <p>Configuration: {@code ollama.url} / {@code OLLAMA_HOST}, timeouts, retries and an API key as
 * {@link OllamaSettings} reads them; {@link OllamaOptions} keys; and the portable keys that
 * {@link io.github.localllm.LocalLlm} passes as {@link LoadOptions}. Thread-safe.
 */
public final class OllamaBackend implements InferenceBackend {
    private static final Logger LOG = LoggerFactory.getLogger(OllamaBackend.class);
    /** What asks for every layer on the GPU: Ollama's own -1 means "as many as fit". */
    private static final int ALL_LAYERS = 999;
    /** Go's zero time, which Ollama writes for a model still loading, and expiries centuries away mean "never". */
    private static final Instant FAR_FUTURE = Instant.parse("2200-01-01T00:00:00Z");
    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private final OllamaSettings settings;
    private final HttpTransport transport;
    private final OllamaOptions configured;
    /** Instances this engine has open, by model: guarded by itself. */
    private final Map<String, Residency> open = new HashMap<>();
    private final AtomicBoolean warnedOld = new AtomicBoolean();
    private volatile ServerVersion version;
    private volatile HttpTransport quick;

    OllamaBackend(OllamaSettings settings, OllamaOptions configured) {
        this.settings = settings;
        this.transport = settings.transport();
        this.configured = Objects.requireNonNull(configured, "configured");
    }

    /**
     * @param config the configuration (address, timeouts, {@link OllamaOptions} keys)
     * @return an engine for the configured server; the server is contacted when the engine is used
     * @throws io.github.localllm.ConfigurationException if a setting is malformed
     */
    public static OllamaBackend create(LocalLlmConfig config) {
        return new OllamaBackendProvider().create(config);
    }

    /** @return the server's address */
    public URI baseUri() {
        return settings.baseUri();
    }

    @Override
    public BackendInfo info() {
        ServerVersion v = version;
        if (v == null) {
            try {
                v = serverVersion();
            } catch (LocalLlmException e) {
                LOG.debug("no version from {}: {}", where(), e.getMessage());
            }
        }
        return BackendInfo.builder(OllamaBackendProvider.ID).name("Ollama")
                .version(v == null ? "unknown" : v.text()).capabilities(OllamaBackendProvider.CAPABILITIES)
                .endpoint(settings.baseUri()).build();
    }

    /**
     * @return the server's version, as {@code GET /api/version} reports it
     * @throws BackendUnavailableException if the server does not answer
     */
    public String version() {
        return serverVersion().text();
    }

    /** Asks {@code GET /api/version} with one attempt and short waits; never throws. */
    @Override
    public EngineHealth health() {
        HttpTransport t = quick;
        if (t == null) {
            t = settings.probeTransport(Duration.ofSeconds(5));
            quick = t;
        }
        return OllamaBackendProvider.check(t, System.nanoTime());
    }

    @Override
    public ModelInstance load(ModelLoadRequest request) {
        String name = OllamaNames.require(request.model());
        LoadOptions portable = request.options();
        OllamaOptions options = portable.engineOptions(OllamaOptions.class).map(o -> o.orElse(configured))
                .orElse(configured);
        ShowInfo show = show(name, Boolean.TRUE.equals(options.pullMissing()), request.listener());
        ServerVersion server = serverVersion();
        boolean wasResident = residentContext(name).isPresent();

        Map<String, Object> wireOptions = new LinkedHashMap<>();
        putIf(wireOptions, "num_ctx", portable.contextSize());
        putIf(wireOptions, "num_gpu", portable.gpuLayers() == null ? null
                : portable.gpuLayers() == -1 ? ALL_LAYERS : portable.gpuLayers());
        putIf(wireOptions, "num_thread", portable.threads());
        options.wireOptions().forEach(wireOptions::putIfAbsent);
        RequestBodies bodies = new RequestBodies(name, wireOptions, KeepAlive.wire(portable.keepAlive()),
                transport.mapper());

        Duration loadTime = Duration.ZERO;
        // A request without input and keep_alive 0 is Ollama's unload: with a zero keep-alive every
        // request loads the model and lets it go, so there is nothing to load now.
        if (portable.keepAlive() == null || !portable.keepAlive().isZero()) {
            long started = System.nanoTime();
            JsonNode answer = makeResident(name, show, bodies);
            long reported = answer.path("load_duration").asLong(0);
            loadTime = Duration.ofNanos(reported > 0 ? reported : System.nanoTime() - started);
        }
        // The server may hold a context other than the one asked for: it clamps it to the trained one.
        // Servers before mid-2025 do not report it (0): then the one asked for is the best knowledge.
        int reported = residentContext(name).orElse(0);
        int context = reported > 0 ? reported : portable.contextSize() == null ? -1 : portable.contextSize();
        LoadOptions effective = portable.toBuilder().contextSize(context > 0 ? context : null)
                .engineOptions(options).build();
        ModelInfo info = ModelInfo.builder(name, OllamaBackendProvider.ID).architecture(show.architecture())
                .parameterCount(show.parameterCount()).quantization(show.quantization())
                .trainedContextLength(show.contextLength()).embeddingLength(show.embeddingLength())
                .options(effective).loadTime(loadTime)
                .capabilities(show.engineCapabilities().toBuilder()
                        .logprobs(!server.isBefore(ServerVersion.REPORTS_LOGPROBS)).build())
                .build();
        OllamaOptions.UnloadOnClose policy = options.unloadOnClose() == null
                ? OllamaOptions.UnloadOnClose.IF_LOADED_HERE : options.unloadOnClose();
        OllamaInstance instance = new OllamaInstance(this, name, info, show, bodies, context, server, policy);
        synchronized (open) {
            open.computeIfAbsent(name, n -> new Residency(!wasResident)).count++;
        }
        LOG.debug("{} resident on {} in {} ms (context {}, was loaded before: {})", name, where(),
                loadTime.toMillis(), context, wasResident);
        return StructuredOutput.enforce(instance);
    }

    /** {@code /api/show}, pulling the model first if it is missing and pulling was asked for. */
    private ShowInfo show(String name, boolean pullMissing, LocalLlmEventListener listener) {
        HttpCall call = HttpCall.post("/api/show", Map.of("model", name)).idempotent()
                .forModel(name, OllamaErrors.pullHint(name));
        try {
            return ShowInfo.of(transport.json(call));
        } catch (ModelNotFoundException e) {
            if (!pullMissing) {
                throw e;
            }
            LOG.info("{} is not on {}; pulling it ({}=true)", name, where(), OllamaOptions.PULL_KEY);
            pull(name, listener);
            return ShowInfo.of(transport.json(call));
        }
    }

    private JsonNode makeResident(String name, ShowInfo show, RequestBodies bodies) {
        String path = show.embeddingOnly() ? "/api/embed" : "/api/generate";
        try {
            return transport.json(HttpCall.post(path, bodies.load(show.embeddingOnly())).idempotent()
                    .forModel(name, OllamaErrors.pullHint(name)));
        } catch (ModelNotFoundException | BackendUnavailableException e) {
            throw e;
        } catch (LocalLlmException e) {
            String message = String.valueOf(e.getMessage());
            String lower = message.toLowerCase(Locale.ROOT);
            String what = "Ollama could not load " + name + " (" + message + ")";
            if (lower.contains("memory") || lower.contains("insufficient")) {
                throw new InsufficientResourcesException(what + "; load it with a smaller context size or fewer GPU"
                        + " layers, close other models (see loadedModels()), or use a smaller quantization", e);
            }
            if (lower.contains("unsupported") || lower.contains("unknown model architecture")) {
                throw new UnsupportedModelException(what + "; this Ollama version cannot run the model's"
                        + " architecture (" + show.architecture() + "): update Ollama", e);
            }
            throw new ModelLoadException(what + "; check the server's log", e);
        }
    }

    /** @return the context size the server reports for the model in memory, if it is loaded */
    private Optional<Integer> residentContext(String name) {
        String wanted = canonical(name);
        for (JsonNode m : transport.getJson("/api/ps").path("models")) {
            if (wanted.equals(canonical(m.path("name").asString(""))) || wanted.equals(canonical(m.path("model")
                    .asString("")))) {
                int context = m.path("context_length").asInt(0);
                return Optional.of(context);
            }
        }
        return Optional.empty();
    }

    /** Called by an instance when it is closed; unloads the model when its policy says so. */
    void closed(OllamaInstance instance) {
        boolean unload;
        synchronized (open) {
            Residency r = open.get(instance.name());
            if (r == null) {
                return;
            }
            r.count--;
            if (r.count > 0) {
                return;
            }
            open.remove(instance.name());
            unload = instance.unloadOnClose() == OllamaOptions.UnloadOnClose.ALWAYS
                    || instance.unloadOnClose() == OllamaOptions.UnloadOnClose.IF_LOADED_HERE && r.loadedHere;
        }
        if (unload) {
            try {
                unload(instance.name());
            } catch (LocalLlmException e) {
                // Closing must not fail: the server unloads the model when its keep-alive runs out anyway.
                LOG.warn("could not unload {} from {}: {}", instance.name(), where(), e.getMessage());
            }
        }
    }

    /**
     * Unloads a model from the server's memory at once ({@code keep_alive: 0}), whoever loaded it;
     * instances of it stay usable and load it again on their next request.
     *
     * @param model the model
     * @throws ModelNotFoundException if the server has no such model
     * @throws BackendUnavailableException if the server does not answer
     */
    public void unload(ModelRef model) {
        unload(OllamaNames.require(model));
    }

    private void unload(String name) {
        // The unload check comes before the capability checks (server/routes.go GenerateHandler),
        // so /api/generate unloads embedding models too.
        transport.json(HttpCall.post("/api/generate", RequestBodies.unload(name)).idempotent()
                .forModel(name, OllamaErrors.pullHint(name)));
        LOG.debug("unloaded {} from {}", name, where());
    }

    /** {@code GET /api/tags}, each model marked loaded if {@code GET /api/ps} lists it. */
    @Override
    public List<ModelSummary> models() {
        JsonNode tags = transport.getJson("/api/tags");
        Set<String> loaded = new HashSet<>();
        for (JsonNode m : transport.getJson("/api/ps").path("models")) {
            loaded.add(canonical(m.path("name").asString("")));
        }
        List<ModelSummary> out = new ArrayList<>();
        for (JsonNode m : tags.path("models")) {
            String name = m.path("name").asString(m.path("model").asString(""));
            if (name.isBlank()) {
                continue;
            }
            JsonNode details = m.path("details");
            String digest = m.path("digest").asString("");
            out.add(ModelSummary.builder(ModelRef.name(name)).sizeBytes(m.path("size").asLong(-1))
                    .architecture(details.path("family").asString(""))
                    .parameterSize(details.path("parameter_size").asString(""))
                    .quantization(details.path("quantization_level").asString(""))
                    .contextLength(details.path("context_length").asInt(-1))
                    .modifiedAt(instant(m.path("modified_at")))
                    .digest(digest.isEmpty() || digest.contains(":") ? digest : "sha256:" + digest)
                    .loaded(loaded.contains(canonical(name))).build());
        }
        return out;
    }

    /** {@code GET /api/ps}: the models in memory, with their size, the part in GPU memory and expiry. */
    @Override
    public List<LoadedModel> loadedModels() {
        List<LoadedModel> out = new ArrayList<>();
        for (JsonNode m : transport.getJson("/api/ps").path("models")) {
            String name = m.path("name").asString(m.path("model").asString(""));
            if (name.isBlank()) {
                continue;
            }
            int context = m.path("context_length").asInt(0);
            Instant expires = instant(m.path("expires_at"));
            boolean never = expires == null || expires.isAfter(FAR_FUTURE) || expires.equals(GO_ZERO_TIME);
            out.add(LoadedModel.builder(ModelRef.name(name)).memoryBytes(m.path("size").asLong(-1))
                    .gpuMemoryBytes(m.path("size_vram").asLong(-1)).contextSize(context > 0 ? context : -1)
                    .expiresAt(never ? null : expires).build());
        }
        return out;
    }

    /**
     * Pulls a model ({@code POST /api/pull}), reporting each progress line as a
     * {@link ModelPullProgress}. A Hugging Face file is pulled as {@code hf.co/owner/repo:QUANT}.
     *
     * @throws ModelNotFoundException if neither the Ollama library nor the registry named has it
     * @throws ModelDownloadException if the pull fails on the way
     */
    @Override
    public ModelSummary pull(ModelRef model, LocalLlmEventListener listener) {
        String name = OllamaNames.require(model);
        pull(name, listener == null ? e -> { } : listener);
        String wanted = canonical(name);
        return models().stream().filter(m -> canonical(m.name()).equals(wanted)).findFirst()
                .orElseGet(() -> ModelSummary.builder(ModelRef.name(name)).build());
    }

    private void pull(String name, LocalLlmEventListener listener) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", name);
        body.put("stream", true);
        try (HttpStream answer = transport.stream(HttpCall.post("/api/pull", body).idempotent());
             NdjsonReader<PullLine> lines = answer.ndjson(PullLine.class, b -> b.until(PullLine::success))) {
            for (PullLine line = lines.next(); line != null; line = lines.next()) {
                if (line.error != null && !line.error.isBlank()) {
                    throw pullFailure(name, line.error);
                }
                String status = line.status == null ? "" : line.status;
                listener.onEvent(new ModelPullProgress(Instant.now(), OllamaBackendProvider.ID, name, status,
                        line.total > 0 ? Math.max(0, line.completed) : -1, line.total > 0 ? line.total : -1));
            }
        } catch (ModelNotFoundException | ModelDownloadException | BackendUnavailableException e) {
            throw e;
        } catch (GenerationException e) {
            // A stalled, cut or garbled progress stream: the layers already fetched are kept by the server.
            throw new ModelDownloadException("pulling " + name + " from " + where() + " stopped (" + e.getMessage()
                    + "); pull again: Ollama resumes from the layers it already has", e);
        }
        LOG.info("pulled {} on {}", name, where());
    }

    private LocalLlmException pullFailure(String name, String error) {
        String lower = error.toLowerCase(Locale.ROOT);
        if (lower.contains("file does not exist") || lower.contains("not found") || lower.contains("manifest unknown")) {
            return new ModelNotFoundException("Ollama at " + settings.baseUri() + " could not find " + name + " to pull ("
                    + error + "); check the name at https://ollama.com/library, or for a Hugging Face model use"
                    + " hf.co/owner/repo:QUANT with a quantization the repository has");
        }
        return new ModelDownloadException("pulling " + name + " on " + where() + " failed (" + error + "); check the"
                + " server's network and disk space, then pull again");
    }

    /**
     * Deletes a model from the server's storage ({@code DELETE /api/delete}).
     *
     * @throws ModelNotFoundException if the server has no such model
     */
    @Override
    public void delete(ModelRef model) {
        String name = OllamaNames.require(model);
        transport.send(HttpCall.delete("/api/delete", Map.of("model", name)).forModel(name,
                "list the installed models with models()"));
        LOG.info("deleted {} from {}", name, where());
    }

    /**
     * Copies a model under a new name ({@code POST /api/copy}), sharing its files.
     *
     * @param source the model to copy
     * @param destination the new name, e.g. {@code my-model:latest}
     * @throws ModelNotFoundException if the server has no such source model
     * @throws InvalidRequestException if the new name is not one Ollama accepts
     */
    public void copy(ModelRef source, String destination) {
        String name = OllamaNames.require(source);
        String target = ((ModelRef.Name) ModelRef.name(destination)).name();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", name);
        body.put("destination", target);
        transport.send(HttpCall.post("/api/copy", body).idempotent().forModel(name, "list the installed models with"
                + " models()"));
        LOG.info("copied {} to {} on {}", name, target, where());
    }

    /** Nothing to release: the HTTP client's threads are daemons that end when idle. */
    @Override
    public void close() {
        LOG.debug("closed the engine for {}", where());
    }

    HttpTransport transport() {
        return transport;
    }

    String where() {
        return "Ollama at " + settings.baseUri();
    }

    private ServerVersion serverVersion() {
        ServerVersion v = version;
        if (v != null) {
            return v;
        }
        JsonNode answer = transport.getJson("/api/version");
        v = ServerVersion.parse(answer.path("version").asString(""));
        version = v;
        if (v.isBefore(ServerVersion.REFUSES_OVERLONG_PROMPTS) && warnedOld.compareAndSet(false, true)) {
            LOG.warn("{} is version {}: servers before {} silently drop the oldest chat messages that do not fit in"
                    + " the context, which no client can detect, and cut long prompts (detected when the whole context"
                    + " was evaluated); update Ollama to have every overlong prompt refused",
                    where(), v.text(), ServerVersion.REFUSES_OVERLONG_PROMPTS.text());
        }
        return v;
    }

    /** Ollama's names without a tag mean {@code :latest}; a registry host's port is not a tag. */
    static String canonical(String name) {
        int slash = name.lastIndexOf('/');
        return name.indexOf(':', slash + 1) >= 0 ? name : name + ":latest";
    }

    private static Instant instant(JsonNode node) {
        if (node == null || !node.isString()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.stringValue()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void putIf(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** How many instances of a model this engine has open, and whether it put the model in memory. */
    private static final class Residency {
        private final boolean loadedHere;
        private int count;

        private Residency(boolean loadedHere) {
            this.loadedHere = loadedHere;
        }
    }

    @Override
    public String toString() {
        return "OllamaBackend[" + settings.baseUri() + "]";
    }
}
