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
import java.util.Locale;

/**
 * LM Studio's OpenAI-compatible {@code /v1} (lmstudio-ai/docs; fixtures/openai/lmstudio-*,
 * fixtures/lmstudio/v0-*): {@code choices[]} members index, logprobs, finish_reason, message;
 * {@code system_fingerprint} is the model id; a tool-call message has no {@code content}; the role
 * chunk carries only the role; unknown routes get HTTP 200 with a plain-string {@code error}.
 * Printed by JavaScript's {@code JSON.stringify}.
 */
public final class LmStudioDialect extends Dialect {
    static final String JSON = "application/json; charset=utf-8";

    @Override
    JsonStyle style() {
        return JsonStyle.ECMASCRIPT;
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
        return "chatcmpl-" + ids.lowerAlnum(21);
    }

    @Override
    String toolCallId(Ids ids) {
        return ids.digits(9);
    }

    /** fixtures/openai/lmstudio-chat-tools-response.json (and v0-chat-completions-response.json without its extras). */
    @Override
    JsonObject completion(Turn t) {
        return completionBody(t).put("system_fingerprint", t.model());
    }

    /** The completion without {@code system_fingerprint}, which the REST v0 answer replaces with stats. */
    public static JsonObject completionBody(Turn t) {
        JsonObject message = new JsonObject().put("role", "assistant");
        if (t.calls().isEmpty() || !t.answer().text().isEmpty()) {
            message.put("content", t.answer().text());
        }
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
                .put("model", t.model()).put("choices", List.of(new JsonObject().put("index", 0).put("logprobs", null)
                        .put("finish_reason", t.finishReason()).put("message", message)))
                .put("usage", new JsonObject().put("prompt_tokens", t.promptTokens())
                        .put("completion_tokens", t.completionTokens()).put("total_tokens", t.totalTokens()));
    }

    /** fixtures/openai/lmstudio-chat-stream-tool-calls-constructed.sse. */
    @Override
    List<Chunk> stream(Turn t) {
        List<Chunk> chunks = new ArrayList<>();
        chunks.add(Chunk.json(() -> chunk(t, new JsonObject().put("role", "assistant"), null)));
        chunks.addAll(textChunks(t, delta -> chunk(t, delta, null)));
        chunks.addAll(toolCallChunks(t, delta -> chunk(t, delta, null)));
        chunks.add(Chunk.json(() -> chunk(t, new JsonObject(), t.finishReason())));
        if (t.includeUsage()) {
            chunks.add(Chunk.json(() -> new JsonObject().put("id", t.id()).put("object", "chat.completion.chunk")
                    .put("created", t.created()).put("model", t.model()).put("system_fingerprint", t.model())
                    .put("choices", List.of()).put("usage", new JsonObject().put("prompt_tokens", t.promptTokens())
                            .put("completion_tokens", t.completionTokens()).put("total_tokens", t.totalTokens()))));
        }
        return chunks;
    }

    /** LM Studio ignores the log probability fields and answers {@code "logprobs": null}. */
    @Override
    boolean reportsLogprobs() {
        return false;
    }

    private static JsonObject chunk(Turn t, JsonObject delta, String finishReason) {
        return new JsonObject().put("id", t.id()).put("object", "chat.completion.chunk").put("created", t.created())
                .put("model", t.model()).put("system_fingerprint", t.model())
                .put("choices", List.of(new JsonObject().put("index", 0).put("delta", delta).put("logprobs", null)
                        .put("finish_reason", finishReason)));
    }

    @Override
    JsonObject modelList(List<FakeModel> models, long created) {
        List<Object> data = new ArrayList<>();
        for (FakeModel m : models) {
            data.add(new JsonObject().put("id", m.name()).put("object", "model").put("owned_by", "organization_owner"));
        }
        return new JsonObject().put("data", data).put("object", "list");
    }

    /** fixtures/lmstudio/v0-embeddings-response.json: the model id gains its variant, the token counts are 0. */
    @Override
    JsonObject embeddingList(String model, FakeModel served, List<Object> vectors, int tokens, long created, Ids ids) {
        List<Object> data = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            data.add(new JsonObject().put("object", "embedding").put("embedding", vectors.get(i)).put("index", i));
        }
        return new JsonObject().put("object", "list").put("data", data)
                .put("model", model + "@" + served.quantization().toLowerCase(Locale.ROOT))
                .put("usage", new JsonObject().put("prompt_tokens", 0).put("total_tokens", 0));
    }

    @Override
    Reply error(int status, String message) {
        return Reply.json(status, JSON, new JsonObject().put("error", new JsonObject().put("message", message)
                .put("type", status >= 500 ? "server_error" : "invalid_request_error").put("param", null).put("code", null)), style());
    }

    @Override
    Reply modelNotFound(String model) {
        return Reply.json(404, JSON, new JsonObject().put("error", new JsonObject()
                .put("message", "Model \"" + model + "\" not found. Please specify a valid model.")
                .put("type", "invalid_request_error").put("param", "model").put("code", "model_not_found")), style());
    }

    /** fixtures/openai/lmstudio-error-unknown-endpoint.json, with HTTP 200 as observed. */
    @Override
    Reply unknownRoute(Call call) {
        return unexpectedEndpoint(call);
    }

    public static Reply unexpectedEndpoint(Call call) {
        return Reply.json(200, JSON, new JsonObject().put("error",
                "Unexpected endpoint or method. (" + call.method() + " " + call.path() + ")"), JsonStyle.ECMASCRIPT);
    }

    @Override
    List<Chunk> midStreamError() {
        return List.of(Chunk.json(() -> new JsonObject().put("error", new JsonObject()
                .put("message", "The model has crashed without additional information.").put("type", "server_error")
                .put("param", null).put("code", null))));
    }
}
