package io.github.localllm.backend.openai;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.ResponseFormat;
import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.http.ServerBusyException;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.schema.StructuredOutput;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.spi.ModelSummary;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * An OpenAI-compatible server as an engine: llama.cpp's {@code llama-server}, vLLM, LocalAI, LM
 * Studio, Ollama's {@code /v1}, or the OpenAI API itself; the same code serves them all, and tells
 * them apart ({@link ServerDialect}) only where they differ.
 *
 * <ul>
 *   <li>{@link #load} checks the model is among those {@code GET /v1/models} lists (a
 *       {@link ModelNotFoundException} lists those it serves) and reads what the server says of it;
 *       from llama.cpp also {@code GET /props}: the context each request gets, the build, vision.
 *       A server loads its models itself, so the load options are not sent anywhere: a context
 *       larger than the server gives is refused. Whether a llama-server embeds is asked with one token:
 *       nothing else tells.</li>
 *   <li>Generation streams {@code POST /v1/chat/completions} (a raw prompt: {@code /v1/completions})
 *       as server-sent events up to {@code data: [DONE]}, with usage from the usage chunk.</li>
 *   <li>Every model it returns checks JSON answers against their schema
 *       ({@link StructuredOutput#enforce}).</li>
 *   <li>The API key goes in {@code Authorization: Bearer}, never in a log line or a message.</li>
 * </ul>
 *
 * <pre>{@code
 * try (OpenAiBackend server = OpenAiBackend.builder(URI.create("http://127.0.0.1:8080/v1")).build();
 *      ModelInstance model = server.load(new ModelLoadRequest(ModelRef.name("qwen2.5-0.5b"), LoadOptions.defaults()))) {
 *     System.out.println(model.generate(GenerationRequest.builder().user("Hi").build()).text());
 * }
 * }</pre>
 *
 * <p>Engines of servers that add an API of their own to the OpenAI one (LM Studio) build on it:
 * {@link #transport()} for their own routes, {@link #instance} for models they loaded themselves.
 * Thread-safe.
 */
public final class OpenAiBackend implements InferenceBackend {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiBackend.class);
    /** Model lists longer than this (the OpenAI API's) are cut in messages. */
    private static final int LISTED_IN_MESSAGES = 20;

    /**
     * What every OpenAI-compatible server can be asked for: JSON and JSON-schema answers, embeddings,
     * tools, images, thinking; a model or a server may say it has less, llama.cpp adds grammars.
     */
    public static final EngineCapabilities CAPABILITIES = EngineCapabilities.builder()
            .responseFormats(ResponseFormat.Kind.JSON, ResponseFormat.Kind.JSON_SCHEMA)
            .embeddings(true).tools(true).images(true).thinking(true).logprobs(true)
            .build();

    private final String id;
    private final String name;
    private final Endpoints endpoints;
    private final HttpTransport transport;
    private final HttpTransport quick;
    private final ServerDialect configuredDialect;
    private final String completeChatPath;
    private final AnswerMetrics answerMetrics;
    private final String modelHint;
    private final String healthPath;
    private volatile ServerDialect detectedDialect;
    private volatile LlamaServerProps props;

    private OpenAiBackend(Builder b) {
        this.id = b.id;
        this.endpoints = Endpoints.of(b.baseUrl);
        this.name = b.serverName != null ? b.serverName
                : ServerDialect.isOpenAiHost(b.baseUrl) ? "OpenAI" : "OpenAI-compatible server";
        this.configuredDialect = b.dialect;
        this.completeChatPath = b.completeChatPath;
        this.answerMetrics = b.answerMetrics;
        this.modelHint = "check the model's id against the ones the server lists (GET " + endpoints.api("/models")
                + ", or models() of this engine)" + (b.modelHint == null ? "" : ", or " + b.modelHint);
        this.healthPath = b.healthPath != null ? b.healthPath : endpoints.api("/models");
        this.transport = b.transport(endpoints.root(), name, b.connectTimeout, b.firstByteTimeout, b.idleTimeout,
                b.retryPolicy);
        this.quick = b.transport(endpoints.root(), name, b.healthTimeout, b.healthTimeout, b.healthTimeout,
                RetryPolicy.none());
    }

    /**
     * @param baseUrl the OpenAI API's base address, such as {@code http://127.0.0.1:8080/v1}
     *     (llama-server's default), {@code http://127.0.0.1:8000/v1} (vLLM) or {@code https://api.openai.com/v1}
     * @return a builder with no key and the transport's default timeouts
     */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    @Override
    public BackendInfo info() {
        LlamaServerProps p = props;
        return BackendInfo.builder(id).name(name).version(p == null || p.build().isEmpty() ? "unknown" : p.build())
                .capabilities(capabilities(dialect(), p)).endpoint(endpoints.base()).build();
    }

    /**
     * Grammars only for llama.cpp, checked before sending in the dialect of its build: b4916's, which
     * every newer llama-server reads, and from b10470 on with token terminals; the rest is the same everywhere.
     *
     * @param p what the server's {@code /props} said, or {@code null}
     */
    private static EngineCapabilities capabilities(ServerDialect dialect, LlamaServerProps p) {
        EngineCapabilities.Builder caps = CAPABILITIES.toBuilder().logprobs(dialect.reportsLogprobs());
        return dialect != ServerDialect.LLAMA_CPP ? caps.build()
                : caps.grammarDialect(RequestBodies.grammarDialect(p == null ? -1 : p.buildNumber())).build();
    }

    /**
     * Checks the server serves the model and returns it; nothing is loaded: the server has it loaded,
     * or loads it itself on the first request.
     *
     * @throws InvalidRequestException for a reference that is not a name, or a context larger than the server gives
     * @throws ModelNotFoundException if the server does not list the model, naming those it does
     * @throws io.github.localllm.BackendUnavailableException if the server cannot be reached or refuses the key
     */
    @Override
    public ModelInstance load(ModelLoadRequest request) {
        if (!(request.model() instanceof ModelRef.Name ref)) {
            throw new InvalidRequestException(name + " serves models by name (the ids of GET " + endpoints.api("/models")
                    + "), but was given " + request.model().text() + "; pass ModelRef.name(...), or use an engine that"
                    + " opens files");
        }
        long start = System.nanoTime();
        JsonNode listing = transport.getJson(endpoints.api("/models"));
        ServerDialect dialect = dialectOf(listing);
        List<ServedModel> served = ServedModel.list(listing);
        String wanted = ref.name();
        ServedModel model = served.stream().filter(m -> m.answersTo(wanted)).findFirst()
                .orElseThrow(() -> notFound(wanted, served));
        LlamaServerProps p = dialect == ServerDialect.LLAMA_CPP ? readProps() : null;
        int context = p != null && p.contextSize() > 0 ? p.contextSize() : model.servedContext();
        Integer asked = request.options().contextSize();
        if (asked != null && context > 0 && asked > context) {
            throw new InvalidRequestException(name + " at " + endpoints.base() + " gives " + wanted + " a context of "
                    + context + " tokens, less than the " + asked + " asked for; the server sets it (llama-server:"
                    + " --ctx-size), so restart it with a larger one, or ask for at most " + context);
        }
        if (asked != null && context <= 0) {
            LOG.debug("{} does not say what context it gives {}; the {} tokens asked for are up to the server", name,
                    wanted, asked);
        }
        String sent = model.id().equals(wanted) || model.aliases().contains(wanted) ? wanted : model.id();
        EngineCapabilities base = capabilities(dialect, p);
        EngineCapabilities caps = base.toBuilder()
                .images(p == null || p.vision() == null || p.vision())
                .embeddings(dialect != ServerDialect.LLAMA_CPP || embedsOnLlamaCpp(sent))
                .build();
        ModelInfo info = ModelInfo.builder(sent, id)
                .chatTemplate(p == null ? "" : p.chatTemplate())
                .parameterCount(model.parameterCount())
                .quantization(model.quantization().isEmpty() ? "unknown" : model.quantization())
                .trainedContextLength(model.trainedContext())
                .embeddingLength(model.embeddingLength())
                .options(LoadOptions.builder().contextSize(context > 0 ? context : null).build())
                .loadTime(Duration.ofNanos(System.nanoTime() - start))
                .capabilities(caps)
                .build();
        LOG.debug("{} at {} serves {} ({}, context {})", name, endpoints.base(), sent, dialect, context);
        return instance(info, () -> { });
    }

    /**
     * Whether a llama-server embeds: nothing else tells, its model list says {@code completion} either
     * way. One token is embedded; a server started without {@code --embeddings} answers 501 (capture 10).
     */
    private boolean embedsOnLlamaCpp(String model) {
        try {
            transport.json(HttpCall.post(endpoints.api("/embeddings"), transport.mapper().createObjectNode()
                    .put("model", model).put("input", "a")).idempotent());
            return true;
        } catch (BackendUnavailableException e) {
            return e instanceof ServerBusyException || !e.getMessage().contains("HTTP 501");
        } catch (LocalLlmException e) {
            LOG.debug("{} did not say whether it embeds ({}); taken as yes", name, e.getMessage());
            return true;
        }
    }

    private ModelNotFoundException notFound(String wanted, List<ServedModel> served) {
        List<String> ids = served.stream().map(ServedModel::id).collect(Collectors.toList());
        String list = ids.isEmpty() ? "none"
                : String.join(", ", ids.subList(0, Math.min(ids.size(), LISTED_IN_MESSAGES)))
                + (ids.size() > LISTED_IN_MESSAGES ? " and " + (ids.size() - LISTED_IN_MESSAGES) + " more" : "");
        return new ModelNotFoundException("model '" + wanted + "' is not served by " + name + " at " + endpoints.base()
                + "; it serves: " + list + ". Load one of those, or start the server with the model");
    }

    /**
     * A model this server serves, as an engine built on this one loaded it (LM Studio through its own
     * API): it generates and embeds through this backend and checks JSON answers against their schema.
     *
     * @param info what the model is, with the capabilities requests are checked against before sending
     * @param onClose what closing the model does besides cancelling its requests, such as unloading it
     * @return the model
     */
    public ModelInstance instance(ModelInfo info, Runnable onClose) {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(onClose, "onClose");
        return StructuredOutput.enforce(new OpenAiModel(this, info, dialect(), onClose));
    }

    /** @return every model {@code GET /v1/models} lists; llama.cpp and vLLM serve them loaded */
    @Override
    public List<ModelSummary> models() {
        JsonNode listing = transport.getJson(endpoints.api("/models"));
        boolean loaded = servesLoaded(dialectOf(listing));
        List<ModelSummary> out = new ArrayList<>();
        for (ServedModel m : ServedModel.list(listing)) {
            out.add(m.summary(loaded));
        }
        return out;
    }

    /** @return for llama.cpp and vLLM, the models they serve, which are in memory; for others, none they say */
    @Override
    public List<LoadedModel> loadedModels() {
        JsonNode listing = transport.getJson(endpoints.api("/models"));
        ServerDialect dialect = dialectOf(listing);
        if (!servesLoaded(dialect)) {
            return List.of();
        }
        LlamaServerProps p = dialect == ServerDialect.LLAMA_CPP ? readProps() : null;
        List<LoadedModel> out = new ArrayList<>();
        for (ServedModel m : ServedModel.list(listing)) {
            int context = p != null && p.contextSize() > 0 ? p.contextSize() : m.servedContext();
            out.add(new LoadedModel(ModelRef.name(m.id()), -1, -1, context, null));
        }
        return out;
    }

    private static boolean servesLoaded(ServerDialect dialect) {
        return dialect == ServerDialect.LLAMA_CPP || dialect == ServerDialect.VLLM;
    }

    /** Asks {@code GET /v1/models} (or the health path it was built with) with the health timeout and no retries; never throws. */
    @Override
    public EngineHealth health() {
        long start = System.nanoTime();
        try {
            JsonNode listing = quick.getJson(healthPath);
            ServerDialect dialect = dialectOf(listing);
            LlamaServerProps p = dialect == ServerDialect.LLAMA_CPP ? readProps(quick) : props;
            return EngineHealth.up(p == null ? "" : p.build(), Duration.ofNanos(System.nanoTime() - start));
        } catch (LocalLlmException e) {
            return EngineHealth.down(e.getMessage(), Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            return EngineHealth.down(name + " at " + endpoints.base() + " could not be checked: " + e,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private ServerDialect dialectOf(JsonNode listing) {
        if (configuredDialect != null) {
            return configuredDialect;
        }
        ServerDialect d = ServerDialect.detect(endpoints.base(), listing);
        detectedDialect = d;
        return d;
    }

    private LlamaServerProps readProps() {
        return readProps(transport);
    }

    /** llama.cpp's {@code /props} is optional knowledge: a server without it still serves. */
    private LlamaServerProps readProps(HttpTransport through) {
        if (!endpoints.hasRoot()) {
            return props;
        }
        try {
            LlamaServerProps p = LlamaServerProps.read(through.getJson("/props"));
            props = p;
            return p;
        } catch (LocalLlmException e) {
            LOG.debug("{} has no /props ({}); going without its context size and build", name, e.getMessage());
            return props;
        }
    }

    /** @return the server's kind: as configured, else as last detected; {@link ServerDialect#GENERIC} before any request */
    public ServerDialect dialect() {
        ServerDialect d = configuredDialect != null ? configuredDialect : detectedDialect;
        return d == null ? ServerDialect.GENERIC : d;
    }

    /** @return the transport to the server's root, for engines that add the server's own routes (LM Studio's REST API) */
    public HttpTransport transport() {
        return transport;
    }

    /** @return the OpenAI API's base address, as configured */
    public URI baseUrl() {
        return endpoints.base();
    }

    Endpoints endpoints() {
        return endpoints;
    }

    /** @return the path whole answers come from, or {@code null} when {@code generate} streams too */
    String completeChatPath() {
        return completeChatPath;
    }

    AnswerMetrics answerMetrics() {
        return answerMetrics;
    }

    String modelHint() {
        return modelHint;
    }

    /** Nothing to release: the transport's threads are daemons that end when idle, and models close themselves. */
    @Override
    public void close() {
        // Models hold their own requests; the server keeps its models.
    }

    @Override
    public String toString() {
        return "OpenAiBackend[" + name + " at " + endpoints.base() + "]";
    }

    /** Settings of an {@link OpenAiBackend}. */
    public static final class Builder {
        private final URI baseUrl;
        private String id = OpenAiBackendProvider.ID;
        private String serverName;
        private String unavailableHint;
        private String modelHint;
        private String apiKey;
        private String organization;
        private String project;
        private ServerDialect dialect;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration firstByteTimeout = Duration.ofMinutes(5);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration healthTimeout = Duration.ofSeconds(5);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private String completeChatPath;
        private AnswerMetrics answerMetrics = AnswerMetrics.llamaCppTimings();
        private String healthPath;

        private Builder(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        }

        /** @param v the engine id models report, {@code openai} by default @return this */
        public Builder id(String v) {
            id = Objects.requireNonNull(v, "id");
            return this;
        }

        /** @param v the server's name in messages, such as {@code LM Studio} @return this */
        public Builder serverName(String v) {
            serverName = Objects.requireNonNull(v, "serverName");
            return this;
        }

        /** @param v what to check when the server cannot be reached, such as how to start it @return this */
        public Builder unavailableHint(String v) {
            unavailableHint = Objects.requireNonNull(v, "unavailableHint");
            return this;
        }

        /** @param v what to do when the server lacks a model, besides checking its list @return this */
        public Builder modelHint(String v) {
            modelHint = Objects.requireNonNull(v, "modelHint");
            return this;
        }

        /** @param v the API key, sent as {@code Authorization: Bearer}; {@code null} for none @return this */
        public Builder apiKey(String v) {
            apiKey = v == null || v.isBlank() ? null : v.strip();
            return this;
        }

        /** @param v the OpenAI organization, sent as {@code OpenAI-Organization}; {@code null} for none @return this */
        public Builder organization(String v) {
            organization = v == null || v.isBlank() ? null : v.strip();
            return this;
        }

        /** @param v the OpenAI project, sent as {@code OpenAI-Project}; {@code null} for none @return this */
        public Builder project(String v) {
            project = v == null || v.isBlank() ? null : v.strip();
            return this;
        }

        /** @param v the server's kind, instead of finding it from its model list @return this */
        public Builder dialect(ServerDialect v) {
            dialect = v;
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

        /** @param v the most {@link OpenAiBackend#health()} waits, in all @return this */
        public Builder healthTimeout(Duration v) {
            healthTimeout = Objects.requireNonNull(v, "healthTimeout");
            return this;
        }

        /** @param v how requests that may be repeated are retried @return this */
        public Builder retryPolicy(RetryPolicy v) {
            retryPolicy = Objects.requireNonNull(v, "retryPolicy");
            return this;
        }

        /**
         * @param path what {@link OpenAiBackend#health()} asks with GET, below the server's root, such as
         *     LM Studio's {@code /api/v0/models}; the OpenAI model list by default
         * @return this
         */
        public Builder healthPath(String path) {
            healthPath = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Makes {@code generate} ask for whole answers ({@code "stream": false}) instead of reading a
         * stream to its end, for servers that report their timings only there (LM Studio's
         * {@code /api/v0/chat/completions}); {@code stream} still streams from {@code /v1/chat/completions}.
         *
         * @param chatPath the path below the server's root, such as {@code /v1/chat/completions}
         * @param metrics reads the server's timings from a whole answer
         * @return this
         */
        public Builder completeAnswers(String chatPath, AnswerMetrics metrics) {
            completeChatPath = Objects.requireNonNull(chatPath, "chatPath");
            answerMetrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * @return the backend
         * @throws IllegalArgumentException if the address is not an http(s) address with a host
         */
        public OpenAiBackend build() {
            return new OpenAiBackend(this);
        }

        private HttpTransport transport(URI root, String name, Duration connect, Duration firstByte, Duration idle,
                                        RetryPolicy retries) {
            HttpTransport.Builder b = HttpTransport.builder(root).server(name)
                    .unavailableHint(unavailableHint != null ? unavailableHint : defaultHint())
                    .connectTimeout(connect).firstByteTimeout(firstByte).idleTimeout(idle).retryPolicy(retries);
            if (apiKey != null) {
                b.bearerToken(apiKey);
            }
            if (organization != null) {
                b.header("OpenAI-Organization", organization);
            }
            if (project != null) {
                b.header("OpenAI-Project", project);
            }
            return b.build();
        }

        private String defaultHint() {
            return ServerDialect.isOpenAiHost(baseUrl) ? "check the network and https://status.openai.com"
                    : "is the server running at that address? llama-server listens on 127.0.0.1:8080 (start it with"
                    + " `llama-server -m model.gguf`), vLLM on 8000; set " + OpenAiBackendProvider.URL_KEY
                    + " to the server's /v1 address";
        }
    }
}
