package io.github.localllm.testkit.internal.openai;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.Ids;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import io.github.localllm.testkit.internal.ollama.OllamaProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's {@code /v1} (ollama/ollama v0.33.0-rc2 openai/openai.go and middleware/openai.go;
 * fixtures/openai/ollama-*): ids {@code chatcmpl-<0..998>}, {@code created} pinned to the first
 * chunk, {@code system_fingerprint: fp_ollama}, the first chunk carries the role and the first
 * text, no {@code logprobs} member, tool calls whole in one chunk, JSON answers and errors
 * written by {@code json.Encoder} (so followed by {@code \n}), errors with {@code param} and
 * {@code code} null, and gin's plain-text 404 for unknown routes.
 */
final class OllamaDialect extends Dialect {
    private static final String JSON = "application/json";

    @Override
    JsonStyle style() {
        return JsonStyle.GO;
    }

    @Override
    String jsonType() {
        return JSON;
    }

    @Override
    String sseType() {
        return "text/event-stream";
    }

    @Override
    String completionId(Ids ids) {
        return "chatcmpl-" + ids.below(999);
    }

    @Override
    String toolCallId(Ids ids) {
        return "call_" + ids.lowerAlnum(8);
    }

    @Override
    boolean newlineAfterJson() {
        return true;
    }

    @Override
    boolean widenFloats() {
        return false;
    }

    @Override
    JsonObject completion(Turn t) {
        JsonObject message = new JsonObject().put("role", "assistant").put("content", t.answer().text());
        if (!t.calls().isEmpty()) {
            message.put("tool_calls", toolCalls(t));
        }
        return new JsonObject().put("id", t.id()).put("object", "chat.completion").put("created", t.created())
                .put("model", t.model()).put("system_fingerprint", "fp_ollama")
                .put("choices", List.of(new JsonObject().put("index", 0).put("message", message)
                        .put("finish_reason", t.finishReason())))
                .put("usage", usage(t));
    }

    /** fixtures/openai/ollama-chat-stream-include-usage-constructed.sse. */
    @Override
    List<Chunk> stream(Turn t) {
        List<Chunk> chunks = new ArrayList<>();
        List<String> pieces = t.answer().pieces();
        for (int i = 0; i < pieces.size(); i++) {
            boolean first = i == 0;
            String piece = pieces.get(i);
            chunks.add(Chunk.json(() -> chunk(t, delta(first, piece), null), t.answer().pieceInterval()));
        }
        if (!t.calls().isEmpty()) {
            boolean first = pieces.isEmpty();
            chunks.add(Chunk.json(() -> chunk(t, delta(first, "").put("tool_calls", toolCalls(t)), null)));
        }
        if (pieces.isEmpty() && t.calls().isEmpty()) {
            chunks.add(Chunk.json(() -> chunk(t, delta(true, ""), null)));
        }
        chunks.add(Chunk.json(() -> chunk(t, new JsonObject(), t.finishReason())));
        if (t.includeUsage()) {
            chunks.add(Chunk.json(() -> new JsonObject().put("id", t.id()).put("object", "chat.completion.chunk")
                    .put("created", t.created()).put("model", t.model()).put("system_fingerprint", "fp_ollama")
                    .put("choices", List.of()).put("usage", usage(t))));
        }
        return chunks;
    }

    /** {@code Delta}: role only on the first chunk; content is an {@code any}, so "" is still written. */
    private static JsonObject delta(boolean first, String content) {
        JsonObject d = new JsonObject();
        if (first) {
            d.put("role", "assistant");
        }
        return d.put("content", content);
    }

    private static List<Object> toolCalls(Turn t) {
        List<Object> calls = new ArrayList<>();
        for (int i = 0; i < t.calls().size(); i++) {
            FakeToolCall c = t.calls().get(i);
            calls.add(new JsonObject().put("id", t.callIds().get(i)).put("index", i).put("type", "function")
                    .put("function", new JsonObject().put("name", c.name()).put("arguments", c.arguments())));
        }
        return calls;
    }

    /** Its {@code /v1} is not where this fake reports log probabilities; its own API is. */
    @Override
    boolean reportsLogprobs() {
        return false;
    }

    private static JsonObject chunk(Turn t, JsonObject delta, String finishReason) {
        return new JsonObject().put("id", t.id()).put("object", "chat.completion.chunk").put("created", t.created())
                .put("model", t.model()).put("system_fingerprint", "fp_ollama")
                .put("choices", List.of(new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finishReason)));
    }

    private static JsonObject usage(Turn t) {
        return new JsonObject().put("prompt_tokens", t.promptTokens()).put("completion_tokens", t.completionTokens())
                .put("total_tokens", t.totalTokens());
    }

    /** fixtures/openai/ollama-models-response-constructed.json: owned_by is the name's namespace. */
    @Override
    JsonObject modelList(List<FakeModel> models, long created) {
        List<Object> data = new ArrayList<>();
        for (FakeModel m : models) {
            String id = m.name().contains(":") ? m.name() : m.name() + ":latest";
            String namespace = id.contains("/") ? id.substring(0, id.indexOf('/')) : "library";
            data.add(new JsonObject().put("id", id).put("object", "model").put("created", m.modifiedAt().getEpochSecond())
                    .put("owned_by", namespace));
        }
        return new JsonObject().put("object", "list").put("data", data);
    }

    /** fixtures/openai/ollama-embeddings-response-constructed.json. */
    @Override
    JsonObject embeddingList(String model, FakeModel served, List<Object> vectors, int tokens, long created, Ids ids) {
        List<Object> data = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            data.add(new JsonObject().put("object", "embedding").put("embedding", vectors.get(i)).put("index", i));
        }
        return new JsonObject().put("object", "list").put("data", data).put("model", model)
                .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
    }

    /** fixtures/openai/ollama-error-constructed.json: openai.NewError's type by status. */
    @Override
    Reply error(int status, String message) {
        String type = status == 400 ? "invalid_request_error" : status == 404 ? "not_found_error" : "api_error";
        return Reply.json(status, JSON, new JsonObject().put("error", new JsonObject().put("message", message)
                .put("type", type).put("param", null).put("code", null)), style()).withNewline();
    }

    @Override
    String statusMessage(int status) {
        return status == 503 ? OllamaProtocol.QUEUE_FULL : super.statusMessage(status);
    }

    @Override
    Reply modelNotFound(String model) {
        return error(404, "model '" + model + "' not found");
    }

    @Override
    Reply unknownRoute(Call call) {
        return Reply.text(404, "text/plain", "404 page not found");
    }

    @Override
    List<Chunk> midStreamError() {
        return List.of(Chunk.json(() -> new JsonObject().put("error", new JsonObject()
                .put("message", OllamaProtocol.MID_STREAM_ERROR)
                .put("type", "api_error").put("param", null).put("code", null))));
    }
}
