package io.github.localllm.backend.openai;

import java.util.List;

/**
 * What only llama.cpp's {@code llama-server} tells of a model it serves, beside the OpenAI API:
 * its settings, its slots and its counters. Reached from any model a llama-server serves, through
 * the OpenAI-compatible engine ({@code openai}, when the server is detected or configured as
 * {@link ServerDialect#LLAMA_CPP}) or the managed engine ({@code llamaserver}), without casting:
 *
 * <pre>{@code
 * LlamaServerModel server = model.unwrap(LlamaServerModel.class).orElseThrow();
 * System.out.println(server.props().contextSize() + " tokens per slot; " + server.metrics().predictedTokensPerSecond() + " tokens/s");
 * }</pre>
 *
 * <p>Each call asks the server once, so the values are those of that moment. A server that cannot
 * be reached fails with a {@link io.github.localllm.BackendUnavailableException}; an answer that is
 * not what llama-server sends with a {@link io.github.localllm.GenerationException}. Thread-safe.
 */
public interface LlamaServerModel {

    /**
     * @return the server's settings, from {@code GET /props}: the context each slot gives a request,
     *     the slots, the chat template, the build
     */
    LlamaServerProps props();

    /**
     * @return the server's slots, from {@code GET /slots}: which are busy, with how many tokens
     * @throws io.github.localllm.InvalidRequestException if the server was started with {@code --no-slots}
     */
    List<SlotState> slots();

    /**
     * @return the server's counters, from {@code GET /metrics}: tokens, throughput, requests waiting
     * @throws io.github.localllm.InvalidRequestException if the server was started without {@code --metrics}
     */
    ServerMetrics metrics();
}
