package io.github.localllm.backend.lmstudio;

import io.github.localllm.GenerationMetrics;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * The {@code stats} LM Studio adds to a whole answer of {@code /api/v0/chat/completions}
 * (lmstudio/v0-chat-completions-response.json), in seconds: {@code tokens_per_second} of generation,
 * {@code time_to_first_token}, {@code generation_time}. The prompt's rate is its tokens over the
 * time to the first token.
 */
final class LmStudioStats {
    private LmStudioStats() {
    }

    static GenerationMetrics read(JsonNode answer, Duration loadTime, Duration elapsed) {
        JsonNode stats = answer.get("stats");
        if (stats == null || !stats.isObject()) {
            return null;
        }
        Duration ttft = seconds(stats.path("time_to_first_token"));
        Duration generation = seconds(stats.path("generation_time"));
        Duration total = ttft.plus(generation).compareTo(elapsed) > 0 ? ttft.plus(generation) : elapsed;
        int promptTokens = answer.path("usage").path("prompt_tokens").asInt(0);
        double promptRate = ttft.isZero() ? 0 : promptTokens / (ttft.toNanos() / 1e9);
        double rate = stats.path("tokens_per_second").asDouble(0);
        return new GenerationMetrics(loadTime, ttft, total, promptRate, Double.isFinite(rate) && rate > 0 ? rate : 0);
    }

    private static Duration seconds(JsonNode value) {
        double s = value.asDouble(0);
        return Double.isFinite(s) && s > 0 ? Duration.ofNanos((long) (s * 1e9)) : Duration.ZERO;
    }
}
