package io.github.localllm.testkit.internal.openai;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.Ids;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI API itself, the reference the compatible servers imitate: string error codes
 * (fixtures/openai/openai-canonical-error-constructed.json), {@code refusal} in the role delta,
 * {@code "usage":null} on every chunk when usage is asked for, {@code Invalid URL} for unknown routes.
 */
final class OpenAiCloudDialect extends Dialect {
    private static final String JSON = "application/json";

    @Override
    JsonStyle style() {
        return JsonStyle.PYTHON;
    }

    @Override
    String jsonType() {
        return JSON;
    }

    @Override
    String sseType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    String completionId(Ids ids) {
        return "chatcmpl-" + ids.alnum(29);
    }

    @Override
    String toolCallId(Ids ids) {
        return "call_" + ids.alnum(24);
    }

    private static String fingerprint(Turn t) {
        return "fp_" + Integer.toHexString(t.model().hashCode() | 0x10000000);
    }

    @Override
    JsonObject completion(Turn t) {
        JsonObject message = new JsonObject().put("role", "assistant")
                .put("content", t.calls().isEmpty() || !t.answer().text().isEmpty() ? t.answer().text() : null)
                .put("refusal", null);
        if (!t.calls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (int i = 0; i < t.calls().size(); i++) {
                FakeToolCall c = t.calls().get(i);
                calls.add(new JsonObject().put("id", t.callIds().get(i)).put("type", "function")
                        .put("function", new JsonObject().put("name", c.name()).put("arguments", c.arguments())));
            }
            message.put("tool_calls", calls);
        }
        return new JsonObject().put("id", t.id()).put("object", "chat.completion").put("created", t.created())
                .put("model", t.model()).put("choices", List.of(new JsonObject().put("index", 0).put("message", message)
                        .put("logprobs", null).put("finish_reason", t.finishReason())))
                .put("usage", usage(t)).put("system_fingerprint", fingerprint(t));
    }

    @Override
    List<Chunk> stream(Turn t) {
        List<Chunk> chunks = new ArrayList<>();
        chunks.add(Chunk.json(() -> chunk(t, new JsonObject().put("role", "assistant").put("content", "").put("refusal", null), null)));
        chunks.addAll(textChunks(t, delta -> chunk(t, delta, null)));
        chunks.addAll(toolCallChunks(t, delta -> chunk(t, delta, null)));
        chunks.add(Chunk.json(() -> chunk(t, new JsonObject(), t.finishReason())));
        if (t.includeUsage()) {
            chunks.add(Chunk.json(() -> new JsonObject().put("id", t.id()).put("object", "chat.completion.chunk")
                    .put("created", t.created()).put("model", t.model()).put("system_fingerprint", fingerprint(t))
                    .put("choices", List.of()).put("usage", usage(t))));
        }
        return chunks;
    }

    private static JsonObject chunk(Turn t, JsonObject delta, String finishReason) {
        JsonObject o = new JsonObject().put("id", t.id()).put("object", "chat.completion.chunk").put("created", t.created())
                .put("model", t.model()).put("system_fingerprint", fingerprint(t))
                .put("choices", List.of(new JsonObject().put("index", 0).put("delta", delta).put("logprobs", null)
                        .put("finish_reason", finishReason)));
        return t.includeUsage() ? o.put("usage", null) : o;
    }

    private static JsonObject usage(Turn t) {
        return new JsonObject().put("prompt_tokens", t.promptTokens()).put("completion_tokens", t.completionTokens())
                .put("total_tokens", t.totalTokens());
    }

    @Override
    JsonObject modelList(List<FakeModel> models, long created) {
        List<Object> data = new ArrayList<>();
        for (FakeModel m : models) {
            data.add(new JsonObject().put("id", m.name()).put("object", "model").put("created", m.modifiedAt().getEpochSecond())
                    .put("owned_by", "system"));
        }
        return new JsonObject().put("object", "list").put("data", data);
    }

    @Override
    JsonObject embeddingList(String model, FakeModel served, List<Object> vectors, int tokens, long created, Ids ids) {
        List<Object> data = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", vectors.get(i)));
        }
        return new JsonObject().put("object", "list").put("data", data).put("model", model)
                .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
    }

    @Override
    Reply error(int status, String message) {
        String type = status == 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
        String code = status == 429 ? "rate_limit_exceeded" : null;
        return Reply.json(status, JSON, new JsonObject().put("error", new JsonObject().put("message", message)
                .put("type", type).put("param", null).put("code", code)), style());
    }

    @Override
    Reply modelNotFound(String model) {
        return Reply.json(404, JSON, new JsonObject().put("error", new JsonObject()
                .put("message", "The model `" + model + "` does not exist or you do not have access to it.")
                .put("type", "invalid_request_error").put("param", null).put("code", "model_not_found")), style());
    }

    @Override
    Reply unknownRoute(Call call) {
        return Reply.json(404, JSON, new JsonObject().put("error", new JsonObject()
                .put("message", "Invalid URL (" + call.method() + " " + call.path() + ")")
                .put("type", "invalid_request_error").put("param", null).put("code", null)), style());
    }

    @Override
    List<Chunk> midStreamError() {
        return List.of(Chunk.json(() -> new JsonObject().put("error", new JsonObject()
                .put("message", "The server had an error while processing your request.").put("type", "server_error")
                .put("param", null).put("code", null))));
    }
}
