package io.github.localllm.http;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What an error message needs to know about the request that failed, so that it can say which
 * server, which address and which model, and what to do next.
 *
 * @param server the server's name in messages, such as {@code "Ollama"}
 * @param method the HTTP method
 * @param uri the address asked (shown without user info or query)
 * @param model the model the request was about, if any
 * @param modelHint what to do when that model is missing, such as "run `ollama pull llama3.2`"
 * @param unavailableHint what to check when the server cannot be reached, such as "is Ollama
 *     running? start it with `ollama serve`"
 */
public record ErrorContext(String server, String method, URI uri, Optional<String> model,
                           Optional<String> modelHint, Optional<String> unavailableHint) {
    /** Checks that no component is null. */
    public ErrorContext {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelHint, "modelHint");
        Objects.requireNonNull(unavailableHint, "unavailableHint");
    }

    /** @return a context without model or hints */
    public static ErrorContext of(String server, String method, URI uri) {
        return new ErrorContext(server, method, uri, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** @return this context about {@code model}, with what to do when it is missing ({@code null}: none) */
    public ErrorContext withModel(String model, String hint) {
        return new ErrorContext(server, method, uri, Optional.of(model), Optional.ofNullable(hint), unavailableHint);
    }

    /** @return this context with what to check when the server cannot be reached ({@code null}: none) */
    public ErrorContext withUnavailableHint(String hint) {
        return new ErrorContext(server, method, uri, model, modelHint, Optional.ofNullable(hint));
    }

    /** @return "Ollama at http://host:port/path", for the start of a message */
    String where() {
        return server + " at " + Text.label(uri);
    }

    /** @return "; " and the unavailable hint, or the general advice */
    String unavailableAdvice(String general) {
        return "; " + unavailableHint.orElse(general);
    }
}
