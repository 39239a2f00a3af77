package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.StopReason;
import io.github.localllm.testkit.internal.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a real server does with a request's stop sequences and token limit, applied to a scripted
 * answer whose pieces count one token each: the answer ends before the first stop sequence (which
 * is left out, even when it starts inside a piece) with {@link StopReason#STOP}, or after as many
 * pieces as the limit allows with {@link StopReason#LENGTH}. A cut answer calls no tools: generation
 * ended before the model got to them.
 *
 * <p>Sources: Ollama {@code options.stop} and {@code options.num_predict} (api/types.go Options;
 * -1 and -2 mean no limit); OpenAI {@code stop} (a string or an array) and {@code max_tokens} /
 * {@code max_completion_tokens}; llama.cpp's {@code n_predict}; LM Studio's {@code max_tokens: -1}
 * for no limit.
 *
 * @param stop the stop sequences
 * @param maxTokens the most pieces to send, or 0 for no limit
 */
public record AnswerLimits(List<String> stop, int maxTokens) {
    /** No stop sequences and no limit. */
    public static final AnswerLimits NONE = new AnswerLimits(List.of(), 0);

    /** Copies the list; a limit below 1 means none. */
    public AnswerLimits {
        stop = stop.stream().filter(s -> !s.isEmpty()).toList();
        maxTokens = Math.max(0, maxTokens);
    }

    /** Ollama's native request: {@code options.stop} and {@code options.num_predict}. */
    public static AnswerLimits ollama(JsonObject request) {
        Optional<JsonObject> options = request.object("options");
        if (options.isEmpty()) {
            return NONE;
        }
        return new AnswerLimits(strings(options.get().get("stop")),
                options.get().number("num_predict").map(Double::intValue).orElse(0));
    }

    /** An OpenAI-style request: {@code stop}, then the first of {@code max_completion_tokens}, {@code max_tokens}, {@code n_predict}. */
    public static AnswerLimits openAi(JsonObject request) {
        int limit = request.number("max_completion_tokens")
                .or(() -> request.number("max_tokens"))
                .or(() -> request.number("n_predict"))
                .map(Double::intValue).orElse(0);
        return new AnswerLimits(strings(request.get("stop")), limit);
    }

    private static List<String> strings(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(out::add);
        }
        return out;
    }

    /** @return the answer as the server would send it under these limits */
    public ScriptedAnswer apply(ScriptedAnswer answer) {
        if (stop.isEmpty() && maxTokens == 0) {
            return answer;
        }
        List<String> consumed = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String piece : answer.pieces()) {
            if (maxTokens > 0 && consumed.size() == maxTokens) {
                return cut(answer, consumed, consumed.size(), StopReason.LENGTH);
            }
            consumed.add(piece);
            text.append(piece);
            int at = firstStop(text.toString());
            if (at >= 0) {
                // A stop sequence can begin in an earlier piece: servers hold such text back until they know.
                return cut(answer, prefix(consumed, at), consumed.size(), StopReason.STOP);
            }
        }
        if (maxTokens > 0 && consumed.size() + answer.toolCalls().size() > maxTokens) {
            return cut(answer, consumed, maxTokens, StopReason.LENGTH);
        }
        return answer;
    }

    /** @return where the earliest stop sequence starts, or -1 */
    private int firstStop(String text) {
        int best = -1;
        for (String seq : stop) {
            int at = text.indexOf(seq);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** @return the pieces cut to their first {@code chars} characters, without empty ones */
    private static List<String> prefix(List<String> pieces, int chars) {
        List<String> out = new ArrayList<>();
        int left = chars;
        for (String piece : pieces) {
            if (left == 0) {
                break;
            }
            String kept = piece.length() <= left ? piece : piece.substring(0, left);
            left -= kept.length();
            if (!kept.isEmpty()) {
                out.add(kept);
            }
        }
        return out;
    }

    private static ScriptedAnswer cut(ScriptedAnswer answer, List<String> pieces, int tokens, StopReason reason) {
        return new ScriptedAnswer(pieces, List.of(), reason, answer.promptTokens(), answer.cachedPromptTokens(), tokens,
                answer.loadDuration(), answer.promptEvalDuration(), answer.evalDuration(), answer.totalDuration(),
                answer.pieceInterval(), answer.id(), answer.thinking());
    }
}
