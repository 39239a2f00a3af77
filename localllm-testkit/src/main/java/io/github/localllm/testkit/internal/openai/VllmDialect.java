package io.github.localllm.testkit.internal.openai;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.internal.Body;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.Ids;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * vLLM's OpenAI server (vllm/entrypoints/openai/protocol.py; fixtures/openai/vllm-*): role chunk with
 * {@code "content":""}, {@code "logprobs":null} in every choice, the finish chunk's delta
 * {@code {"content":""}}, usage members in the order prompt, total, completion, errors with the
 * integer status in {@code code}, unknown routes answered by FastAPI ({@code {"detail":"Not Found"}}),
 * and a usage chunk as soon as {@code stream_options} is present ({@code include_usage} defaults to true).
 */
final class VllmDialect extends Dialect {
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
        // Starlette adds the charset to every text/* media type.
        return "text/event-stream; charset=utf-8";
    }

    @Override
    List<Map.Entry<String, String>> leadingHeaders(boolean streaming) {
        return List.of(Map.entry("Server", "uvicorn"));
    }

    @Override
    String completionId(Ids ids) {
        return "chatcmpl-" + ids.hex(32);
    }

    @Override
    String toolCallId(Ids ids) {
        return "chatcmpl-tool-" + ids.hex(32);
    }

    @Override
    boolean includeUsage(JsonObject request) {
        return request.object("stream_options").map(o -> o.bool("include_usage").orElse(true)).orElse(false);
    }

    @Override
    JsonObject completion(Turn t) {
        JsonObject message = new JsonObject().put("role", "assistant")
                .put("content", t.calls().isEmpty() || !t.answer().text().isEmpty() ? t.answer().text() : null);
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
                .put("usage", usage(t));
    }

    /** fixtures/openai/vllm-chat-stream-include-usage-constructed.sse. */
    @Override
    List<Chunk> stream(Turn t) {
        List<Chunk> chunks = new ArrayList<>();
        chunks.add(Chunk.json(() -> chunk(t, new JsonObject().put("role", "assistant").put("content", ""), null)));
        chunks.addAll(textChunks(t, delta -> chunk(t, delta, null)));
        chunks.addAll(toolCallChunks(t, delta -> chunk(t, delta, null)));
        chunks.add(Chunk.json(() -> chunk(t, new JsonObject().put("content", ""), t.finishReason())));
        if (t.includeUsage()) {
            chunks.add(Chunk.json(() -> new JsonObject().put("id", t.id()).put("object", "chat.completion.chunk")
                    .put("created", t.created()).put("model", t.model()).put("choices", List.of()).put("usage", usage(t))));
        }
        return chunks;
    }

    /** vLLM's pydantic model orders the first tool-call delta id, type, index. */
    @Override
    JsonObject toolCallHead(int index, String id, String name) {
        return new JsonObject().put("id", id).put("type", "function").put("index", index)
                .put("function", new JsonObject().put("name", name).put("arguments", ""));
    }

    private static JsonObject chunk(Turn t, JsonObject delta, String finishReason) {
        return new JsonObject().put("id", t.id()).put("object", "chat.completion.chunk").put("created", t.created())
                .put("model", t.model()).put("choices", List.of(new JsonObject().put("index", 0).put("delta", delta)
                        .put("logprobs", null).put("finish_reason", finishReason)));
    }

    private static JsonObject usage(Turn t) {
        return new JsonObject().put("prompt_tokens", t.promptTokens()).put("total_tokens", t.totalTokens())
                .put("completion_tokens", t.completionTokens());
    }

    /** fixtures/openai/vllm-models-response-constructed.json. */
    @Override
    JsonObject modelList(List<FakeModel> models, long created) {
        List<Object> data = new ArrayList<>();
        for (FakeModel m : models) {
            data.add(new JsonObject().put("id", m.name()).put("object", "model").put("created", created)
                    .put("owned_by", "vllm").put("root", m.name()).put("parent", null)
                    .put("max_model_len", m.contextLength()).put("permission", List.of(new JsonObject()
                            .put("id", "modelperm-" + Integer.toHexString(m.name().hashCode())).put("object", "model_permission")
                            .put("created", created).put("allow_create_engine", false).put("allow_sampling", true)
                            .put("allow_logprobs", true).put("allow_search_indices", false).put("allow_view", true)
                            .put("allow_fine_tuning", false).put("organization", "*").put("group", null)
                            .put("is_blocking", false))));
        }
        return new JsonObject().put("object", "list").put("data", data);
    }

    @Override
    JsonObject embeddingList(String model, FakeModel served, List<Object> vectors, int tokens, long created, Ids ids) {
        List<Object> data = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            data.add(new JsonObject().put("index", i).put("object", "embedding").put("embedding", vectors.get(i)));
        }
        return new JsonObject().put("id", "embd-" + ids.hex(32)).put("object", "list").put("created", created)
                .put("model", model).put("data", data)
                .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens).put("completion_tokens", 0));
    }

    /** fixtures/openai/vllm-error-constructed.json. */
    @Override
    Reply error(int status, String message) {
        String type = switch (status) {
            case 400 -> "BadRequestError";
            case 404 -> "NotFoundError";
            case 429 -> "TooManyRequestsError";
            case 503 -> "ServiceUnavailableError";
            default -> status >= 500 ? "InternalServerError" : "BadRequestError";
        };
        return Reply.json(status, JSON, new JsonObject().put("error", new JsonObject().put("message", message)
                .put("type", type).put("param", null).put("code", status)), style());
    }

    @Override
    Reply modelNotFound(String model) {
        return error(404, "The model `" + model + "` does not exist.");
    }

    @Override
    Reply unknownRoute(Call call) {
        boolean knownPath = call.path().equals("/v1/models") || call.path().equals("/v1/chat/completions")
                || call.path().equals("/v1/embeddings") || call.path().equals("/v1/completions");
        return knownPath
                ? Reply.json(405, JSON, new JsonObject().put("detail", "Method Not Allowed"), style())
                : Reply.json(404, JSON, new JsonObject().put("detail", "Not Found"), style());
    }

    @Override
    List<Chunk> midStreamError() {
        return List.of(Chunk.json(() -> new JsonObject().put("error", new JsonObject()
                .put("message", "an error occurred during generation").put("type", "InternalServerError")
                .put("param", null).put("code", 500))));
    }

    /** vLLM's generator yields {@code data: [DONE]} after its error event. */
    @Override
    boolean doneAfterError() {
        return true;
    }

    @Override
    Reply extraRoute(Call call) {
        if (call.path().equals("/health") && call.method().equals("GET")) {
            return new Reply(200, List.of(), new Body.Empty(), style());
        }
        return null;
    }
}
