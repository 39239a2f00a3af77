package io.github.localllm.http;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to send with {@link HttpTransport}: a method, a path below the transport's base
 * address, an optional body serialised as JSON, whether it may be repeated, and the model it is
 * about (for the message when that model is missing). Immutable; the {@code with} methods return
 * new calls.
 *
 * <pre>{@code
 * HttpCall.post("/api/show", Map.of("model", name)).idempotent().forModel(name, "run `ollama pull " + name + "`")
 * }</pre>
 */
public final class HttpCall {
    private final String method;
    private final String path;
    private final Object body;
    private final boolean idempotent;
    private final boolean resendIfUnanswered;
    private final String model;
    private final String modelHint;

    private HttpCall(String method, String path, Object body, boolean idempotent, boolean resendIfUnanswered,
            String model, String modelHint) {
        this.method = method;
        this.path = path;
        this.body = body;
        this.idempotent = idempotent;
        this.resendIfUnanswered = resendIfUnanswered;
        this.model = model;
        this.modelHint = modelHint;
    }

    /**
     * @param method an HTTP method, such as {@code "POST"}
     * @param path the path below the base address, with its query if any, such as {@code "/api/chat"}
     * @param body what to send as JSON ({@code JsonNode}, record, map...), or {@code null} for none
     * @return a call that is idempotent for GET, HEAD, PUT, DELETE and OPTIONS
     */
    public static HttpCall of(String method, String path, Object body) {
        String m = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        if (m.isEmpty() || !m.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw new IllegalArgumentException("not an HTTP method: '" + method + "'");
        }
        Objects.requireNonNull(path, "path");
        boolean idempotent = switch (m) {
            case "GET", "HEAD", "PUT", "DELETE", "OPTIONS" -> true;
            default -> false;
        };
        return new HttpCall(m, path, body, idempotent, false, null, null);
    }

    /** @return a GET of {@code path} */
    public static HttpCall get(String path) {
        return of("GET", path, null);
    }

    /** @return a HEAD of {@code path} */
    public static HttpCall head(String path) {
        return of("HEAD", path, null);
    }

    /** @return a POST of {@code body} as JSON to {@code path}; not idempotent unless marked so */
    public static HttpCall post(String path, Object body) {
        return of("POST", path, Objects.requireNonNull(body, "body"));
    }

    /** @return a DELETE of {@code path}, with {@code body} as JSON if not {@code null} (Ollama's delete has one) */
    public static HttpCall delete(String path, Object body) {
        return of("DELETE", path, body);
    }

    /**
     * Marks the call as safe to send twice (a POST that only reads, such as embeddings or Ollama's
     * {@code /api/show}), so that a broken connection or a timeout is retried too.
     *
     * @return the marked call
     */
    public HttpCall idempotent() {
        return new HttpCall(method, path, body, true, resendIfUnanswered, model, modelHint);
    }

    /**
     * Marks the call as safe to send once more when its connection closes cleanly before a single
     * byte of the answer, without being idempotent in general: what a kept-alive connection looks
     * like that the server closed while idle just as the request went out on it, which the server
     * never read. A server that read the request and then died without a word looks the same, so
     * mark only calls whose repetition costs at most some work, such as a generation, and never
     * one that changes state. Idempotent calls are sent again in that case anyway; other calls are
     * not (as the JDK's client, Go's and RFC 9110 section 9.2.2 do), and fail with a
     * {@link io.github.localllm.BackendUnavailableException} that says to retry.
     *
     * @return the marked call
     */
    public HttpCall resendIfUnanswered() {
        return new HttpCall(method, path, body, idempotent, true, model, modelHint);
    }

    /**
     * @param model the model the call is about
     * @param hint what to do when it is missing, such as "run `ollama pull llama3.2`", or {@code null}
     * @return this call about {@code model}, for the message when the server does not have it
     */
    public HttpCall forModel(String model, String hint) {
        return new HttpCall(method, path, body, idempotent, resendIfUnanswered, Objects.requireNonNull(model, "model"),
                hint);
    }

    /** @return the HTTP method, upper case */
    public String method() {
        return method;
    }

    /** @return the path below the base address */
    public String path() {
        return path;
    }

    /** @return what is sent as JSON, if anything */
    public Optional<Object> body() {
        return Optional.ofNullable(body);
    }

    /** @return whether sending the call twice is safe */
    public boolean isIdempotent() {
        return idempotent;
    }

    /** @return whether the call is sent once more when its connection closes before a byte of the answer */
    public boolean isResentIfUnanswered() {
        return resendIfUnanswered;
    }

    /** @return the model the call is about, if it was said */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /** @return what to do when the model is missing, if it was said */
    public Optional<String> modelHint() {
        return Optional.ofNullable(modelHint);
    }

    @Override
    public String toString() {
        return method + " " + path + (model == null ? "" : " (model " + model + ")");
    }
}
