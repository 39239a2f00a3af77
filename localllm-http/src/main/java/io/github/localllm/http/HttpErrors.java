package io.github.localllm.http;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelNotFoundException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns a server's error answer into the {@link LocalLlmException} that says what happened and what
 * to do next, whatever the server's error shape (see {@link ServerError}):
 *
 * <ul>
 *   <li>400 and other 4xx: {@link InvalidRequestException}; a prompt longer than the context
 *       (llama.cpp {@code exceed_context_size_error}, OpenAI {@code context_length_exceeded}, Ollama's
 *       "exceeds the context length"): {@link ContextOverflowException} when the server gave both
 *       token counts, else {@link InvalidRequestException};</li>
 *   <li>401, 403: {@link AuthenticationException}, never showing a credential;</li>
 *   <li>404 (or code {@code model_not_found}) about a model: {@link ModelNotFoundException} naming
 *       it, with the caller's hint; a 404 for the address itself (an unknown endpoint, another
 *       server): {@link BackendUnavailableException};</li>
 *   <li>408: {@link GenerationTimeoutException};</li>
 *   <li>429, 503: {@link ServerBusyException} with the {@code Retry-After} delay;</li>
 *   <li>500: {@link GenerationException}; 501, 502, 504 and other 5xx: {@link BackendUnavailableException};</li>
 *   <li>an HTML page (a proxy, a login portal, another program on the port): says so, with the
 *       status, the page's title or a short excerpt, never the page.</li>
 * </ul>
 */
public final class HttpErrors {
    private static final Pattern LLAMA_CPP_OVERFLOW =
            Pattern.compile("request \\((\\d{1,9}) tokens\\) exceeds the available context size \\((\\d{1,9}) tokens\\)");
    private static final Pattern OPENAI_OVERFLOW = Pattern.compile(
            "maximum context length is (\\d{1,9}) tokens.*?(?:resulted in|requested) (\\d{1,9}) tokens"
                    + "(?: \\((\\d{1,9}) in the messages)?", Pattern.DOTALL);
    private static final Pattern CONTEXT_WORDS = Pattern.compile(
            "(?i)exceed\\w*\\W+(?:\\w+\\W+){0,3}context|context (?:length|size|window)\\W+(?:\\w+\\W+){0,3}exceed"
                    + "|maximum context length");
    private static final Pattern MODEL_WORD = Pattern.compile("(?i)\\bmodel\\b");
    private static final Pattern HTML_TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern HTML_SKIPPED = Pattern.compile("(?is)<(script|style)\\b.*?</\\1\\s*>|<!--.*?-->");
    private static final Pattern HTML_TAG = Pattern.compile("(?s)<[^>]*>");

    private HttpErrors() {
    }

    /**
     * Maps a non-2xx answer.
     *
     * @param status the HTTP status
     * @param body the answer's body as text, or its first part ({@code ""} when empty)
     * @param headers the answer's headers ({@code Retry-After}, {@code Content-Type}, {@code Location})
     * @param context the request, for the message
     * @return the exception to throw
     */
    public static LocalLlmException fromResponse(int status, String body, HttpHeaders headers, ErrorContext context) {
        String contentType = headers.firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (isHtml(body, contentType)) {
            return htmlPage(status, body, context);
        }
        return fromError(status, parse(body).orElseGet(() -> ServerError.of(body.strip())), headers, context);
    }

    /** Maps a status and the error the server described, HTML pages already told apart. */
    static LocalLlmException fromError(int status, ServerError error, HttpHeaders headers, ErrorContext context) {
        String detail = "HTTP " + status + (error.message().isBlank() ? ", no message" : ": " + Text.excerpt(error.message()));
        String where = context.where();
        if (status >= 300 && status < 400) {
            return new BackendUnavailableException(where + " redirected the request (" + detail + ") to "
                    + headers.firstValue("Location").map(Text::excerpt).orElse("nowhere") + "; redirects are not "
                    + "followed, so that credentials stay with the address they were configured for: configure the "
                    + "final address instead");
        }
        if (status == 401 || status == 403) {
            return new AuthenticationException(where + " refused the request's credentials (" + detail + "); check the "
                    + "API key or token configured for it (it is not shown here) and that it may use this endpoint",
                    status);
        }
        if (isModelNotFound(status, error)) {
            return modelNotFound(detail, context);
        }
        if (status == 404 || status == 405) {
            return new BackendUnavailableException(where + " does not serve " + context.method() + " on this address ("
                    + detail + "); the address may point at another kind of server or an older version"
                    + context.unavailableAdvice("check the base URL and the server's version"));
        }
        if (status == 429 || status == 503) {
            return busy(status, detail, headers, context);
        }
        if (status == 408) {
            return new GenerationTimeoutException(where + " gave up waiting for the request (" + detail
                    + "); retry, and if it persists check the network between here and the server");
        }
        if (status >= 400 && status < 500) {
            return invalidRequest(detail, error, context);
        }
        if (status == 500) {
            return new GenerationException(where + " failed while handling the request (" + detail + "); the request "
                    + "was accepted, so retry, and if it fails again check the server's log");
        }
        if (status == 502 || status == 504) {
            return new BackendUnavailableException(where + ": a gateway or proxy could not get an answer from the "
                    + "server behind it (" + detail + ")" + context.unavailableAdvice("check that the server is running"));
        }
        if (status >= 500) {
            return new BackendUnavailableException(where + " cannot serve the request (" + detail + "); "
                    + "check the server's configuration and log");
        }
        return new BackendUnavailableException(where + " answered " + detail + ", which is not an answer this client "
                + "understands; check that the address points at the expected server");
    }

    /**
     * Maps an error a server reported inside a successful (HTTP 200) answer: an Ollama NDJSON line
     * {@code {"error":"..."}} or a vLLM SSE event {@code data: {"error":{...}}} after streaming began.
     *
     * @return a {@link ContextOverflowException} or {@link InvalidRequestException} when the prompt did
     *     not fit, else a {@link GenerationException}
     */
    public static LocalLlmException fromStreamError(ServerError error, ErrorContext context) {
        if (isContextOverflow(error)) {
            return contextOverflow("HTTP 200, error in the answer: " + Text.excerpt(error.message()), error, context);
        }
        return new GenerationException(context.where() + " reported an error in the middle of its answer ("
                + Text.excerpt(error.message()) + "); the answer is incomplete: retry, and if it fails again check "
                + "the server's log");
    }

    /**
     * Finds an error in an answer that came with HTTP 200: LM Studio answers an unknown endpoint with
     * 200 and {@code {"error":"Unexpected endpoint or method. (GET /api/v0/load)"}}.
     *
     * @param body the answer's body
     * @return the error, if the body is a JSON object whose {@code error} member holds one
     */
    public static Optional<ServerError> errorInOkBody(String body) {
        String trimmed = body.strip();
        if (!trimmed.startsWith("{")) {
            return Optional.empty();
        }
        try {
            return errorIn(Json.MAPPER.readTree(trimmed));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /**
     * Finds an error in a JSON value: an answer body, an NDJSON line or an SSE event's data.
     *
     * @return the error, if {@code value} is an object with a non-empty string {@code error} or an
     *     {@code error} object with a message, or vLLM's {@code {"object":"error",...}}
     */
    public static Optional<ServerError> errorIn(JsonNode value) {
        if (value == null || !value.isObject()) {
            return Optional.empty();
        }
        JsonNode error = value.get("error");
        if (error != null && error.isString() && !error.stringValue().isBlank()) {
            return Optional.of(ServerError.of(error.stringValue()));
        }
        if (error != null && error.isObject() && text(error, "message").isPresent()) {
            return Optional.of(fromObject(error));
        }
        if ("error".equals(text(value, "object").orElse(null)) && text(value, "message").isPresent()) {
            return Optional.of(fromObject(value));
        }
        return Optional.empty();
    }

    /**
     * Reads an error body of any known shape.
     *
     * @return the error, or empty when the body is not JSON or has no recognisable message
     */
    public static Optional<ServerError> parse(String body) {
        String trimmed = body.strip();
        if (!trimmed.startsWith("{")) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(trimmed);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        Optional<ServerError> found = errorIn(root);
        if (found.isPresent()) {
            return found;
        }
        JsonNode detail = root.get("detail");
        if (detail != null && detail.isString()) {
            return Optional.of(ServerError.of(detail.stringValue()));
        }
        if (detail != null && detail.isArray()) {
            // FastAPI's validation errors (vLLM's 422): [{"loc":[...],"msg":"...","type":"..."}]
            StringBuilder messages = new StringBuilder();
            for (JsonNode item : detail) {
                text(item, "msg").ifPresent(msg -> messages.append(messages.length() == 0 ? "" : "; ")
                        .append(location(item.get("loc"))).append(msg));
            }
            if (messages.length() > 0) {
                return Optional.of(ServerError.of(messages.toString()));
            }
        }
        return text(root, "message").map(ServerError::of);
    }

    /**
     * Reads {@code Retry-After}: delay seconds or an HTTP date.
     *
     * @param now the present, against which a date is measured
     * @return how long to wait (zero for a date in the past); empty if absent or unreadable
     */
    public static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
        return headers.firstValue("Retry-After").flatMap(value -> retryAfter(value, now));
    }

    static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.strip();
        if (!v.isEmpty() && v.length() <= 9 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static ServerError fromObject(JsonNode error) {
        return new ServerError(text(error, "message").orElse(""), text(error, "type"), code(error.get("code")),
                integer(error.get("n_prompt_tokens")), integer(error.get("n_ctx")));
    }

    private static Optional<String> code(JsonNode code) {
        if (code == null || code.isNull()) {
            return Optional.empty();
        }
        if (code.isIntegralNumber()) {
            return Optional.of(code.asString());
        }
        return code.isString() && !code.stringValue().isBlank() ? Optional.of(code.stringValue()) : Optional.empty();
    }

    private static OptionalInt integer(JsonNode node) {
        return node != null && node.isInt() && node.intValue() > 0 ? OptionalInt.of(node.intValue()) : OptionalInt.empty();
    }

    private static Optional<String> text(JsonNode object, String field) {
        JsonNode node = object == null ? null : object.get(field);
        return node != null && node.isString() && !node.stringValue().isBlank() ? Optional.of(node.stringValue())
                : Optional.empty();
    }

    private static String location(JsonNode loc) {
        if (loc == null || !loc.isArray() || loc.isEmpty()) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonNode part : loc) {
            path.append(path.length() == 0 ? "" : ".").append(part.asString());
        }
        return path + ": ";
    }

    private static boolean isModelNotFound(int status, ServerError error) {
        if (error.code().filter("model_not_found"::equals).isPresent()) {
            return status >= 400 && status < 500;
        }
        return status == 404 && MODEL_WORD.matcher(error.message()).find();
    }

    private static boolean isContextOverflow(ServerError error) {
        return error.type().filter("exceed_context_size_error"::equals).isPresent()
                || error.code().filter("context_length_exceeded"::equals).isPresent()
                || CONTEXT_WORDS.matcher(error.message()).find();
    }

    private static LocalLlmException modelNotFound(String detail, ErrorContext context) {
        String fix = context.modelHint().orElse("check the model's name against the models the server lists, "
                + "or install the model there");
        return context.model()
                .map(model -> new ModelNotFoundException("model '" + model + "' is not available on " + context.where()
                        + " (" + detail + "); " + fix))
                .orElseGet(() -> new ModelNotFoundException(context.where() + " does not have the model asked for ("
                        + detail + "); " + fix));
    }

    private static LocalLlmException busy(int status, String detail, HttpHeaders headers, ErrorContext context) {
        Optional<Duration> delay = retryAfter(headers, Instant.now());
        String when = delay.map(d -> "retry after " + seconds(d)).orElse("retry in a moment");
        String what = status == 429 ? " is limiting how many requests it takes (" : " is busy or still loading a model (";
        return new ServerBusyException(context.where() + what + detail + "); " + when, status, delay);
    }

    private static LocalLlmException invalidRequest(String detail, ServerError error, ErrorContext context) {
        if (isContextOverflow(error)) {
            return contextOverflow(detail, error, context);
        }
        return new InvalidRequestException(context.where() + " rejected the request (" + detail + "); change the "
                + "request as the server's message says");
    }

    private static LocalLlmException contextOverflow(String detail, ServerError error, ErrorContext context) {
        OptionalInt prompt = error.promptTokens();
        OptionalInt size = error.contextSize();
        if (prompt.isEmpty() || size.isEmpty()) {
            Matcher llama = LLAMA_CPP_OVERFLOW.matcher(error.message());
            Matcher openai = OPENAI_OVERFLOW.matcher(error.message());
            if (llama.find()) {
                prompt = OptionalInt.of(Integer.parseInt(llama.group(1)));
                size = OptionalInt.of(Integer.parseInt(llama.group(2)));
            } else if (openai.find()) {
                size = OptionalInt.of(Integer.parseInt(openai.group(1)));
                prompt = OptionalInt.of(Integer.parseInt(openai.group(openai.group(3) != null ? 3 : 2)));
            }
        }
        if (prompt.isPresent() && size.isPresent()) {
            return new ContextOverflowException(prompt.getAsInt(), size.getAsInt());
        }
        return new InvalidRequestException(context.where() + " rejected the request because the prompt does not fit "
                + "in the model's context (" + detail + "); shorten the prompt, or load the model with a larger "
                + "context size");
    }

    private static boolean isHtml(String body, String contentType) {
        if (contentType.startsWith("text/html") || contentType.startsWith("application/xhtml")) {
            return true;
        }
        String head = body.stripLeading();
        String start = head.substring(0, Math.min(head.length(), 64)).toLowerCase(Locale.ROOT);
        return start.startsWith("<!doctype html") || start.startsWith("<html") || start.startsWith("<head")
                || start.startsWith("<body") || start.startsWith("<?xml") && body.contains("<html");
    }

    private static LocalLlmException htmlPage(int status, String body, ErrorContext context) {
        Matcher title = HTML_TITLE.matcher(body);
        String shown = title.find() && !title.group(1).isBlank() ? title.group(1)
                : HTML_TAG.matcher(HTML_SKIPPED.matcher(body).replaceAll(" ")).replaceAll(" ");
        String excerpt = Text.excerpt(shown.replace("&nbsp;", " ").replace("&amp;", "&"), 120);
        String message = context.where() + " answered HTTP " + status + " with an HTML page" + (excerpt.isEmpty() ? ""
                : " (\"" + excerpt + "\")") + " instead of the server's JSON API: a proxy, a login portal or another "
                + "program answered";
        if (status == 401 || status == 403 || status == 407) {
            return new AuthenticationException(message + "; check the credentials for it or the proxy settings", status);
        }
        return new BackendUnavailableException(message + context.unavailableAdvice(
                "check the address and port, and any proxy between here and the server"));
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
