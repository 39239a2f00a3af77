package io.github.localllm.backend.openai;

import io.github.localllm.TokenLogprob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code logprobs} of a choice in either of its two shapes. Chat answers, and llama.cpp's
 * completions too, list one object per token: {@code {"content": [{"token", "logprob",
 * "top_logprobs": [{"token", "logprob"}]}]}}. The OpenAI API's and vLLM's {@code /v1/completions}
 * keep the legacy columns: {@code {"tokens": [...], "token_logprobs": [...], "top_logprobs":
 * [{"token": logprob}]}}. Alternatives are cut to the number asked for, since llama.cpp reports
 * none when asked for none and so is asked for one.
 */
final class Logprobs {
    private Logprobs() {
    }

    /**
     * @param logprobs the choice's {@code logprobs} member, or {@code null}
     * @param alternatives how many alternatives per token were asked for
     * @return the tokens' log probabilities; empty when there are none
     */
    static List<TokenLogprob> read(JsonNode logprobs, int alternatives) {
        if (logprobs == null || !logprobs.isObject()) {
            return List.of();
        }
        JsonNode content = logprobs.get("content");
        if (content != null && content.isArray()) {
            List<TokenLogprob> out = new ArrayList<>(content.size());
            for (JsonNode token : content) {
                out.add(new TokenLogprob(token.path("token").asString(""), token.path("logprob").asDouble(),
                        alternatives(token.path("top_logprobs"), alternatives)));
            }
            return out;
        }
        return legacy(logprobs, alternatives);
    }

    private static List<TokenLogprob> alternatives(JsonNode top, int alternatives) {
        if (!top.isArray() || alternatives == 0) {
            return List.of();
        }
        List<TokenLogprob> out = new ArrayList<>(Math.min(top.size(), alternatives));
        for (JsonNode alternative : top) {
            if (out.size() == alternatives) {
                break;
            }
            out.add(new TokenLogprob(alternative.path("token").asString(""), alternative.path("logprob").asDouble()));
        }
        return out;
    }

    private static List<TokenLogprob> legacy(JsonNode logprobs, int alternatives) {
        JsonNode tokens = logprobs.path("tokens");
        JsonNode values = logprobs.path("token_logprobs");
        JsonNode tops = logprobs.path("top_logprobs");
        List<TokenLogprob> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            List<TokenLogprob> alts = new ArrayList<>();
            JsonNode top = tops.path(i);
            if (top.isObject() && alternatives > 0) {
                for (Map.Entry<String, JsonNode> e : top.properties()) {
                    alts.add(new TokenLogprob(e.getKey(), e.getValue().asDouble()));
                }
                // A JSON object has no order of its own; the likeliest first, as in the chat shape.
                alts.sort((a, b) -> Double.compare(b.logprob(), a.logprob()));
                if (alts.size() > alternatives) {
                    alts = alts.subList(0, alternatives);
                }
            }
            out.add(new TokenLogprob(tokens.path(i).asString(""), values.path(i).asDouble(), alts));
        }
        return out;
    }
}
