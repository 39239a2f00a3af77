package io.github.localllm.testkit.internal.ollama;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.Protocol;
import io.github.localllm.testkit.internal.Reply;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.body;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.error;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.json;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.reasonPhrase;

import io.github.localllm.testkit.internal.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ollama's native API as ollama/ollama v0.33.0-rc2 serves it (server/routes.go): NDJSON streams by
 * default, Go's JSON, gin's plain-text 404 and 405, and its OpenAI-compatible {@code /v1} routes
 * through {@code v1}.
 */
public final class OllamaProtocol implements Protocol {
    /** fixtures/ollama/error-midstream.ndjson, last line. */
    public static final String MID_STREAM_ERROR = "an error was encountered while running the model";
    /** fixtures/ollama/error-503-queue-full.json (two spaces, as in server/sched.go). */
    public static final String QUEUE_FULL = "server busy, please try again.  maximum pending requests exceeded";
    private static final Map<String, Set<String>> ROUTES = Map.ofEntries(
            Map.entry("/", Set.of("GET", "HEAD")), Map.entry("/api/version", Set.of("GET", "HEAD")),
            Map.entry("/api/tags", Set.of("GET", "HEAD")), Map.entry("/api/ps", Set.of("GET")),
            Map.entry("/api/show", Set.of("POST")), Map.entry("/api/generate", Set.of("POST")),
            Map.entry("/api/chat", Set.of("POST")), Map.entry("/api/embed", Set.of("POST")),
            Map.entry("/api/embeddings", Set.of("POST")), Map.entry("/api/pull", Set.of("POST")),
            Map.entry("/api/delete", Set.of("DELETE")), Map.entry("/api/copy", Set.of("POST")));

    private final String version;
    private final OllamaModels models;
    private final OllamaInference inference;
    private final OllamaLibrary library;
    private final Protocol v1;

    /**
     * @param pullHint whether a missing model gets the scheduler's wording
     *                 {@code model "x" not found, try pulling it first} instead of the handlers' {@code model 'x' not found}
     * @param pullable models {@code /api/pull} can fetch besides the installed ones
     * @param v1 the {@code /v1} routes
     */
    public OllamaProtocol(EngineState state, String version, boolean pullHint, List<FakeModel> pullable, Protocol v1) {
        this.version = version;
        this.models = new OllamaModels(state, pullHint);
        this.inference = new OllamaInference(state, models, version);
        this.library = new OllamaLibrary(state, models, pullable);
        this.v1 = v1;
    }

    /** The 404 gin writes for an unknown route ({@code text/plain}, no newline). */
    public static Reply pageNotFound() {
        return Reply.text(404, "text/plain", "404 page not found");
    }

    @Override
    public Reply handle(Call call) {
        String path = call.path();
        if (path.startsWith("/v1/")) {
            return v1.handle(call);
        }
        Set<String> methods = ROUTES.get(path);
        if (methods == null) {
            return pageNotFound();
        }
        if (!methods.contains(call.method())) {
            return Reply.text(405, "text/plain", "405 method not allowed");
        }
        return switch (path) {
            case "/" -> Reply.text(200, "text/plain; charset=utf-8", "Ollama is running");
            case "/api/version" -> json(200, new JsonObject().put("version", version));
            case "/api/tags" -> library.tags();
            case "/api/ps" -> library.ps();
            case "/api/show" -> withModel(call, "ShowRequest", library::show);
            case "/api/generate" -> withModel(call, "GenerateRequest", inference::generate);
            case "/api/chat" -> withModel(call, "ChatRequest", inference::chat);
            case "/api/embed" -> withModel(call, "EmbedRequest", inference::embed);
            case "/api/embeddings" -> withModel(call, "EmbeddingRequest", inference::embeddings);
            case "/api/pull" -> library.pull(call);
            case "/api/copy" -> library.copy(call);
            default -> library.delete(call);
        };
    }

    private interface ModelHandler {
        Reply handle(JsonObject request, String requested, FakeModel model);
    }

    private Reply withModel(Call call, String requestType, ModelHandler handler) {
        Object parsed = body(call, requestType);
        if (parsed instanceof Reply error) {
            return error;
        }
        JsonObject request = (JsonObject) parsed;
        String requested = request.string("model").orElse("");
        if (requested.isEmpty()) {
            return error(400, "model is required");
        }
        Optional<FakeModel> model = models.resolve(requested);
        return model.map(m -> handler.handle(request, requested, m)).orElseGet(() -> models.notFound(requested));
    }

    @Override
    public Reply errorStatus(Call call, int status) {
        if (call.path().startsWith("/v1/")) {
            return v1.errorStatus(call, status);
        }
        String message = switch (status) {
            case 503 -> QUEUE_FULL;
            case 499 -> "request canceled";
            case 500 -> "the model failed to generate a response";
            default -> reasonPhrase(status);
        };
        return error(status, message);
    }

    @Override
    public Reply modelNotFound(Call call) {
        if (call.path().startsWith("/v1/")) {
            return v1.modelNotFound(call);
        }
        return models.notFound(call.modelOrEmpty());
    }

    @Override
    public List<Chunk> midStreamError(Call call) {
        if (call.path().startsWith("/v1/")) {
            return v1.midStreamError(call);
        }
        return List.of(Chunk.json(() -> new JsonObject().put("error", MID_STREAM_ERROR)));
    }

}
