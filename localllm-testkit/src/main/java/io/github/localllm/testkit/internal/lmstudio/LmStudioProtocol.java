package io.github.localllm.testkit.internal.lmstudio;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.StopReason;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.Framing;
import io.github.localllm.testkit.internal.Protocol;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonReader;
import io.github.localllm.testkit.internal.json.JsonStyle;
import io.github.localllm.testkit.internal.json.JsonSyntaxException;
import io.github.localllm.testkit.internal.openai.LmStudioDialect;
import io.github.localllm.testkit.internal.openai.OpenAiProtocol;
import io.github.localllm.testkit.internal.openai.Turn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * LM Studio (lmstudio-ai/docs; fixtures/lmstudio/): its OpenAI-compatible {@code /v1}, the REST v0
 * API ({@code /api/v0/models}, {@code /models/{id}}, {@code /chat/completions} with {@code stats},
 * {@code model_info} and {@code runtime}, {@code /embeddings}) and the REST v1 API
 * ({@code /api/v1/models}, {@code /models/load}, {@code /models/unload}, {@code /chat} with named
 * SSE events). Anything else gets HTTP 200 with {@code {"error":"Unexpected endpoint or method. (...)"}}.
 * Times are seconds as doubles.
 */
public final class LmStudioProtocol implements Protocol {
    private static final String JSON = "application/json; charset=utf-8";
    /** Loaded context when none was asked for: LM Studio's default. */
    private static final int DEFAULT_LOADED_CONTEXT = 4096;

    private final EngineState state;
    private final OpenAiProtocol v1;
    private final Duration loadTime;
    private final Map<String, Integer> loadedContext = new ConcurrentHashMap<>();

    public LmStudioProtocol(EngineState state, OpenAiProtocol v1, Duration loadTime) {
        this.state = state;
        this.v1 = v1;
        this.loadTime = loadTime;
    }

    /** The context a loaded model was loaded with (LM Studio's default unless a load asked otherwise); null when not loaded. */
    private Integer contextIfLoaded(FakeModel m) {
        return m.loaded() ? loadedContext.getOrDefault(m.name(), Math.min(DEFAULT_LOADED_CONTEXT, m.contextLength())) : null;
    }

    @Override
    public Reply handle(Call call) {
        String path = call.path();
        String method = call.method();
        if (path.startsWith("/v1/")) {
            return v1.handle(call);
        }
        if (method.equals("GET") && path.equals("/api/v0/models")) {
            List<Object> data = new ArrayList<>();
            state.models().all().forEach(m -> data.add(LmStudioModels.v0(m, contextIfLoaded(m))));
            return json(200, new JsonObject().put("object", "list").put("data", data));
        }
        if (method.equals("GET") && path.startsWith("/api/v0/models/")) {
            String id = path.substring("/api/v0/models/".length());
            return state.models().find(id).map(m -> json(200, LmStudioModels.v0(m, contextIfLoaded(m))))
                    .orElseGet(() -> restError(404, "model_not_found", "Model \"" + id + "\" not found"));
        }
        if (method.equals("POST") && path.equals("/api/v0/chat/completions")) {
            return v1.chat(call, this::v0Completion);
        }
        if (method.equals("POST") && path.equals("/api/v0/embeddings")) {
            return v1.embeddings(call);
        }
        if (method.equals("GET") && path.equals("/api/v1/models")) {
            List<Object> models = new ArrayList<>();
            state.models().all().forEach(m -> models.add(LmStudioModels.v1(m, contextIfLoaded(m))));
            return json(200, new JsonObject().put("models", models));
        }
        if (method.equals("POST") && path.equals("/api/v1/models/load")) {
            return load(call);
        }
        if (method.equals("POST") && path.equals("/api/v1/models/unload")) {
            return unload(call);
        }
        if (method.equals("POST") && path.equals("/api/v1/chat")) {
            return chat(call);
        }
        return LmStudioDialect.unexpectedEndpoint(call);
    }

    /** fixtures/lmstudio/v0-chat-completions-response.json: the OpenAI body, then stats, model_info, runtime. */
    private JsonObject v0Completion(Turn t) {
        ScriptedAnswer a = t.answer();
        FakeModel m = state.models().find(t.model()).orElse(FakeModel.of(t.model()));
        String stop = t.calls().isEmpty() && a.stopReason() == StopReason.LENGTH ? "maxPredictedTokensReached" : "eosFound";
        return LmStudioDialect.completionBody(t)
                .put("stats", new JsonObject().put("tokens_per_second", tokensPerSecond(a))
                        .put("time_to_first_token", seconds(a.promptEvalDuration()))
                        .put("generation_time", seconds(a.evalDuration())).put("stop_reason", stop))
                .put("model_info", new JsonObject().put("arch", m.family()).put("quant", m.quantization())
                        .put("format", "gguf").put("context_length", contextIfLoaded(m) != null ? contextIfLoaded(m) : m.contextLength()))
                .put("runtime", new JsonObject().put("name", "llama.cpp-mac-arm64-apple-metal-advsimd").put("version", "1.3.0")
                        .put("supported_formats", List.of("gguf")));
    }

    /** fixtures/lmstudio/v1-models-load-request.json / -response.json. */
    private Reply load(Call call) {
        Optional<JsonObject> request = body(call);
        if (request.isEmpty()) {
            return restError(400, "invalid_request", "Request body must be a JSON object");
        }
        String name = request.get().string("model").orElse("");
        Optional<FakeModel> model = state.models().find(name);
        if (model.isEmpty()) {
            return restError(404, "model_not_found", "Model \"" + name + "\" not found");
        }
        FakeModel m = model.get();
        int context = request.get().number("context_length").map(Double::intValue)
                .orElse(Math.min(DEFAULT_LOADED_CONTEXT, m.contextLength()));
        boolean flashAttention = request.get().bool("flash_attention").orElse(true);
        loadedContext.put(m.name(), context);
        state.models().setLoaded(m.name(), true, null);
        JsonObject reply = new JsonObject().put("type", m.embedding() ? "embedding" : "llm").put("instance_id", m.name())
                .put("load_time_seconds", seconds(loadTime)).put("status", "loaded");
        if (request.get().bool("echo_load_config").orElse(false)) {
            reply.put("load_config", new JsonObject().put("context_length", context).put("eval_batch_size", 512)
                    .put("flash_attention", flashAttention).put("offload_kv_cache_to_gpu", true));
        }
        return json(200, reply);
    }

    /** fixtures/lmstudio/v1-models-unload-request.json / -response.json: by instance id. */
    private Reply unload(Call call) {
        Optional<JsonObject> request = body(call);
        if (request.isEmpty()) {
            return restError(400, "invalid_request", "Request body must be a JSON object");
        }
        String instance = request.get().string("instance_id").orElse("");
        if (state.models().find(instance).filter(FakeModel::loaded).isEmpty()) {
            return restError(404, "model_not_found", "No loaded model instance with id \"" + instance + "\"");
        }
        loadedContext.remove(instance);
        state.models().setLoaded(instance, false, null);
        return json(200, new JsonObject().put("instance_id", instance));
    }

    /** fixtures/lmstudio/v1-chat-*-response.json and v1-chat-stream-events.sse. */
    private Reply chat(Call call) {
        Optional<JsonObject> request = body(call);
        if (request.isEmpty()) {
            return restError(400, "invalid_request", "Request body must be a JSON object");
        }
        String name = request.get().string("model").orElse("");
        if (name.isEmpty()) {
            return restError(400, "invalid_request", "\"model\" is required");
        }
        Optional<FakeModel> model = state.models().find(name);
        if (model.isEmpty()) {
            return restError(404, "model_not_found", "Model \"" + name + "\" not found");
        }
        FakeModel m = model.get();
        boolean mustLoad = !m.loaded();
        if (mustLoad) {
            request.get().number("context_length").ifPresent(c -> loadedContext.put(m.name(), c.intValue()));
        }
        state.models().setLoaded(m.name(), true, null);
        ScriptedAnswer a = state.nextAnswer();
        String responseId = "resp_" + state.ids().hex(48);
        JsonObject result = chatResult(m.name(), a, mustLoad, responseId);
        if (!request.get().bool("stream").orElse(false)) {
            return json(200, result);
        }
        String instance = m.name();
        List<Chunk> chunks = new ArrayList<>();
        chunks.add(event("chat.start", () -> new JsonObject().put("model_instance_id", instance)));
        if (mustLoad) {
            chunks.add(event("model_load.start", () -> new JsonObject().put("model_instance_id", instance)));
            chunks.add(event("model_load.progress", () -> new JsonObject().put("model_instance_id", instance).put("progress", 1)));
            chunks.add(event("model_load.end", () -> new JsonObject().put("model_instance_id", instance)
                    .put("load_time_seconds", seconds(loadTime))));
        }
        chunks.add(event("prompt_processing.start", JsonObject::new));
        chunks.add(event("prompt_processing.progress", () -> new JsonObject().put("progress", 1)));
        chunks.add(event("prompt_processing.end", JsonObject::new));
        chunks.add(event("message.start", JsonObject::new));
        for (String piece : a.pieces()) {
            chunks.add(Chunk.event("message.delta", () -> typed("message.delta", new JsonObject().put("content", piece)),
                    a.pieceInterval()));
        }
        chunks.add(event("message.end", JsonObject::new));
        chunks.add(event("chat.end", () -> new JsonObject().put("result", result)));
        return Reply.stream("text/event-stream", Framing.SSE, chunks, JsonStyle.ECMASCRIPT);
    }

    private JsonObject chatResult(String instance, ScriptedAnswer a, boolean loaded, String responseId) {
        JsonObject stats = new JsonObject().put("input_tokens", a.promptTokens()).put("total_output_tokens", a.completionTokens())
                .put("reasoning_output_tokens", 0).put("tokens_per_second", tokensPerSecond(a))
                .put("time_to_first_token_seconds", seconds(a.promptEvalDuration()));
        stats.putIf(loaded, "model_load_time_seconds", seconds(loadTime));
        return new JsonObject().put("model_instance_id", instance)
                .put("output", List.of(new JsonObject().put("type", "message").put("content", a.text())))
                .put("stats", stats).put("response_id", responseId);
    }

    /** Every event's data starts with its own {@code type}. */
    private static Chunk event(String name, Supplier<JsonObject> data) {
        return Chunk.event(name, () -> typed(name, data.get()));
    }

    private static JsonObject typed(String type, JsonObject rest) {
        JsonObject o = new JsonObject().put("type", type);
        rest.members().forEach(o::put);
        return o;
    }

    private static double tokensPerSecond(ScriptedAnswer a) {
        double seconds = a.evalDuration().toNanos() / 1e9;
        return seconds == 0 ? 0 : a.completionTokens() / seconds;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static Optional<JsonObject> body(Call call) {
        try {
            return Optional.of(JsonReader.parseObject(call.request().body()));
        } catch (JsonSyntaxException e) {
            return Optional.empty();
        }
    }

    private static Reply json(int status, JsonObject body) {
        return Reply.json(status, JSON, body, JsonStyle.ECMASCRIPT);
    }

    /** The REST v1 error object: fixtures/lmstudio/v1-error-event-example.json without the event's {@code type}. */
    private static Reply restError(int status, String type, String message) {
        return json(status, new JsonObject().put("error", new JsonObject().put("type", type).put("message", message)));
    }

    @Override
    public Reply errorStatus(Call call, int status) {
        if (call.path().startsWith("/v1/") || call.path().startsWith("/api/v0/")) {
            return v1.errorStatus(call, status);
        }
        return restError(status, status >= 500 ? "internal_error" : "invalid_request", "Error " + status);
    }

    @Override
    public Reply modelNotFound(Call call) {
        if (call.path().startsWith("/v1/") || call.path().startsWith("/api/v0/")) {
            return v1.modelNotFound(call);
        }
        return restError(404, "model_not_found", "Model \"" + call.modelOrEmpty() + "\" not found");
    }

    /** The v1 chat stream's {@code error} event (v1-error-event-example.json); elsewhere the OpenAI-style one. */
    @Override
    public List<Chunk> midStreamError(Call call) {
        if (call.path().equals("/api/v1/chat")) {
            return List.of(Chunk.event("error", () -> new JsonObject().put("type", "error").put("error", new JsonObject()
                    .put("type", "unknown").put("message", "The model has crashed without additional information."))));
        }
        return v1.midStreamError(call);
    }
}
