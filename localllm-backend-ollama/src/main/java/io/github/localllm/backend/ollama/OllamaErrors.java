package io.github.localllm.backend.ollama;

import io.github.localllm.ContextOverflowException;
import io.github.localllm.GenerationException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.http.ErrorContext;
import io.github.localllm.http.HttpErrors;
import io.github.localllm.http.ServerError;
import java.util.regex.Pattern;

/**
 * What Ollama's own errors mean, beyond the HTTP layer's mapping. Ollama says a prompt does not
 * fit in words that changed with its runner, none with both token counts except the last:
 * <ul>
 * <li>{@code the input length exceeds the context length} (Go runners, v0.12.6 to v0.29, and
 *     {@code /api/embed});</li>
 * <li>{@code the prompt is longer than the context length currently available to the model} (v0.30+,
 *     llm/llama_server.go, when context shifting is off);</li>
 * <li>llama-server's own {@code request (N tokens) exceeds the available context size (M tokens)},
 *     relayed as it is (v0.30+ with {@code truncate: false});</li>
 * <li>{@code input exceeds maximum context length} (embeddings that cannot be cut further).</li>
 * </ul>
 */
final class OllamaErrors {
    private static final Pattern OVERFLOW = Pattern.compile(
            "(?i)exceeds? (?:the )?(?:available |maximum )?context|longer than the context length"
                    + "|exceed_context_size");

    private OllamaErrors() {
    }

    /**
     * @param name a model name
     * @return what to do when the server does not have it
     */
    static String pullHint(String name) {
        return "run `ollama pull " + name + "`, or call pull(ModelRef.name(\"" + name + "\")) on the Ollama engine"
                + " (or set " + OllamaOptions.PULL_KEY + "=true to pull models when they are loaded)";
    }

    /**
     * @param e a failure of a generation or embedding request
     * @param where the server, for the message
     * @param contextSize the context the model is loaded with, or -1 if unknown
     * @return {@code e}, or a {@link ContextOverflowException} when it says the prompt did not fit
     */
    static LocalLlmException forRequest(LocalLlmException e, String where, int contextSize) {
        if (e instanceof ContextOverflowException
                || !(e instanceof InvalidRequestException || e instanceof GenerationException)
                || !OVERFLOW.matcher(String.valueOf(e.getMessage())).find()) {
            return e;
        }
        String context = contextSize > 0 ? "the " + contextSize + "-token context the model is loaded with"
                : "the model's context";
        ContextOverflowException overflow = new ContextOverflowException(where + " refused the prompt: it is longer"
                + " than " + context + "; shorten the prompt, or load the model with a larger context size"
                + " (LoadOptions.contextSize / localllm.context.size). The server said: " + e.getMessage(),
                -1, contextSize);
        overflow.initCause(e);
        return overflow;
    }

    /**
     * @param error the message of an {@code {"error": ...}} line inside a 200 answer
     * @param context the request
     * @param where the server, for the message
     * @param contextSize the context the model is loaded with, or -1 if unknown
     * @return the exception it means
     */
    static LocalLlmException inStream(String error, ErrorContext context, String where, int contextSize) {
        return forRequest(HttpErrors.fromStreamError(ServerError.of(error), context), where, contextSize);
    }
}
