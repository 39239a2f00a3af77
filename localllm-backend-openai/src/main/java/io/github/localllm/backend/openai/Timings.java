package io.github.localllm.backend.openai;

import io.github.localllm.GenerationMetrics;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * llama.cpp's {@code timings} object, in milliseconds (captures 05c, 06): read by hand from the
 * last streamed event ({@link StreamChunkBinder}), or from a whole answer.
 */
final class Timings {
    /** Prompt tokens processed, the cached ones excluded. */
    public Integer prompt_n;
    /** Time spent on the prompt. */
    public Double prompt_ms;
    /** Prompt tokens per second. */
    public Double prompt_per_second;
    /** Tokens generated. */
    public Integer predicted_n;
    /** Time spent generating. */
    public Double predicted_ms;
    /** Generated tokens per second. */
    public Double predicted_per_second;

    /**
     * @param measuredFirstToken the time to the first token as measured here
     * @param measuredTotal the whole request as measured here
     * @return the metrics, with the server's rates
     */
    GenerationMetrics metrics(Duration loadTime, Duration measuredFirstToken, Duration measuredTotal) {
        return new GenerationMetrics(loadTime, measuredFirstToken, measuredTotal, finite(prompt_per_second),
                finite(predicted_per_second));
    }

    static GenerationMetrics fromAnswer(JsonNode answer, Duration loadTime, Duration elapsed) {
        JsonNode t = answer.get("timings");
        if (t == null || !t.isObject()) {
            return null;
        }
        // A whole answer has no first token to time: the prompt's processing is what precedes it.
        Duration prompt = Duration.ofNanos((long) (t.path("prompt_ms").asDouble(0) * 1_000_000));
        return new GenerationMetrics(loadTime, prompt.compareTo(elapsed) < 0 ? prompt : elapsed, elapsed,
                finite(t.path("prompt_per_second").asDouble(0)), finite(t.path("predicted_per_second").asDouble(0)));
    }

    /** A rate over zero tokens comes out as infinity, or null (NaN), from the server's division. */
    private static double finite(Double rate) {
        return rate != null && Double.isFinite(rate) && rate > 0 ? rate : 0;
    }
}
