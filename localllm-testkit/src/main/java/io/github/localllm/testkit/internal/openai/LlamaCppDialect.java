package io.github.localllm.testkit.internal.openai;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.FakeLogprobs;
import io.github.localllm.testkit.internal.Ids;
import io.github.localllm.testkit.internal.ParameterCounts;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * llama.cpp's {@code llama-server} (build b10470), as captured on the wire in
 * fixtures/llama-server/: members in nlohmann::ordered_json insertion order (the non-streamed
 * answer puts {@code id} after {@code usage}), a {@code timings} object in milliseconds, the
 * integer HTTP status in {@code error.code}, {@code Server: llama.cpp}, and one model served
 * whatever name is asked for.
 */
final class LlamaCppDialect extends Dialect {
    private static final String JSON = "application/json; charset=utf-8";
    private static final Map<String, String> FTYPES = Map.ofEntries(Map.entry("F32", "all F32"), Map.entry("F16", "F16"),
            Map.entry("BF16", "BF16"), Map.entry("Q4_0", "Q4_0"), Map.entry("Q4_1", "Q4_1"), Map.entry("Q5_0", "Q5_0"),
            Map.entry("Q5_1", "Q5_1"), Map.entry("Q8_0", "Q8_0"), Map.entry("Q2_K", "Q2_K - Medium"),
            Map.entry("Q3_K_S", "Q3_K - Small"), Map.entry("Q3_K_M", "Q3_K - Medium"), Map.entry("Q3_K_L", "Q3_K - Large"),
            Map.entry("Q4_K_S", "Q4_K - Small"), Map.entry("Q4_K_M", "Q4_K - Medium"), Map.entry("Q5_K_S", "Q5_K - Small"),
            Map.entry("Q5_K_M", "Q5_K - Medium"), Map.entry("Q6_K", "Q6_K"));

    /** The slots of the captured server ({@code total_slots} of 03-GET-props.http). */
    static final int TOTAL_SLOTS = 4;

    private final String systemFingerprint;
    private final boolean embeddings;
    private final LlamaCppRoutes routes;

    LlamaCppDialect(String systemFingerprint, boolean embeddings, boolean metrics, long startSeconds) {
        this.systemFingerprint = systemFingerprint;
        this.embeddings = embeddings;
        this.routes = new LlamaCppRoutes(metrics, startSeconds);
    }

    /** Counts an answer for {@code /metrics} and {@code /slots}. */
    @Override
    void served(Turn t) {
        routes.served(t);
    }

    /** 10-ERR-v1-embeddings-on-gen-server.http: a server started without {@code --embeddings}. */
    @Override
    Reply refuseEmbeddings() {
        return embeddings ? null : error(501, "This server does not support embeddings. Start it with `--embeddings`");
    }

    @Override
    JsonStyle style() {
        return JsonStyle.NLOHMANN;
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
    List<Map.Entry<String, String>> leadingHeaders(boolean streaming) {
        // The server sends an empty Access-Control-Allow-Origin when the request has no Origin.
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(Map.entry("Server", "llama.cpp"),
                Map.entry("Access-Control-Allow-Origin", "")));
        if (streaming) {
            headers.add(Map.entry("X-Accel-Buffering", "no"));
        }
        return headers;
    }

    @Override
    String completionId(Ids ids) {
        return "chatcmpl-" + ids.alnum(32);
    }

    @Override
    String toolCallId(Ids ids) {
        return ids.alnum(32);
    }

    @Override
    boolean servesAnyModel() {
        return true;
    }

    /** 04-POST-v1-chat-completions.http. */
    @Override
    JsonObject completion(Turn t) {
        JsonObject message = new JsonObject().put("role", "assistant")
                .put("content", t.calls().isEmpty() || !t.answer().text().isEmpty() ? t.answer().text() : null);
        if (!t.calls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (int i = 0; i < t.calls().size(); i++) {
                FakeToolCall c = t.calls().get(i);
                calls.add(new JsonObject().put("type", "function")
                        .put("function", new JsonObject().put("name", c.name()).put("arguments", c.arguments()))
                        .put("id", t.callIds().get(i)));
            }
            message.put("tool_calls", calls);
        }
        return new JsonObject()
                .put("choices", List.of(new JsonObject().put("finish_reason", t.finishReason()).put("index", 0).put("message", message)))
                .put("created", t.clockSeconds().getAsLong()).put("model", t.model())
                .put("system_fingerprint", systemFingerprint).put("object", "chat.completion").put("usage", usage(t))
                .put("id", t.id()).put("timings", timings(t));
    }

    /** 05-...-stream.http (finish chunk with timings) and 05c-...-include-usage.http (usage chunk carries them). */
    @Override
    List<Chunk> stream(Turn t) {
        List<Chunk> chunks = new ArrayList<>();
        chunks.add(Chunk.json(() -> chunk(t, null, new JsonObject().put("role", "assistant").put("content", null))));
        chunks.addAll(textChunks(t, delta -> chunk(t, null, delta)));
        chunks.addAll(toolCallChunks(t, delta -> chunk(t, null, delta)));
        chunks.add(Chunk.json(() -> {
            JsonObject finish = chunk(t, t.finishReason(), new JsonObject());
            return t.includeUsage() ? finish : finish.put("timings", timings(t));
        }));
        if (t.includeUsage()) {
            chunks.add(Chunk.json(() -> new JsonObject().put("choices", List.of()).put("created", t.clockSeconds().getAsLong())
                    .put("id", t.id()).put("model", t.model()).put("system_fingerprint", systemFingerprint)
                    .put("object", "chat.completion.chunk").put("usage", usage(t)).put("timings", timings(t))));
        }
        return chunks;
    }

    private JsonObject chunk(Turn t, String finishReason, JsonObject delta) {
        return new JsonObject()
                .put("choices", List.of(new JsonObject().put("finish_reason", finishReason).put("index", 0).put("delta", delta)))
                .put("created", t.clockSeconds().getAsLong()).put("id", t.id()).put("model", t.model())
                .put("system_fingerprint", systemFingerprint).put("object", "chat.completion.chunk");
    }

    private static JsonObject usage(Turn t) {
        return new JsonObject().put("completion_tokens", t.completionTokens()).put("prompt_tokens", t.promptTokens())
                .put("total_tokens", t.totalTokens())
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", t.answer().cachedPromptTokens()));
    }

    /**
     * Milliseconds from whole microseconds, as the server measures them. The captures divide the
     * generation time by one token fewer than {@code predicted_n} (the first token is sampled with
     * the prompt) and compute rates as {@code 1e3 / ms * n}; both reproduced to the last digit.
     */
    static JsonObject timings(Turn t) {
        int cached = t.answer().cachedPromptTokens();
        int promptN = t.promptTokens() - cached;
        double promptMs = (t.answer().promptEvalDuration().toNanos() / 1000) / 1e3;
        int predictedN = t.completionTokens();
        double predictedMs = (t.answer().evalDuration().toNanos() / 1000) / 1e3;
        int generated = Math.max(predictedN - 1, 0);
        return new JsonObject().put("cache_n", cached).put("prompt_n", promptN).put("prompt_ms", promptMs)
                .put("prompt_per_token_ms", promptMs / promptN).put("prompt_per_second", 1e3 / promptMs * promptN)
                .put("predicted_n", predictedN).put("predicted_ms", predictedMs)
                .put("predicted_per_token_ms", predictedMs / generated)
                .put("predicted_per_second", 1e3 / predictedMs * generated);
    }

    /**
     * fixtures/llama-server/31-logprobs-*.http: {@code logprobs: true} without {@code top_logprobs}
     * reports 20 alternatives, and asking for 0 reports nothing at all.
     */
    @Override
    int logprobsAsked(JsonObject request, boolean chat) {
        int asked = chat && request.bool("logprobs").orElse(false) && request.number("top_logprobs").isEmpty()
                ? 20 : super.logprobsAsked(request, chat);
        return asked == 0 ? -1 : asked;
    }

    /** The token id first, then the members in the server's order. */
    @Override
    JsonObject tokenLogprob(String token, double logprob, int id, List<Object> top) {
        JsonObject o = new JsonObject().put("id", id).put("token", token).put("bytes", FakeLogprobs.bytes(token))
                .put("logprob", logprob);
        return top == null ? o : o.put("top_logprobs", top);
    }

    /** Completions report the chat shape too. */
    @Override
    Object completionLogprobs(Turn t, int from, int to) {
        return chatLogprobs(t, from, to);
    }

    /** 06-POST-v1-completions.http: the id is a {@code chatcmpl-} one here too. */
    @Override
    String textCompletionId(Ids ids) {
        return completionId(ids);
    }

    /** 06-POST-v1-completions.http. */
    @Override
    JsonObject textCompletion(Turn t) {
        return new JsonObject().put("choices", List.of(textChoice(t.answer().text(), t.finishReason())))
                .put("created", t.clockSeconds().getAsLong()).put("model", t.model())
                .put("system_fingerprint", systemFingerprint).put("object", "text_completion").put("usage", usage(t))
                .put("id", t.id()).put("timings", timings(t));
    }

    /** 07-POST-v1-completions-stream.http: no role chunk; the last chunk carries usage and timings. */
    @Override
    List<Chunk> textCompletionStream(Turn t) {
        List<Chunk> chunks = new ArrayList<>();
        List<String> pieces = t.answer().pieces();
        for (int i = 0; i < pieces.size(); i++) {
            int at = i;
            chunks.add(Chunk.json(() -> t.logprobs() < 0 ? textChunk(t, pieces.get(at), null)
                    : withLogprobs(textChunk(t, pieces.get(at), null), completionLogprobs(t, at, at + 1)),
                    t.answer().pieceInterval()));
        }
        chunks.add(Chunk.json(() -> {
            JsonObject last = textChunk(t, "", t.finishReason());
            JsonObject out = new JsonObject();
            last.members().forEach((k, v) -> {
                if (k.equals("id")) {
                    out.put("usage", usage(t));
                }
                out.put(k, v);
            });
            return out.put("timings", timings(t));
        }));
        return chunks;
    }

    private static JsonObject textChoice(String text, String finishReason) {
        return new JsonObject().put("text", text).put("index", 0).put("logprobs", null).put("finish_reason", finishReason);
    }

    private JsonObject textChunk(Turn t, String text, String finishReason) {
        return new JsonObject().put("choices", List.of(textChoice(text, finishReason)))
                .put("created", t.clockSeconds().getAsLong()).put("model", t.model())
                .put("system_fingerprint", systemFingerprint).put("object", "text_completion").put("id", t.id());
    }

    /**
     * 03-GET-props.http: the server's settings for its (first) model, the sampling defaults of that
     * build as captured, the model's context as {@code n_ctx}, and no vision.
     */
    JsonObject props(List<FakeModel> models, Ids ids) {
        FakeModel m = models.isEmpty() ? FakeModel.of("model") : models.get(0);
        JsonObject caps = new JsonObject().put("supports_object_arguments", false).put("supports_parallel_tool_calls", false)
                .put("supports_preserve_reasoning", false).put("supports_reasoning_effort", false)
                .put("supports_string_content", true).put("supports_system_role", true).put("supports_tool_calls", false)
                .put("supports_tools", false).put("supports_typed_content", false);
        return new JsonObject()
                .put("default_generation_settings", new JsonObject().put("params", params()).put("n_ctx", m.contextLength()))
                .put("total_slots", TOTAL_SLOTS).put("model_alias", m.name())
                .put("model_ftype", FTYPES.getOrDefault(m.quantization(), m.quantization()))
                .put("model_path", "models/" + m.name() + ".gguf")
                .put("modalities", new JsonObject().put("vision", false).put("video", false).put("audio", false))
                .put("media_marker", "<__media_" + ids.alnum(32) + "__>").put("endpoint_slots", true)
                .put("endpoint_props", false).put("endpoint_metrics", routes.metricsEnabled()).put("ui", true)
                .put("ui_settings", new JsonObject())
                .put("chat_template", CHAT_TEMPLATE).put("chat_template_caps", caps).put("bos_token", "<s>")
                .put("eos_token", "</s>").put("build_info", systemFingerprint).put("is_sleeping", false)
                .put("cors_proxy_enabled", false);
    }

    /** The sampling defaults of b10470 as 03-GET-props.http and 22-GET-slots.http report them. */
    static JsonObject params() {
        return new JsonObject().put("seed", 4294967295L).put("temperature", 0.800000011920929)
                .put("dynatemp_range", 0.0).put("dynatemp_exponent", 1.0).put("top_k", 40).put("top_p", 0.949999988079071)
                .put("min_p", 0.05000000074505806).put("top_n_sigma", -1.0).put("xtc_probability", 0.0)
                .put("xtc_threshold", 0.10000000149011612).put("typical_p", 1.0).put("repeat_last_n", 64)
                .put("repeat_penalty", 1.0).put("presence_penalty", 0.0).put("frequency_penalty", 0.0)
                .put("dry_multiplier", 0.0).put("dry_base", 1.75).put("dry_allowed_length", 2).put("dry_penalty_last_n", 64)
                .put("mirostat", 0).put("mirostat_tau", 5.0).put("mirostat_eta", 0.10000000149011612)
                .put("adaptive_target", -1.0).put("adaptive_decay", 0.8999999761581421).put("max_tokens", -1)
                .put("n_predict", -1).put("n_keep", 0).put("n_discard", 0).put("ignore_eos", false).put("stream", false)
                .put("n_probs", 0).put("min_keep", 0).put("chat_format", "Content-only").put("reasoning_format", "none")
                .put("reasoning_in_content", false).put("generation_prompt", "")
                .put("samplers", List.of("penalties", "dry", "top_n_sigma", "top_k", "typ_p", "top_p", "min_p", "xtc", "temperature"))
                .put("speculative.types", "none").put("timings_per_token", false).put("post_sampling_probs", false)
                .put("backend_sampling", false).put("lora", List.of());
    }

    /** The template of the captured model (a llama-2 style one). */
    private static final String CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if message['role'] =="
            + " 'system' %}<<SYS>>\n{{ message['content'] }}\n<</SYS>>\n\n{% elif message['role'] == 'user' %}[INST]"
            + " {{ message['content'] }} [/INST]{% elif message['role'] == 'assistant' %} {{ message['content'] }}"
            + "{{ eos_token }}{% endif %}{% endfor %}";

    /** 02-GET-v1-models.http: an Ollama-style {@code models} list beside the OpenAI {@code data}; one model. */
    @Override
    JsonObject modelList(List<FakeModel> models, long created) {
        List<Object> ollama = new ArrayList<>();
        List<Object> data = new ArrayList<>();
        for (FakeModel m : models.stream().limit(1).toList()) {
            ollama.add(new JsonObject().put("name", m.name()).put("model", m.name()).put("modified_at", "").put("size", "")
                    .put("digest", "").put("type", "model").put("description", "").put("tags", List.of(""))
                    .put("capabilities", List.of(m.embedding() ? "embedding" : "completion")).put("parameters", "")
                    .put("details", new JsonObject().put("parent_model", "").put("format", "gguf").put("family", "")
                            .put("families", List.of("")).put("parameter_size", "").put("quantization_level", "")));
            // vocab_type, n_vocab and n_embd are the capture's values: a fake has no tokenizer or weights.
            Long params = ParameterCounts.parse(m.parameterSize());
            data.add(new JsonObject().put("id", m.name()).put("aliases", List.of(m.name())).put("tags", List.of())
                    .put("object", "model").put("created", created).put("owned_by", "llamacpp")
                    .put("meta", new JsonObject().put("vocab_type", 1).put("n_vocab", 32000).put("n_ctx", m.contextLength())
                            .put("n_ctx_train", m.contextLength()).put("n_embd", 768).put("n_params", params == null ? 0L : params)
                            .put("size", m.sizeBytes()).put("ftype", FTYPES.getOrDefault(m.quantization(), m.quantization()))));
        }
        return new JsonObject().put("models", ollama).put("object", "list").put("data", data);
    }

    /** 11-POST-v1-embeddings.http. */
    @Override
    JsonObject embeddingList(String model, FakeModel served, List<Object> vectors, int tokens, long created, Ids ids) {
        List<Object> data = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            data.add(new JsonObject().put("embedding", vectors.get(i)).put("index", i).put("object", "embedding"));
        }
        return new JsonObject().put("model", model).put("object", "list")
                .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens)).put("data", data);
    }

    @Override
    String statusMessage(int status) {
        // 00-health-during-load.http.
        return status == 503 ? "Loading model" : super.statusMessage(status);
    }

    /**
     * Handler errors (10b, 10c, 16 captures) are {@code {"error":{"code":N,"message":...,"type":...}}}; the
     * 503 while the model loads comes from another path and orders its members message, type, code
     * (00-health-during-load.http; the README's sample, openai/llamacpp-health-loading-503.json, has the
     * handler order, the capture wins).
     */
    @Override
    Reply error(int status, String message) {
        if (status == 503) {
            return Reply.json(status, JSON, new JsonObject().put("error", new JsonObject().put("message", message)
                    .put("type", "unavailable_error").put("code", status)), style());
        }
        String type = switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 501 -> "not_supported_error";
            case 503 -> "unavailable_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
        return Reply.json(status, JSON, new JsonObject().put("error",
                new JsonObject().put("code", status).put("message", message).put("type", type)), style());
    }

    /** Invalid JSON is a 500 from the JSON parser's exception, not a 400 (10c-ERR-chat-invalid-json.http). */
    @Override
    Reply badJson(String detail) {
        return error(500, "[json.exception.parse_error.101] parse error: " + detail);
    }

    /** 10b-ERR-chat-bad-request.http. */
    @Override
    String messagesMissing() {
        return "Expected 'messages' to be an array";
    }

    @Override
    Reply modelNotFound(String model) {
        return error(404, "model '" + model + "' not found");
    }

    /** 10d-ERR-404.http: this body has its members in another order than the other errors. */
    @Override
    Reply unknownRoute(Call call) {
        return Reply.json(404, JSON, new JsonObject().put("error", new JsonObject().put("message", "File Not Found")
                .put("type", "not_found_error").put("code", 404)), style());
    }

    @Override
    List<Chunk> midStreamError() {
        return List.of(Chunk.json(() -> new JsonObject().put("error", new JsonObject().put("code", 500)
                .put("message", "an error occurred during generation").put("type", "server_error"))));
    }

    /** 01-GET-health.http. */
    @Override
    Reply extraRoute(Call call) {
        if (call.path().equals("/health") || call.path().equals("/v1/health")) {
            return Reply.json(200, JSON, new JsonObject().put("status", "ok"), style());
        }
        return null;
    }

    /**
     * @param models the served models, for the context {@code /slots} reports
     * @return the answer of /tokenize, /detokenize, /slots or /metrics ({@link LlamaCppRoutes}), or {@code null}
     */
    Reply ownRoute(Call call, List<FakeModel> models) {
        return routes.handle(call, this::error, tree -> Reply.json(200, JSON, tree, style()), models);
    }
}
