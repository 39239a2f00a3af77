package io.github.localllm.testkit.internal.ollama;

import static io.github.localllm.testkit.internal.ollama.OllamaReplies.NDJSON;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.error;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.goQuote;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.json;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.internal.AnswerLimits;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.Framing;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ollama's inference routes: {@code /api/generate} and {@code /api/chat} (NDJSON unless
 * {@code "stream": false}; an empty prompt or message list loads the model, with
 * {@code keep_alive: 0} unloads it), {@code /api/embed} and the legacy {@code /api/embeddings}.
 */
final class OllamaInference {
    private final EngineState state;
    private final OllamaModels models;
    private final String version;

    OllamaInference(EngineState state, OllamaModels models, String version) {
        this.state = state;
        this.models = models;
        this.version = version;
    }

    Reply generate(JsonObject request, String requested, FakeModel model) {
        String prompt = request.string("prompt").orElse("");
        Optional<Duration> keepAlive = KeepAlive.parse(request.get("keep_alive"));
        // server/routes.go GenerateHandler: the unload check comes before the capability checks.
        if (prompt.isEmpty() && keepAlive.filter(Duration::isZero).isPresent()) {
            state.models().setLoaded(model.name(), false, null);
            return json(200, OllamaJson.generateDone(requested, state.now(), "", "", "unload", null));
        }
        if (model.embedding()) {
            return error(400, goQuote(requested) + " does not support generate");
        }
        Optional<Reply> refused = thinkRefused(request, requested, model);
        if (refused.isPresent()) {
            return refused.get();
        }
        int numCtx = OllamaModels.numCtx(model, request);
        models.load(model, keepAlive, numCtx);
        if (prompt.isEmpty()) {
            return json(200, OllamaJson.generateDone(requested, state.now(), "", "", "load", null));
        }
        PromptFit.Outcome fit = PromptFit.apply(version, request, numCtx, state.nextAnswer(AnswerLimits.ollama(request)));
        if (fit.refusal() != null) {
            return fit.refusal();
        }
        ScriptedAnswer answer = fit.answer();
        List<String> thinking = thinks(request, model) ? answer.thinking() : List.of();
        String reason = OllamaJson.doneReason(answer.stopReason());
        int alternatives = logprobsAsked(request);
        if (!request.bool("stream").orElse(true)) {
            return json(200, OllamaLogprobs.with(OllamaJson.generateDone(requested, state.now(), answer.text(),
                    String.join("", thinking), reason, answer), answer.pieces(), 0, answer.pieces().size(), alternatives));
        }
        List<Chunk> chunks = new ArrayList<>();
        for (String piece : thinking) {
            chunks.add(Chunk.json(() -> OllamaJson.generateChunk(requested, state.now(), "", piece), answer.pieceInterval()));
        }
        for (int i = 0; i < answer.pieces().size(); i++) {
            int at = i;
            chunks.add(Chunk.json(() -> OllamaLogprobs.with(OllamaJson.generateChunk(requested, state.now(),
                    answer.pieces().get(at), ""), answer.pieces(), at, at + 1, alternatives), answer.pieceInterval()));
        }
        chunks.add(Chunk.json(() -> OllamaJson.generateDone(requested, state.now(), "", "", reason, answer)));
        return Reply.stream(NDJSON, Framing.NDJSON, chunks, JsonStyle.GO);
    }

    Reply chat(JsonObject request, String requested, FakeModel model) {
        List<?> messages = request.array("messages").orElse(List.of());
        Optional<Duration> keepAlive = KeepAlive.parse(request.get("keep_alive"));
        if (messages.isEmpty() && keepAlive.filter(Duration::isZero).isPresent()) {
            state.models().setLoaded(model.name(), false, null);
            return json(200, OllamaJson.chatDone(requested, state.now(), "", "", List.of(), List.of(), "unload", null));
        }
        if (model.embedding()) {
            return error(400, goQuote(requested) + " does not support chat");
        }
        boolean tools = request.array("tools").filter(t -> !t.isEmpty()).isPresent();
        if (tools && !model.capabilities().contains("tools")) {
            // server/images.go CheckCapabilities via scheduleRunner: the fully qualified name, then the capability.
            return error(400, "registry.ollama.ai/library/" + OllamaModels.displayName(model) + " does not support tools");
        }
        Optional<Reply> refused = thinkRefused(request, requested, model);
        if (refused.isPresent()) {
            return refused.get();
        }
        int numCtx = OllamaModels.numCtx(model, request);
        models.load(model, keepAlive, numCtx);
        if (messages.isEmpty()) {
            return json(200, OllamaJson.chatDone(requested, state.now(), "", "", List.of(), List.of(), "load", null));
        }
        PromptFit.Outcome fit = PromptFit.apply(version, request, numCtx, state.nextAnswer(AnswerLimits.ollama(request)));
        if (fit.refusal() != null) {
            return fit.refusal();
        }
        ScriptedAnswer answer = fit.answer();
        List<String> thinking = thinks(request, model) ? answer.thinking() : List.of();
        String reason = OllamaJson.doneReason(answer.stopReason());
        // The server parses tool calls out of the model's output only when the request offers tools.
        List<FakeToolCall> calls = tools ? answer.toolCalls() : List.of();
        List<String> ids = new ArrayList<>();
        for (FakeToolCall c : calls) {
            ids.add(c.id().orElseGet(() -> "call_" + state.ids().lowerAlnum(8)));
        }
        int alternatives = logprobsAsked(request);
        if (!request.bool("stream").orElse(true)) {
            return json(200, OllamaLogprobs.with(OllamaJson.chatDone(requested, state.now(), answer.text(),
                    String.join("", thinking), calls, ids, reason, answer), answer.pieces(), 0, answer.pieces().size(),
                    alternatives));
        }
        List<Chunk> chunks = new ArrayList<>();
        for (String piece : thinking) {
            chunks.add(Chunk.json(() -> OllamaJson.chatChunk(requested, state.now(), "", piece, List.of(), List.of()),
                    answer.pieceInterval()));
        }
        for (int i = 0; i < answer.pieces().size(); i++) {
            int at = i;
            chunks.add(Chunk.json(() -> OllamaLogprobs.with(OllamaJson.chatChunk(requested, state.now(),
                    answer.pieces().get(at), "", List.of(), List.of()), answer.pieces(), at, at + 1, alternatives),
                    answer.pieceInterval()));
        }
        if (!calls.isEmpty()) {
            chunks.add(Chunk.json(() -> OllamaJson.chatChunk(requested, state.now(), "", "", calls, ids),
                    answer.pieceInterval()));
        }
        chunks.add(Chunk.json(() -> OllamaJson.chatDone(requested, state.now(), "", "", List.of(), List.of(), reason,
                answer)));
        return Reply.stream(NDJSON, Framing.NDJSON, chunks, JsonStyle.GO);
    }

    /**
     * Alternatives per token asked for with {@code logprobs: true} and {@code top_logprobs}, or -1: not
     * asked, or a server before 0.12.11, which ignores both fields.
     */
    private int logprobsAsked(JsonObject request) {
        int[] v = PromptFit.parse(version);
        boolean reports = v[0] > 0 || v[1] > 12 || v[1] == 12 && v[2] >= 11;
        if (!reports || !request.bool("logprobs").orElse(false)) {
            return -1;
        }
        return request.number("top_logprobs").map(Double::intValue).orElse(0);
    }

    /** server/routes.go: {@code think: true} to a model without the thinking capability is refused. */
    private static Optional<Reply> thinkRefused(JsonObject request, String requested, FakeModel model) {
        if (request.bool("think").orElse(false) && !model.capabilities().contains("thinking")) {
            return Optional.of(error(400, goQuote(requested) + " does not support thinking"));
        }
        return Optional.empty();
    }

    /** A thinking model thinks unless told not to ({@code think} unset means true for it). */
    private static boolean thinks(JsonObject request, FakeModel model) {
        return model.capabilities().contains("thinking") && request.bool("think").orElse(true);
    }

    Reply embed(JsonObject request, String requested, FakeModel model) {
        List<String> inputs = new ArrayList<>();
        Object input = request.get("input");
        if (input instanceof String s) {
            inputs.add(s);
        } else if (input instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    return error(400, "invalid input type");
                }
                inputs.add(s);
            }
        } else if (input != null) {
            return error(400, "invalid input type");
        }
        int numCtx = OllamaModels.numCtx(model, request);
        models.load(model, KeepAlive.parse(request.get("keep_alive")), numCtx);
        if (input == null) {
            return json(200, new JsonObject().put("model", requested).put("embeddings", List.of()));
        }
        if (!request.bool("truncate").orElse(true)
                && inputs.stream().anyMatch(text -> EngineState.tokens(text) > numCtx)) {
            // server/routes.go EmbedHandler with truncate:false; the fake counts words as tokens.
            return error(400, PromptFit.INPUT_EXCEEDS);
        }
        int dimensions = request.number("dimensions").map(Double::intValue).orElse(0);
        List<Object> vectors = new ArrayList<>();
        int tokens = 0;
        for (String text : inputs) {
            float[] v = state.vector(text);
            int n = dimensions > 0 ? Math.min(dimensions, v.length) : v.length;
            List<Object> floats = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                floats.add(v[i]);
            }
            vectors.add(floats);
            tokens += EngineState.tokens(text);
        }
        // EmbedResponse: model, embeddings ([][]float32), total_duration, load_duration, prompt_eval_count.
        return json(200, new JsonObject().put("model", requested).put("embeddings", vectors)
                .put("total_duration", Duration.ofMillis(5L + inputs.size()).toNanos())
                .put("load_duration", Duration.ofMillis(1).toNanos()).put("prompt_eval_count", tokens));
    }

    Reply embeddings(JsonObject request, String requested, FakeModel model) {
        String prompt = request.string("prompt").orElse("");
        models.load(model, KeepAlive.parse(request.get("keep_alive")), OllamaModels.numCtx(model, request));
        List<Object> values = new ArrayList<>();
        if (!prompt.isEmpty()) {
            // The legacy answer is []float64 computed from float32: the widened value, all its digits.
            for (float f : state.vector(prompt)) {
                values.add((double) f);
            }
        }
        return json(200, new JsonObject().put("embedding", values));
    }
}
