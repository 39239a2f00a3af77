package io.github.localllm.backend.openai;

import io.github.localllm.GenerationMetrics;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * Reads a server's own timings from a whole (not streamed) chat answer, for servers that add them
 * to the OpenAI shape: llama.cpp's {@code timings} (milliseconds) by default, LM Studio's REST
 * {@code stats} (seconds) for its engine. See {@link OpenAiBackend.Builder#completeAnswers}.
 */
@FunctionalInterface
public interface AnswerMetrics {

    /**
     * @param answer the answer's JSON
     * @param loadTime the model's load time, for the metrics
     * @param elapsed the time from sending the request to reading the whole answer
     * @return the metrics, or {@code null} when the answer carries no timings
     */
    GenerationMetrics read(JsonNode answer, Duration loadTime, Duration elapsed);

    /** @return llama.cpp's {@code timings}: prompt and generation rates, the prompt's time as the time to the first token */
    static AnswerMetrics llamaCppTimings() {
        return Timings::fromAnswer;
    }
}
