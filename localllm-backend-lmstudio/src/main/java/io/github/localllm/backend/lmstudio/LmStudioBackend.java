package io.github.localllm.backend.lmstudio;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelLoadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.openai.OpenAiBackend;
import io.github.localllm.backend.openai.ServerDialect;
import io.github.localllm.http.AuthenticationException;
import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.http.ServerBusyException;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.spi.ModelSummary;
import io.github.localllm.LoadOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * LM Studio as an engine, on the three APIs its server offers (lmstudio/NOTES.md):
 *
 * <ul>
 *   <li>its OpenAI-compatible {@code /v1} for generation and embeddings, through
 *       {@link OpenAiBackend}: {@code stream} streams {@code /v1/chat/completions};</li>
 *   <li>its REST API v0 for whole answers with their {@code stats} ({@code generate} asks
 *       {@code /api/v0/chat/completions}, so the metrics are LM Studio's own: tokens per second and
 *       time to the first token) and for the model list, with each model's state, type, architecture,
 *       quantization and context lengths ({@code /api/v0/models});</li>
 *   <li>its REST API v1 (LM Studio 0.4 and newer) to load a model with a context size
 *       ({@code /api/v1/models/load}) and unload it ({@code /api/v1/models/unload}).</li>
 * </ul>
 *
 * <p>{@link #load} reuses a model LM Studio has loaded with the context asked for (or any, when none
 * is asked), and loads it otherwise; a model this engine loaded is unloaded when it is closed. An
 * older LM Studio without the v1 API loads a model on its first request (its "just in time" loading),
 * with the context set in the app. Thread-safe.
 */
public final class LmStudioBackend implements InferenceBackend {
    private static final Logger LOG = LoggerFactory.getLogger(LmStudioBackend.class);
    /** LM Studio's server when started from the app or with {@code lms server start}. */
    public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:1234");
    static final String NAME = "LM Studio";
    private static final String MODELS = "/api/v0/models";
    private static final int LISTED_IN_MESSAGES = 20;

    /** What LM Studio's models can be asked for (no log probabilities: it ignores the fields); each model says more (images for vision models, tools). */
    static final EngineCapabilities CAPABILITIES = OpenAiBackend.CAPABILITIES.toBuilder()
            .loadOptions(LoadOptions.Field.CONTEXT_SIZE).logprobs(false).build();

    private final String id;
    private final URI root;
    private final OpenAiBackend openai;
    private final HttpTransport transport;

    private LmStudioBackend(Builder b) {
        this.id = b.id;
        this.root = b.root;
        this.openai = OpenAiBackend.builder(URI.create(b.root + "/v1"))
                .id(b.id).serverName(NAME).dialect(ServerDialect.LM_STUDIO)
                .unavailableHint("is LM Studio's server running? start it in the app's Developer tab or with"
                        + " `lms server start`; it listens on port 1234 unless set otherwise")
                .modelHint("download it in LM Studio or with `lms get <model>`")
                .apiKey(b.apiKey)
                .connectTimeout(b.connectTimeout).firstByteTimeout(b.firstByteTimeout).idleTimeout(b.idleTimeout)
                .healthTimeout(b.healthTimeout).retryPolicy(b.retryPolicy)
                .healthPath(MODELS)
                .completeAnswers("/api/v0/chat/completions", LmStudioStats::read)
                .build();
        this.transport = openai.transport();
    }

    /**
     * @param root LM Studio's server, such as {@link #DEFAULT_URL}; without {@code /v1}
     * @return a builder with no key and the transport's default timeouts
     */
    public static Builder builder(URI root) {
        return new Builder(root);
    }

    @Override
    public BackendInfo info() {
        return BackendInfo.builder(id).name(NAME).capabilities(CAPABILITIES).endpoint(root).build();
    }

    /**
     * @throws ModelNotFoundException if LM Studio does not have the model, naming those it has
     * @throws InvalidRequestException for a reference that is not a name, or a context longer than the model takes
     * @throws ModelLoadException if LM Studio cannot load the model with the context asked for
     */
    @Override
    public ModelInstance load(ModelLoadRequest request) {
        if (!(request.model() instanceof ModelRef.Name ref)) {
            throw new InvalidRequestException(NAME + " loads models by name (the ids of GET " + root + MODELS + "), but"
                    + " was given " + request.model().text() + "; pass ModelRef.name(...)");
        }
        long start = System.nanoTime();
        LmStudioModel model = find(ref.name(), list());
        Integer asked = request.options().contextSize();
        if (asked != null && model.maxContext() > 0 && asked > model.maxContext()) {
            throw new InvalidRequestException("context size " + asked + " exceeds the " + model.maxContext()
                    + " tokens " + model.id() + " takes; ask for at most " + model.maxContext());
        }
        if (model.loaded() && (asked == null || asked == model.loadedContext())) {
            LOG.debug("{} has {} loaded with a context of {}", NAME, model.id(), model.loadedContext());
            return openai.instance(model.info(model.id(), id, model.loadedContext(),
                    Duration.ofNanos(System.nanoTime() - start)), () -> { });
        }
        Optional<JsonNode> loaded = loadThroughRest(model, asked);
        if (loaded.isEmpty()) {
            return openai.instance(model.info(model.id(), id, -1, Duration.ofNanos(System.nanoTime() - start)), () -> { });
        }
        JsonNode answer = loaded.get();
        String instance = answer.path("instance_id").asString(model.id());
        int context = answer.path("load_config").path("context_length").asInt(asked != null ? asked : -1);
        double seconds = answer.path("load_time_seconds").asDouble(-1);
        Duration loadTime = seconds >= 0 ? Duration.ofNanos((long) (seconds * 1e9)) : Duration.ofNanos(System.nanoTime() - start);
        LOG.debug("{} loaded {} as {} with a context of {} in {}", NAME, model.id(), instance, context, loadTime);
        return openai.instance(model.info(instance, id, context, loadTime), () -> unloadQuietly(instance));
    }

    /** @return the answer of {@code POST /api/v1/models/load}; empty when this LM Studio has no such route and nothing forces it */
    private Optional<JsonNode> loadThroughRest(LmStudioModel model, Integer context) {
        ObjectNode body = transport.mapper().createObjectNode().put("model", model.id()).put("echo_load_config", true);
        if (context != null) {
            body.put("context_length", context);
        }
        try {
            return Optional.of(transport.json(HttpCall.post("/api/v1/models/load", body)
                    .forModel(model.id(), "download it in LM Studio or with `lms get " + model.id() + "`")));
        } catch (AuthenticationException | ServerBusyException e) {
            throw e;
        } catch (BackendUnavailableException e) {
            // LM Studio before 0.4 answers "Unexpected endpoint": it loads the model on the first request instead.
            if (context == null) {
                LOG.info("{} cannot load models through its REST API ({}); {} loads on its first request", NAME,
                        e.getMessage(), model.id());
                return Optional.empty();
            }
            throw new ModelLoadException(NAME + " at " + root + " cannot load " + model.id() + " with a context of "
                    + context + " tokens: its REST API has no load route (" + e.getMessage() + "); it needs LM Studio"
                    + " 0.4 or newer. Update it, or load the model in the app with that context and leave the context"
                    + " size unset", e);
        }
    }

    /**
     * Unloads a model instance, as {@code lms unload} does.
     *
     * @param instanceId the instance's id, as {@link #loadedModels()} and a loaded model's {@code info().name()} give it
     * @throws ModelNotFoundException if LM Studio has no such instance loaded
     */
    public void unload(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        ObjectNode body = transport.mapper().createObjectNode().put("instance_id", instanceId);
        transport.json(HttpCall.post("/api/v1/models/unload", body).forModel(instanceId, "it may be unloaded already"));
    }

    private void unloadQuietly(String instance) {
        try {
            unload(instance);
        } catch (LocalLlmException e) {
            LOG.warn("{} could not unload {}: {}", NAME, instance, e.getMessage());
        }
    }

    /** @return every model LM Studio has downloaded, with its state, and its size where LM Studio 0.4's list says it */
    @Override
    public List<ModelSummary> models() {
        List<LmStudioModel> models = list();
        Map<String, JsonNode> details = details();
        Map<String, ModelSummary> out = new LinkedHashMap<>();
        for (LmStudioModel m : models) {
            ModelSummary.Builder b = m.summary();
            JsonNode d = details.get(m.id());
            if (d != null) {
                b.sizeBytes(d.path("size_bytes").asLong(-1)).parameterSize(d.path("params_string").asString(""));
            }
            // LM Studio may list a model twice, loaded and not: the loaded entry wins.
            out.merge(m.id(), b.build(), (a, c) -> a.loaded() ? a : c);
        }
        return new ArrayList<>(out.values());
    }

    /** LM Studio 0.4's {@code /api/v1/models} adds sizes and parameter counts; older ones do without. */
    private Map<String, JsonNode> details() {
        Map<String, JsonNode> byKey = new HashMap<>();
        try {
            for (JsonNode m : transport.getJson("/api/v1/models").path("models")) {
                byKey.put(m.path("key").asString(""), m);
            }
        } catch (LocalLlmException e) {
            LOG.debug("{} has no /api/v1/models ({}); listing without sizes", NAME, e.getMessage());
        }
        return byKey;
    }

    @Override
    public List<LoadedModel> loadedModels() {
        return list().stream().filter(LmStudioModel::loaded).map(LmStudioModel::asLoaded).collect(Collectors.toList());
    }

    /** Asks {@code GET /api/v0/models} with the health timeout; never throws. */
    @Override
    public EngineHealth health() {
        return openai.health();
    }

    private List<LmStudioModel> list() {
        return LmStudioModel.list(transport.getJson(MODELS));
    }

    private LmStudioModel find(String name, List<LmStudioModel> models) {
        LmStudioModel found = null;
        for (LmStudioModel m : models) {
            if (m.id().equals(name) && (found == null || m.loaded())) {
                found = m;
            }
        }
        if (found != null) {
            return found;
        }
        List<String> ids = models.stream().map(LmStudioModel::id).distinct().collect(Collectors.toList());
        String list = ids.isEmpty() ? "none"
                : String.join(", ", ids.subList(0, Math.min(ids.size(), LISTED_IN_MESSAGES)))
                + (ids.size() > LISTED_IN_MESSAGES ? " and " + (ids.size() - LISTED_IN_MESSAGES) + " more" : "");
        throw new ModelNotFoundException("model '" + name + "' is not among the models " + NAME + " at " + root
                + " has: " + list + "; download it in LM Studio or with `lms get " + name + "`");
    }

    /** @return the OpenAI-compatible engine this one generates through */
    public OpenAiBackend openAi() {
        return openai;
    }

    /** Nothing to release: models close themselves, and unload what this engine loaded. */
    @Override
    public void close() {
        // Models own their requests and their unloading.
    }

    @Override
    public String toString() {
        return "LmStudioBackend[" + root + "]";
    }

    /** Settings of an {@link LmStudioBackend}. */
    public static final class Builder {
        private final URI root;
        private String id = LmStudioBackendProvider.ID;
        private String apiKey;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration firstByteTimeout = Duration.ofMinutes(5);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration healthTimeout = Duration.ofSeconds(5);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();

        private Builder(URI root) {
            Objects.requireNonNull(root, "root");
            String s = root.toString();
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            this.root = URI.create(s);
        }

        /** @param v the engine id models report, {@code lmstudio} by default @return this */
        public Builder id(String v) {
            id = Objects.requireNonNull(v, "id");
            return this;
        }

        /** @param v LM Studio's API token (when its server requires one), or {@code null} @return this */
        public Builder apiKey(String v) {
            apiKey = v;
            return this;
        }

        /** @param v the longest wait for a connection @return this */
        public Builder connectTimeout(Duration v) {
            connectTimeout = Objects.requireNonNull(v, "connectTimeout");
            return this;
        }

        /** @param v the longest wait for the first byte of an answer, a model's loading included @return this */
        public Builder firstByteTimeout(Duration v) {
            firstByteTimeout = Objects.requireNonNull(v, "firstByteTimeout");
            return this;
        }

        /** @param v the longest silence in the middle of an answer @return this */
        public Builder idleTimeout(Duration v) {
            idleTimeout = Objects.requireNonNull(v, "idleTimeout");
            return this;
        }

        /** @param v the most {@link LmStudioBackend#health()} waits @return this */
        public Builder healthTimeout(Duration v) {
            healthTimeout = Objects.requireNonNull(v, "healthTimeout");
            return this;
        }

        /** @param v how requests that may be repeated are retried @return this */
        public Builder retryPolicy(RetryPolicy v) {
            retryPolicy = Objects.requireNonNull(v, "retryPolicy");
            return this;
        }

        /** @return the backend @throws IllegalArgumentException if the address is not an http(s) address */
        public LmStudioBackend build() {
            return new LmStudioBackend(this);
        }
    }
}
