package io.github.localllm.testkit.internal.ollama;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.StopReason;
import io.github.localllm.testkit.internal.GoTime;
import io.github.localllm.testkit.internal.ParameterCounts;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonReader;
import io.github.localllm.testkit.internal.json.Payload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Ollama's response objects, members in the order Go marshals the structs of ollama/ollama v0.33.0-rc2
 * (api/types.go; fixtures/ollama/*): {@code GenerateResponse}, {@code ChatResponse},
 * {@code Metrics} (integer nanoseconds, each omitted when zero), {@code ListModelResponse},
 * {@code ProcessModelResponse}, {@code ModelDetails}, {@code ShowResponse}, {@code ProgressResponse}.
 */
final class OllamaJson {
    private OllamaJson() {
    }

    /** {@code GenerateResponse} while streaming: fixtures/ollama/generate-stream-response-full-constructed.ndjson line 1. */
    static JsonObject generateChunk(String model, Instant at, String piece, String thinking) {
        return new JsonObject().put("model", model).put("created_at", GoTime.format(at)).put("response", piece)
                .putIf(!thinking.isEmpty(), "thinking", thinking).put("done", false);
    }

    /** The final {@code GenerateResponse}, with {@code done_reason} and metrics (and the whole text when not streamed). */
    static JsonObject generateDone(String model, Instant at, String text, String thinking, String doneReason,
            ScriptedAnswer answer) {
        JsonObject o = new JsonObject().put("model", model).put("created_at", GoTime.format(at)).put("response", text)
                .putIf(!thinking.isEmpty(), "thinking", thinking).put("done", true).putIf(!doneReason.isEmpty(), "done_reason", doneReason);
        return answer == null ? o : metrics(o, answer);
    }

    /**
     * {@code ChatResponse} while streaming; {@code content} is always present, even empty, {@code thinking}
     * only when not (fixtures/ollama/chat-think-stream-constructed.ndjson).
     */
    static JsonObject chatChunk(String model, Instant at, String piece, String thinking, List<FakeToolCall> calls,
            List<String> callIds) {
        return new JsonObject().put("model", model).put("created_at", GoTime.format(at))
                .put("message", message(piece, thinking, calls, callIds)).put("done", false);
    }

    /** The final {@code ChatResponse}: {@code done} before {@code done_reason} (the older doc samples have them the other way round). */
    static JsonObject chatDone(String model, Instant at, String text, String thinking, List<FakeToolCall> calls,
            List<String> callIds, String doneReason, ScriptedAnswer answer) {
        JsonObject o = new JsonObject().put("model", model).put("created_at", GoTime.format(at))
                .put("message", message(text, thinking, calls, callIds)).put("done", true)
                .putIf(!doneReason.isEmpty(), "done_reason", doneReason);
        return answer == null ? o : metrics(o, answer);
    }

    static String doneReason(StopReason reason) {
        // Ollama's native API says "stop" even when the answer is a tool call; /v1 maps that to tool_calls.
        return reason == StopReason.LENGTH ? "length" : "stop";
    }

    private static JsonObject message(String content, String thinking, List<FakeToolCall> calls, List<String> callIds) {
        // api.Message: role, content (always), thinking (omitempty), images, tool_calls.
        JsonObject m = new JsonObject().put("role", "assistant").put("content", content)
                .putIf(!thinking.isEmpty(), "thinking", thinking);
        if (!calls.isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                // api.ToolCall: id (omitempty) then function{index (not omitempty), name, arguments as an object}.
                FakeToolCall c = calls.get(i);
                list.add(new JsonObject().put("id", callIds.get(i)).put("function", new JsonObject().put("index", i)
                        .put("name", c.name()).put("arguments", new Payload(JsonReader.parse(c.arguments())))));
            }
            m.put("tool_calls", list);
        }
        return m;
    }

    private static JsonObject metrics(JsonObject o, ScriptedAnswer a) {
        return o.putIf(!a.totalDuration().isZero(), "total_duration", a.totalDuration().toNanos())
                .putIf(!a.loadDuration().isZero(), "load_duration", a.loadDuration().toNanos())
                .putIf(a.promptTokens() > 0, "prompt_eval_count", a.promptTokens())
                .putIf(!a.promptEvalDuration().isZero(), "prompt_eval_duration", a.promptEvalDuration().toNanos())
                .putIf(a.completionTokens() > 0, "eval_count", a.completionTokens())
                .putIf(!a.evalDuration().isZero(), "eval_duration", a.evalDuration().toNanos());
    }

    /** {@code ListModelResponse}: fixtures/ollama/tags-response.json; the digest has no {@code sha256:} prefix. */
    static JsonObject tagsEntry(String name, FakeModel m) {
        return new JsonObject().put("name", name).put("model", name).put("modified_at", GoTime.format(m.modifiedAt()))
                .put("size", m.sizeBytes()).put("digest", digest(m.name())).put("details", details(m));
    }

    /** {@code ProcessModelResponse}: fixtures/ollama/ps-response-openapi.json; the context is the runner's {@code num_ctx}. */
    static JsonObject psEntry(String name, FakeModel m, Instant expiresAt, int contextLength) {
        return new JsonObject().put("name", name).put("model", name).put("size", m.sizeBytes())
                .put("digest", digest(m.name())).put("details", details(m)).put("expires_at", GoTime.format(expiresAt))
                .put("size_vram", m.sizeBytes()).put("context_length", contextLength);
    }

    /** {@code ShowResponse} with what a fake knows: details, a small model_info, capabilities, modified_at. */
    static JsonObject show(FakeModel m) {
        JsonObject info = new JsonObject().put("general.architecture", m.family());
        Long parameters = ParameterCounts.parse(m.parameterSize());
        info.putIf(parameters != null, "general.parameter_count", parameters);
        info.put(m.family() + ".context_length", m.contextLength());
        return new JsonObject().put("details", details(m)).put("model_info", info)
                .put("capabilities", m.capabilities())
                .put("modified_at", GoTime.format(m.modifiedAt()));
    }

    /** {@code ModelDetails}: {@code parent_model} is always written, even empty. */
    private static JsonObject details(FakeModel m) {
        return new JsonObject().put("parent_model", "").put("format", "gguf").put("family", m.family())
                .put("families", List.of(m.family())).put("parameter_size", m.parameterSize())
                .put("quantization_level", m.quantization());
    }

    /** A stable made-up blob digest (64 hex) for a model name. */
    static String digest(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
