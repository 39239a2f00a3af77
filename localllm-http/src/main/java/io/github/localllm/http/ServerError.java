package io.github.localllm.http;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a server said went wrong, read from any of the error shapes local servers use: Ollama's
 * {@code {"error":"..."}}, OpenAI's {@code {"error":{"message","type","param","code"}}} (where
 * llama.cpp and vLLM put the HTTP status in {@code code}), vLLM's older unwrapped
 * {@code {"object":"error","message",...}}, and FastAPI's {@code {"detail":...}}.
 *
 * @param message the server's message, as it wrote it (shorten before showing it)
 * @param type the error's type, such as {@code invalid_request_error} or {@code exceed_context_size_error}
 * @param code the error's code as text, such as {@code context_length_exceeded} or {@code 404}
 * @param promptTokens tokens in the prompt, when the server reported it (llama.cpp {@code n_prompt_tokens})
 * @param contextSize tokens in the context, when the server reported it (llama.cpp {@code n_ctx})
 */
public record ServerError(String message, Optional<String> type, Optional<String> code,
                          OptionalInt promptTokens, OptionalInt contextSize) {
    /** Checks that no component is null. */
    public ServerError {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(promptTokens, "promptTokens");
        Objects.requireNonNull(contextSize, "contextSize");
    }

    /** @return an error with only a message, as Ollama's native API reports them */
    public static ServerError of(String message) {
        return new ServerError(message, Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    }
}
