package io.github.localllm;

/**
 * Load settings that only one engine understands, such as llama.cpp's memory mapping or
 * Ollama's {@code num_batch}. Each engine publishes its own immutable type; pass it with
 * {@link LoadOptions.Builder#engineOptions}. An engine ignores the options of other engines, so one
 * request can carry settings for every engine it may reach.
 */
public interface EngineOptions {

    /** @return the id of the engine these options are for, e.g. {@code llamacpp} */
    String engine();
}
