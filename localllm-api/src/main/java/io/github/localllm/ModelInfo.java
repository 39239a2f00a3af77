package io.github.localllm;

import java.time.Duration;
import java.util.Objects;

/**
 * What a loaded model is and how it was loaded.
 *
 * @param name the model's name (from its metadata, else its file name)
 * @param backend the id of the engine running it
 * @param architecture the model architecture, e.g. {@code llama}, {@code qwen2}
 * @param parameterCount parameters, or {@code -1} if unknown
 * @param quantization the weight format, e.g. {@code Q4_K_M}, or {@code unknown}
 * @param trainedContextLength the context the model was trained with, or {@code -1} if unknown
 * @param embeddingLength the width of its embeddings, or {@code -1} if unknown
 * @param options the load options in effect, every field resolved
 * @param loadTime how long loading took
 */
public record ModelInfo(String name, String backend, String architecture, long parameterCount,
                        String quantization, int trainedContextLength, int embeddingLength,
                        LoadOptions options, Duration loadTime) {

    /** Checks no part is missing. */
    public ModelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(loadTime, "loadTime");
    }
}
