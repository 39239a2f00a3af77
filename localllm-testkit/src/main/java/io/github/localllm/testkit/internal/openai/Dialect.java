package io.github.localllm.testkit.internal.openai;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.FakeLogprobs;
import io.github.localllm.testkit.internal.Ids;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import io.github.localllm.testkit.FakeToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How one OpenAI-compatible server spells the same answers: member order, first and last stream
 * chunks, error bodies, unknown routes, id formats and its JSON printer. The routes themselves are
 * in {@link OpenAiProtocol}.
 */
public abstract class Dialect {

    abstract JsonStyle style();

    /** {@code Content-Type} of JSON answers. */
    abstract String jsonType();

    /** {@code Content-Type} of SSE streams. */
    abstract String sseType();

    /** Headers the server sends before {@code Content-Type}, e.g. {@code Server: llama.cpp}. */
    List<Map.Entry<String, String>> leadingHeaders(boolean streaming) {
        return List.of();
    }

    abstract String completionId(Ids ids);

    abstract String toolCallId(Ids ids);

    /** Whether any model name is accepted (a single-model llama.cpp server ignores it). */
    boolean servesAnyModel() {
        return false;
    }

    /** Whether a JSON answer ends with {@code \n} (Go's {@code json.Encoder}). */
    boolean newlineAfterJson() {
        return false;
    }

    /** Whether the stream ends with a usage chunk. */
    boolean includeUsage(JsonObject request) {
        return request.object("stream_options").flatMap(o -> o.bool("include_usage")).orElse(false);
    }

    /** Whether vectors are printed as float32 (Go) or widened to double (the others). */
    boolean widenFloats() {
        return true;
    }

    abstract JsonObject completion(Turn t);

    /** The chunks before {@code data: [DONE]}. */
    abstract List<Chunk> stream(Turn t);

    abstract JsonObject modelList(List<FakeModel> models, long created);

    /**
     * The embeddings answer.
     *
     * @param vectors one per input, already laid out as floats or base64 strings
     */
    abstract JsonObject embeddingList(String model, FakeModel served, List<Object> vectors, int tokens, long created, Ids ids);

    /** The server's error body for a status. */
    abstract Reply error(int status, String message);

    abstract Reply modelNotFound(String model);

    /** The message of an error answer with this status when nothing more specific is known. */
    String statusMessage(int status) {
        return switch (status) {
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error " + status;
        };
    }

    abstract Reply unknownRoute(Call call);

    /** The answer to a request body that is not JSON. */
    Reply badJson(String detail) {
        return error(400, detail);
    }

    /** The message of the 400 for a chat request without a {@code messages} array. */
    String messagesMissing() {
        return "'messages' is a required property";
    }

    /** The error chunks sent once the stream has started. */
    abstract List<Chunk> midStreamError();

    /** Whether the stream ends with {@code data: [DONE]} after a mid-stream error. */
    boolean doneAfterError() {
        return false;
    }

    /**
     * One chunk per piece of the answer's text, spaced as the answer asks, each made by {@code chunkOf},
     * with the log probability of its token when they were asked for.
     */
    List<Chunk> textChunks(Turn t, Function<JsonObject, JsonObject> chunkOf) {
        List<Chunk> chunks = new ArrayList<>();
        List<String> pieces = t.answer().pieces();
        for (int i = 0; i < pieces.size(); i++) {
            int at = i;
            chunks.add(Chunk.json(() -> {
                JsonObject chunk = chunkOf.apply(new JsonObject().put("content", pieces.get(at)));
                return t.logprobs() < 0 ? chunk : withLogprobs(chunk, chatLogprobs(t, at, at + 1));
            }, t.answer().pieceInterval()));
        }
        return chunks;
    }

    /**
     * How many alternatives per token a request asks for, or -1 for no log probabilities: chat's
     * {@code logprobs: true} with {@code top_logprobs}, completions' legacy {@code logprobs: N}.
     * Servers that report none answer -1.
     */
    int logprobsAsked(JsonObject request, boolean chat) {
        if (!reportsLogprobs()) {
            return -1;
        }
        if (chat) {
            return request.bool("logprobs").orElse(false)
                    ? request.number("top_logprobs").map(Double::intValue).orElse(defaultTopLogprobs()) : -1;
        }
        return request.number("logprobs").map(Double::intValue).orElse(-1);
    }

    /** Whether the server reports log probabilities at all. */
    boolean reportsLogprobs() {
        return true;
    }

    /** The alternatives per token when a chat request says {@code logprobs: true} without {@code top_logprobs}. */
    int defaultTopLogprobs() {
        return 0;
    }

    /** The chat shape's {@code logprobs} of the answer's tokens {@code from} to {@code to}: {@code {"content": [...]}}. */
    Object chatLogprobs(Turn t, int from, int to) {
        List<Object> content = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String piece = t.answer().pieces().get(i);
            List<Object> top = new ArrayList<>();
            for (int k = 0; k < t.logprobs(); k++) {
                top.add(tokenLogprob(FakeLogprobs.token(piece, k), FakeLogprobs.logprob(i, k), FakeLogprobs.id(i, k), null));
            }
            content.add(tokenLogprob(piece, FakeLogprobs.logprob(i, 0), FakeLogprobs.id(i, 0), top));
        }
        return new JsonObject().put("content", content);
    }

    /** One token of the chat shape, in the OpenAI API's order; {@code top} is {@code null} for an alternative. */
    JsonObject tokenLogprob(String token, double logprob, int id, List<Object> top) {
        JsonObject o = new JsonObject().put("token", token).put("logprob", logprob).put("bytes", FakeLogprobs.bytes(token));
        return top == null ? o : o.put("top_logprobs", top);
    }

    /**
     * The {@code logprobs} of a completions answer's tokens {@code from} to {@code to}, in the legacy
     * columns of the OpenAI API and vLLM.
     */
    Object completionLogprobs(Turn t, int from, int to) {
        List<Object> tokens = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        List<Object> tops = new ArrayList<>();
        List<Object> offsets = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < from; i++) {
            offset += t.answer().pieces().get(i).length();
        }
        for (int i = from; i < to; i++) {
            String piece = t.answer().pieces().get(i);
            tokens.add(piece);
            values.add(FakeLogprobs.logprob(i, 0));
            JsonObject top = new JsonObject();
            for (int k = 0; k < t.logprobs(); k++) {
                top.put(FakeLogprobs.token(piece, k), FakeLogprobs.logprob(i, k));
            }
            tops.add(top);
            offsets.add(offset);
            offset += piece.length();
        }
        return new JsonObject().put("text_offset", offsets).put("token_logprobs", values).put("tokens", tokens)
                .put("top_logprobs", tops);
    }

    /** Sets the first choice's {@code logprobs}, in place when the member is there already. */
    static JsonObject withLogprobs(JsonObject answer, Object logprobs) {
        if (answer.get("choices") instanceof List<?> choices && !choices.isEmpty()
                && choices.get(0) instanceof JsonObject choice) {
            choice.put("logprobs", logprobs);
        }
        return answer;
    }

    /**
     * Each tool call as every OpenAI-style stream sends it: a first delta with the id and name,
     * then the arguments in fragments keyed by index.
     */
    List<Chunk> toolCallChunks(Turn t, Function<JsonObject, JsonObject> chunkOf) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < t.calls().size(); i++) {
            int index = i;
            FakeToolCall c = t.calls().get(i);
            chunks.add(Chunk.json(() -> chunkOf.apply(new JsonObject().put("tool_calls",
                    List.of(toolCallHead(index, t.callIds().get(index), c.name()))))));
            for (String fragment : Fragments.of(c.arguments())) {
                chunks.add(Chunk.json(() -> chunkOf.apply(new JsonObject().put("tool_calls", List.of(new JsonObject()
                        .put("index", index).put("function", new JsonObject().put("arguments", fragment)))))));
            }
        }
        return chunks;
    }

    /** The first delta of a streamed tool call, in this server's member order. */
    JsonObject toolCallHead(int index, String id, String name) {
        return new JsonObject().put("index", index).put("id", id).put("type", "function")
                .put("function", new JsonObject().put("name", name).put("arguments", ""));
    }

    /** The id of a {@code /v1/completions} answer. */
    String textCompletionId(Ids ids) {
        return "cmpl-" + ids.lowerAlnum(21);
    }

    /**
     * The whole answer of {@code POST /v1/completions}, the OpenAI legacy shape
     * (fixtures/openai/completions-legacy-response.json).
     */
    JsonObject textCompletion(Turn t) {
        return new JsonObject().put("id", t.id()).put("object", "text_completion").put("created", t.created())
                .put("model", t.model()).put("choices", List.of(new JsonObject().put("index", 0)
                        .put("text", t.answer().text()).put("logprobs", null).put("finish_reason", t.finishReason())))
                .put("usage", new JsonObject().put("prompt_tokens", t.promptTokens())
                        .put("completion_tokens", t.completionTokens()).put("total_tokens", t.totalTokens()));
    }

    /**
     * The streamed answer of {@code POST /v1/completions} before {@code data: [DONE]}: the legacy chunk
     * per piece, a last one with the finish reason, then the usage chunk when asked for.
     */
    List<Chunk> textCompletionStream(Turn t) {
        List<Chunk> chunks = new ArrayList<>();
        List<String> pieces = t.answer().pieces();
        for (int i = 0; i < pieces.size(); i++) {
            int at = i;
            chunks.add(Chunk.json(() -> t.logprobs() < 0 ? textChunk(t, pieces.get(at), null)
                    : withLogprobs(textChunk(t, pieces.get(at), null), completionLogprobs(t, at, at + 1)),
                    t.answer().pieceInterval()));
        }
        chunks.add(Chunk.json(() -> textChunk(t, "", t.finishReason())));
        if (t.includeUsage()) {
            chunks.add(Chunk.json(() -> new JsonObject().put("id", t.id()).put("object", "text_completion")
                    .put("created", t.created()).put("model", t.model()).put("choices", List.of())
                    .put("usage", new JsonObject().put("prompt_tokens", t.promptTokens())
                            .put("completion_tokens", t.completionTokens()).put("total_tokens", t.totalTokens()))));
        }
        return chunks;
    }

    private static JsonObject textChunk(Turn t, String text, String finishReason) {
        return new JsonObject().put("id", t.id()).put("object", "text_completion").put("created", t.created())
                .put("model", t.model()).put("choices", List.of(new JsonObject().put("index", 0).put("text", text)
                        .put("logprobs", null).put("finish_reason", finishReason)));
    }

    /** The answer to every embeddings request of a server that does not embed; null when it does. */
    Reply refuseEmbeddings() {
        return null;
    }

    /** Extra routes some servers have ({@code /health}); null when the path is not one. */
    /** Told of each answer given, for servers that count them (llama.cpp's /metrics). */
    void served(Turn t) {
    }

    Reply extraRoute(Call call) {
        return null;
    }
}
