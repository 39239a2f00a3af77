package io.github.localllm.benchmarks;

import java.util.function.Consumer;

/**
 * One Java client of a local LLM server as the client benchmarks drive it: it asks for one answer
 * and hands every token to the caller as it arrives. Implementations hold one client, with its
 * connection pool, for all their requests, as an application would.
 */
interface StreamingClient extends AutoCloseable {
    /** The questions the benchmarks ask. */
    String QUESTION = "Why is the sky blue?";

    /**
     * Streams one answer.
     *
     * @param api which endpoint to ask
     * @param sink receives the text of every token, in order
     * @return how many tokens arrived
     * @throws IllegalArgumentException if this client does not speak that endpoint
     */
    int stream(Api api, Consumer<String> sink);

    /** Frees the client's connections and threads. */
    @Override
    void close();

    /** The streamed endpoints measured. */
    enum Api {
        /** Ollama's {@code POST /api/chat}, NDJSON. */
        CHAT,
        /** Ollama's {@code POST /api/generate}, NDJSON. */
        GENERATE,
        /** An OpenAI-compatible {@code POST /v1/chat/completions} with {@code "stream": true}, server-sent events. */
        OPENAI_CHAT
    }
}
