package io.github.localllm.testkit.internal.openai;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.internal.AnswerLimits;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.Framing;
import io.github.localllm.testkit.internal.Protocol;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonReader;
import io.github.localllm.testkit.internal.json.JsonSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The OpenAI-compatible routes ({@code /v1/models}, {@code /v1/chat/completions},
 * {@code /v1/completions}, {@code /v1/embeddings}) in one server's {@link Dialect}.
 */
public final class OpenAiProtocol implements Protocol {
    private final EngineState state;
    private final Dialect dialect;

    public OpenAiProtocol(EngineState state, Dialect dialect) {
        this.state = state;
        this.dialect = dialect;
    }

    public static Dialect llamaCpp(String systemFingerprint) {
        return llamaCpp(systemFingerprint, true);
    }

    /** @param embeddings whether the server was started with {@code --embeddings} */
    public static Dialect llamaCpp(String systemFingerprint, boolean embeddings) {
        return llamaCpp(systemFingerprint, embeddings, false, 0);
    }

    /**
     * @param embeddings whether the server was started with {@code --embeddings}
     * @param metrics whether it was started with {@code --metrics}
     * @param startSeconds its start time, as {@code /metrics} reports it
     */
    public static Dialect llamaCpp(String systemFingerprint, boolean embeddings, boolean metrics, long startSeconds) {
        return new LlamaCppDialect(systemFingerprint, embeddings, metrics, startSeconds);
    }

    public static Dialect vllm() {
        return new VllmDialect();
    }

    public static Dialect openAi() {
        return new OpenAiCloudDialect();
    }

    public static Dialect lmStudio() {
        return new LmStudioDialect();
    }

    public static Dialect ollama() {
        return new OllamaDialect();
    }

    @Override
    public Reply handle(Call call) {
        Reply extra = dialect.extraRoute(call);
        if (extra != null) {
            return finish(extra, false);
        }
        String path = call.path();
        boolean llamaCpp = dialect instanceof LlamaCppDialect;
        if (llamaCpp && path.equals("/props")) {
            return call.method().equals("GET") ? json(((LlamaCppDialect) dialect).props(state.models().all(), state.ids()))
                    : finish(dialect.unknownRoute(call), false);
        }
        if (llamaCpp) {
            Reply own = ((LlamaCppDialect) dialect).ownRoute(call, state.models().all());
            if (own != null) {
                return finish(own, false);
            }
        }
        if (path.equals("/v1/models") || (llamaCpp && path.equals("/models"))) {
            return call.method().equals("GET") ? finish(models(), false) : finish(dialect.unknownRoute(call), false);
        }
        if (path.equals("/v1/chat/completions") || (llamaCpp && path.equals("/chat/completions"))) {
            return call.method().equals("POST") ? chat(call, dialect::completion) : finish(dialect.unknownRoute(call), false);
        }
        if (path.equals("/v1/completions") || (llamaCpp && path.equals("/completions"))) {
            return call.method().equals("POST") ? textCompletion(call) : finish(dialect.unknownRoute(call), false);
        }
        if (path.equals("/v1/embeddings")) {
            return call.method().equals("POST") ? embeddings(call) : finish(dialect.unknownRoute(call), false);
        }
        return finish(dialect.unknownRoute(call), false);
    }

    private Reply models() {
        return json(dialect.modelList(state.models().all(), state.now().getEpochSecond()));
    }

    /**
     * Answers a chat completion request, streamed in the dialect's chunks or as one body.
     *
     * @param completion makes the body of an answer that is not streamed (LM Studio's REST v0 adds its stats)
     */
    public Reply chat(Call call, Function<Turn, JsonObject> completion) {
        JsonObject request;
        try {
            request = JsonReader.parseObject(call.request().body());
        } catch (JsonSyntaxException e) {
            return finish(dialect.badJson(e.getMessage()), false);
        }
        if (request.array("messages").isEmpty()) {
            return finish(dialect.error(400, dialect.messagesMissing()), false);
        }
        Optional<String> model = resolve(request);
        if (model.isEmpty()) {
            return finish(dialect.modelNotFound(request.string("model").orElse("")), false);
        }
        state.models().setLoaded(model.get(), true, null);
        ScriptedAnswer answer = state.nextAnswer(AnswerLimits.openAi(request));
        // Servers parse tool calls out of the model's output only when the request offers tools.
        List<FakeToolCall> calls = request.array("tools").filter(t -> !t.isEmpty()).isPresent() ? answer.toolCalls() : List.of();
        List<String> callIds = new ArrayList<>();
        for (FakeToolCall c : calls) {
            callIds.add(c.id().orElseGet(() -> dialect.toolCallId(state.ids())));
        }
        String reported = request.string("model").filter(s -> !s.isEmpty()).orElse(model.get());
        Turn turn = new Turn(answer.id().orElseGet(() -> dialect.completionId(state.ids())), reported, answer, calls,
                callIds, dialect.includeUsage(request), state.now().getEpochSecond(), () -> state.now().getEpochSecond(),
                dialect.logprobsAsked(request, true));
        dialect.served(turn);
        if (!request.bool("stream").orElse(false)) {
            JsonObject whole = completion.apply(turn);
            return json(turn.logprobs() < 0 ? whole : Dialect.withLogprobs(whole,
                    dialect.chatLogprobs(turn, 0, answer.pieces().size())));
        }
        List<Chunk> chunks = new ArrayList<>(dialect.stream(turn));
        chunks.add(Chunk.raw("[DONE]"));
        return finish(Reply.stream(dialect.sseType(), Framing.SSE, chunks, dialect.style()), true);
    }

    /** Answers a legacy completions request: a prompt continued as is, streamed or whole, never with tool calls. */
    private Reply textCompletion(Call call) {
        JsonObject request;
        try {
            request = JsonReader.parseObject(call.request().body());
        } catch (JsonSyntaxException e) {
            return finish(dialect.badJson(e.getMessage()), false);
        }
        if (request.string("prompt").isEmpty()) {
            return finish(dialect.error(400, "'prompt' is a required property"), false);
        }
        Optional<String> model = resolve(request);
        if (model.isEmpty()) {
            return finish(dialect.modelNotFound(request.string("model").orElse("")), false);
        }
        state.models().setLoaded(model.get(), true, null);
        ScriptedAnswer answer = state.nextAnswer(AnswerLimits.openAi(request));
        String reported = request.string("model").filter(s -> !s.isEmpty()).orElse(model.get());
        Turn turn = new Turn(answer.id().orElseGet(() -> dialect.textCompletionId(state.ids())), reported, answer, List.of(),
                List.of(), dialect.includeUsage(request), state.now().getEpochSecond(), () -> state.now().getEpochSecond(),
                dialect.logprobsAsked(request, false));
        dialect.served(turn);
        if (!request.bool("stream").orElse(false)) {
            JsonObject whole = dialect.textCompletion(turn);
            return json(turn.logprobs() < 0 ? whole : Dialect.withLogprobs(whole,
                    dialect.completionLogprobs(turn, 0, answer.pieces().size())));
        }
        List<Chunk> chunks = new ArrayList<>(dialect.textCompletionStream(turn));
        chunks.add(Chunk.raw("[DONE]"));
        return finish(Reply.stream(dialect.sseType(), Framing.SSE, chunks, dialect.style()), true);
    }

    /** The served model's name: the requested one when the server has it (any name on llama.cpp). */
    private Optional<String> resolve(JsonObject request) {
        Optional<String> requested = request.string("model").filter(s -> !s.isEmpty());
        if (dialect.servesAnyModel()) {
            return Optional.of(requested.orElseGet(() -> state.models().all().stream().findFirst()
                    .map(FakeModel::name).orElse("model")));
        }
        Optional<String> found = requested.flatMap(name -> state.models().find(name)).map(FakeModel::name);
        if (found.isEmpty() && dialect instanceof OllamaDialect) {
            // Ollama matches "llama3.2" to "llama3.2:latest" and back.
            found = requested.flatMap(name -> state.models().find(name.contains(":") ? name.replaceFirst(":latest$", "")
                    : name + ":latest")).map(FakeModel::name);
        }
        return found;
    }

    /** Answers an embeddings request. */
    public Reply embeddings(Call call) {
        Reply refused = dialect.refuseEmbeddings();
        if (refused != null) {
            return finish(refused, false);
        }
        JsonObject request;
        try {
            request = JsonReader.parseObject(call.request().body());
        } catch (JsonSyntaxException e) {
            return finish(dialect.badJson(e.getMessage()), false);
        }
        Optional<String> model = resolve(request);
        if (model.isEmpty()) {
            return finish(dialect.modelNotFound(request.string("model").orElse("")), false);
        }
        List<String> inputs = new ArrayList<>();
        Object input = request.get("input");
        if (input instanceof String s) {
            inputs.add(s);
        } else if (input instanceof List<?> list && list.stream().allMatch(o -> o instanceof String)) {
            list.forEach(o -> inputs.add((String) o));
        } else {
            return finish(dialect.error(400, "'input' must be a string or an array of strings"), false);
        }
        boolean base64 = request.string("encoding_format").filter("base64"::equalsIgnoreCase).isPresent();
        List<Object> vectors = new ArrayList<>();
        int tokens = 0;
        for (String text : inputs) {
            float[] v = state.vector(text);
            vectors.add(base64 ? Vectors.base64(v) : Vectors.floats(v, dialect.widenFloats()));
            tokens += EngineState.tokens(text);
        }
        String reported = request.string("model").filter(s -> !s.isEmpty()).orElse(model.get());
        FakeModel served = state.models().find(model.get()).orElse(FakeModel.embedding(model.get()));
        return json(dialect.embeddingList(reported, served, vectors, tokens, state.now().getEpochSecond(), state.ids()));
    }

    private Reply json(JsonObject body) {
        Reply reply = Reply.json(200, dialect.jsonType(), body, dialect.style());
        return finish(dialect.newlineAfterJson() ? reply.withNewline() : reply, false);
    }

    private Reply finish(Reply reply, boolean streaming) {
        return reply.withLeadingHeaders(dialect.leadingHeaders(streaming));
    }

    @Override
    public Reply errorStatus(Call call, int status) {
        return finish(dialect.error(status, dialect.statusMessage(status)), false);
    }

    @Override
    public Reply modelNotFound(Call call) {
        return finish(dialect.modelNotFound(call.modelOrEmpty()), false);
    }

    @Override
    public List<Chunk> midStreamError(Call call) {
        List<Chunk> chunks = new ArrayList<>(dialect.midStreamError());
        if (dialect.doneAfterError()) {
            chunks.add(Chunk.raw("[DONE]"));
        }
        return chunks;
    }
}
