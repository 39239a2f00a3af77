package io.github.localllm.http;

import io.github.localllm.GenerationException;

/**
 * A streamed answer ended too early: in the middle of a line or an event, or before the protocol's
 * end marker (OpenAI's {@code data: [DONE]}, Ollama's {@code "done": true}). The answer received so
 * far is incomplete; the server stopped or the connection was cut.
 */
public class TruncatedStreamException extends GenerationException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public TruncatedStreamException(String message) {
        super(message);
    }

    /** @return {@code true}: a connection cut mid-answer is usually transient */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
