package io.github.localllm.testkit.internal.ollama;

import io.github.localllm.testkit.internal.FakeLogprobs;
import io.github.localllm.testkit.internal.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code logprobs} member of a {@code GenerateResponse} or {@code ChatResponse} (api/types.go
 * {@code Logprob}: {@code token}, {@code logprob}, {@code bytes}, {@code top_logprobs} omitted when
 * empty), placed where Go marshals it: after {@code done}, {@code done_reason} and the tool calls,
 * before the metrics.
 */
final class OllamaLogprobs {
    private OllamaLogprobs() {
    }

    /**
     * @param line the line without log probabilities
     * @param pieces the answer's tokens
     * @param from the first token the line carries
     * @param to one past its last
     * @param alternatives alternatives per token, or -1 for none asked
     * @return the line with them
     */
    static JsonObject with(JsonObject line, List<String> pieces, int from, int to, int alternatives) {
        if (alternatives < 0 || from >= to) {
            return line;
        }
        List<Object> logprobs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String piece = pieces.get(i);
            List<Object> top = new ArrayList<>();
            for (int k = 0; k < alternatives; k++) {
                top.add(token(FakeLogprobs.token(piece, k), FakeLogprobs.logprob(i, k)));
            }
            logprobs.add(token(piece, FakeLogprobs.logprob(i, 0)).putIf(!top.isEmpty(), "top_logprobs", top));
        }
        JsonObject out = new JsonObject();
        boolean placed = false;
        for (Map.Entry<String, Object> member : line.members().entrySet()) {
            if (!placed && member.getKey().equals("total_duration")) {
                out.put("logprobs", logprobs);
                placed = true;
            }
            out.put(member.getKey(), member.getValue());
        }
        return placed ? out : out.put("logprobs", logprobs);
    }

    private static JsonObject token(String token, double logprob) {
        return new JsonObject().put("token", token).put("logprob", logprob).put("bytes", FakeLogprobs.bytes(token));
    }
}
