package io.github.localllm.http;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationException;
import io.github.localllm.LocalLlmException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The HTTP client of one server (an Ollama, an OpenAI-compatible server, an LM Studio): one shared
 * {@link HttpClient} speaking HTTP/1.1, a base address, default headers, timeouts and retries, with
 * every failure turned into a {@link LocalLlmException} that names the server and the address and
 * says what to do next.
 *
 * <pre>{@code
 * HttpTransport ollama = HttpTransport.builder("http://127.0.0.1:11434")
 *         .server("Ollama")
 *         .unavailableHint("is Ollama running? start it with `ollama serve`")
 *         .build();
 * JsonNode tags = ollama.getJson("/api/tags");
 * try (HttpStream answer = ollama.stream(HttpCall.post("/api/chat", request).forModel(model, hint));
 *      NdjsonReader<JsonNode> lines = answer.ndjson(JsonNode.class, b -> b.until(line -> line.path("done").asBoolean()))) {
 *     ...
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Timeouts: connecting ({@link Builder#connectTimeout}); the first byte of the answer, headers
 *       or body ({@link Builder#firstByteTimeout}, long, because a server may load a model or read a
 *       long prompt first); and the silence between two pieces of a body ({@link Builder#idleTimeout}).
 *       A stalled answer fails with {@link io.github.localllm.GenerationTimeoutException} and its
 *       connection is closed, not reused.</li>
 *   <li>Retries ({@link RetryPolicy}): only what is safe to repeat, never a stream once it began.</li>
 *   <li>Redirects are not followed by default: a redirect would carry the credentials to another
 *       address.</li>
 *   <li>Header values are never logged nor put in messages; values of credential headers are
 *       masked in the server text a message quotes. Requests are logged at debug level (method,
 *       address without query, status, time), retries at info.</li>
 *   <li>The client's threads are daemon threads that end when idle: a transport needs no closing,
 *       and an application that forgets one still exits.</li>
 * </ul>
 *
 * <p>Thread-safe: one transport serves any number of concurrent requests.
 */
public final class HttpTransport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    /** Error bodies matter only as far as a message quotes them. */
    static final int ERROR_BODY_CAP = 64 * 1024;
    private static final String STREAM_TYPES = "text/event-stream, application/x-ndjson, application/json;q=0.5";
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final HttpClient client;
    private final URI baseUri;
    private final String server;
    private final String unavailableHint;
    private final Map<String, String> headers;
    private final List<String> secrets;
    private final Duration connectTimeout;
    private final Duration firstByteTimeout;
    private final Duration idleTimeout;
    private final RetryPolicy retryPolicy;
    private final EndDrain endDrain;
    private final ObjectMapper mapper;
    private final JsonAnswers answers;

    private HttpTransport(Builder b) {
        this.baseUri = b.baseUri;
        this.server = b.server;
        this.unavailableHint = b.unavailableHint;
        this.headers = Map.copyOf(b.headers);
        this.secrets = List.copyOf(b.secrets);
        this.connectTimeout = b.connectTimeout;
        this.firstByteTimeout = b.firstByteTimeout;
        this.idleTimeout = b.idleTimeout;
        this.retryPolicy = b.retryPolicy;
        this.endDrain = b.endDrain;
        this.mapper = b.mapper;
        this.answers = new JsonAnswers(mapper, this::redact);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(b.redirects)
                .executor(daemonExecutor())
                .build();
    }

    /**
     * @param baseUri the server's address, such as {@code http://127.0.0.1:11434} or
     *     {@code http://127.0.0.1:8080/v1}; paths of calls are appended to it
     * @return a builder with the defaults: 10 s to connect, 5 min to the first byte, 60 s of silence
     *     at most, {@link RetryPolicy#defaults()}, no redirects
     */
    public static Builder builder(URI baseUri) {
        return new Builder(baseUri);
    }

    /** @return {@link #builder(URI)} of {@code baseUri} */
    public static Builder builder(String baseUri) {
        URI uri;
        try {
            uri = new URI(Objects.requireNonNull(baseUri, "baseUri").strip());
        } catch (URISyntaxException e) {
            // The reason, not the input: an address may hold a password.
            throw new IllegalArgumentException("not a valid address (" + e.getReason() + " at index " + e.getIndex()
                    + "); give one like http://127.0.0.1:11434", e);
        }
        return new Builder(uri);
    }

    /**
     * Sends {@code GET path} and reads the answer as JSON.
     *
     * @return the answer's JSON
     * @throws LocalLlmException on any failure, as {@link HttpErrors} maps it
     */
    public JsonNode getJson(String path) {
        return json(HttpCall.get(path));
    }

    /**
     * Sends {@code POST path} with {@code body} as JSON and reads the answer as JSON. Not retried
     * after the request may have reached the server; use {@link #json(HttpCall)} with
     * {@link HttpCall#idempotent()} for a POST that only reads.
     *
     * @return the answer's JSON
     */
    public JsonNode postJson(String path, Object body) {
        return json(HttpCall.post(path, body));
    }

    /**
     * Sends {@code call} and reads the answer as a JSON tree. A 200 answer that holds an error object
     * (LM Studio answers unknown endpoints so) fails like the error it holds.
     *
     * @return the answer's JSON
     * @throws LocalLlmException on any failure, as {@link HttpErrors} maps it; an answer that is not
     *     JSON (an HTML page, another protocol) is a {@link BackendUnavailableException}
     */
    public JsonNode json(HttpCall call) {
        return answers.tree(exchange(call, "application/json"));
    }

    /**
     * Sends {@code call} and binds the JSON answer to {@code type} as it arrives, without building a
     * tree first.
     *
     * @return the bound answer
     * @throws LocalLlmException as {@link #json(HttpCall)}; JSON of another shape than {@code type}
     *     is a {@link GenerationException}
     */
    public <T> T json(HttpCall call, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return answers.bind(exchange(call, "application/json"), type);
    }

    /**
     * Sends {@code call} and drops the answer's body: for calls whose answer is only a status, such
     * as Ollama's delete or copy.
     *
     * @return the HTTP status, 2xx
     * @throws LocalLlmException on any failure, as {@link HttpErrors} maps it
     */
    public int send(HttpCall call) {
        Answer answer = exchange(call, "*/*");
        answers.discard(answer);
        return answer.status();
    }

    /**
     * Sends {@code call} and returns the answer as it arrives, for server-sent events or NDJSON.
     * Retries happen only before this returns; the caller must close the stream.
     *
     * @return the 2xx answer, its body still arriving
     * @throws LocalLlmException on any failure before the body, as {@link HttpErrors} maps it
     */
    public HttpStream stream(HttpCall call) {
        Answer answer = exchange(call, STREAM_TYPES);
        answers.checkStream(answer);
        return new HttpStream(answer.status(), answer.response().headers(), answer.body(), answer.context(), mapper);
    }

    /** @return the address calls are appended to */
    public URI baseUri() {
        return baseUri;
    }

    /** @return the server's name in messages, such as {@code "Ollama"} */
    public String server() {
        return server;
    }

    /** @return the mapper that writes request bodies and reads answers */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * @param path a path below the base address, with its query if any
     * @return the full address of {@code path}
     */
    public URI resolve(String path) {
        String base = baseUri.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String tail = path.isEmpty() || path.startsWith("/") || path.startsWith("?") ? path : "/" + path;
        try {
            return URI.create(base + tail);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + path + "' is not a valid path below " + Text.label(baseUri)
                    + " (" + e.getMessage() + "); percent-encode spaces and special characters", e);
        }
    }

    /** @return the context {@link HttpErrors} needs to describe a failure of {@code call} */
    public ErrorContext errorContext(HttpCall call) {
        return context(call, resolve(call.path()));
    }

    private ErrorContext context(HttpCall call, URI uri) {
        ErrorContext context = ErrorContext.of(server, call.method(), uri).withUnavailableHint(unavailableHint);
        return call.model().map(model -> context.withModel(model, call.modelHint().orElse(null))).orElse(context);
    }

    /** Sends {@code call}, retrying as the policy allows, until a 2xx answer or a failure to throw. */
    private Answer exchange(HttpCall call, String accept) {
        URI uri = resolve(call.path());
        ErrorContext context = context(call, uri);
        HttpRequest request = request(call, uri, accept);
        String label = call.method() + " " + Text.label(uri);
        boolean resentUnanswered = false;
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            LocalLlmException failure;
            boolean retryable;
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<StreamingBody> response = client.send(request,
                        info -> new StreamingBody(context, started + firstByteTimeout.toNanos(), firstByteTimeout,
                                idleTimeout, endDrain));
                int status = response.statusCode();
                LOG.debug("{} -> HTTP {} in {} ms", label, status, (System.nanoTime() - started) / 1_000_000);
                if (status >= 200 && status < 300) {
                    return new Answer(response, context);
                }
                String body = redact(response.body().readText(ERROR_BODY_CAP));
                failure = HttpErrors.fromResponse(status, body, response.headers(), context);
                // 429 and 503 say the server did no work; a gateway's 502/504 may hide work done.
                retryable = status == 429 || status == 503 || call.isIdempotent() && (status == 502 || status == 504);
                if (failure instanceof ServerBusyException busy) {
                    retryAfter = busy.retryAfter();
                }
            } catch (IOException e) {
                SendFailures.Failure sendFailure = SendFailures.of(e, context, connectTimeout, firstByteTimeout);
                failure = sendFailure.exception();
                retryable = switch (sendFailure.retry()) {
                    case ALWAYS -> true;
                    case ONCE -> call.isIdempotent() || call.isResentIfUnanswered() && !resentUnanswered;
                    case IF_IDEMPOTENT -> call.isIdempotent();
                    case NEVER -> false;
                };
                resentUnanswered |= sendFailure.retry() == SendFailures.Retry.ONCE;
                LOG.debug("{} failed after {} ms: {}", label, (System.nanoTime() - started) / 1_000_000,
                        e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalLlmException("interrupted while waiting for " + context.where()
                        + "; the request was abandoned", e);
            }
            Optional<Duration> delay = retryable ? retryPolicy.delayBefore(attempt, retryAfter) : Optional.empty();
            if (delay.isEmpty()) {
                throw failure;
            }
            LOG.info("{} failed, attempt {} of {} in {} ms: {}", label, attempt + 1, retryPolicy.maxAttempts(),
                    delay.get().toMillis(), failure.getMessage());
            pause(delay.get(), context);
        }
    }

    private HttpRequest request(HttpCall call, URI uri, String accept) {
        HttpRequest.BodyPublisher publisher = call.body()
                .map(body -> HttpRequest.BodyPublishers.ofByteArray(serialize(body, call)))
                .orElse(HttpRequest.BodyPublishers.noBody());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(firstByteTimeout)
                .method(call.method(), publisher)
                .header("Accept", accept)
                .header("User-Agent", Version.USER_AGENT);
        if (call.body().isPresent()) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::setHeader);
        return request.build();
    }

    private byte[] serialize(Object body, HttpCall call) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body of " + call + " cannot be written as JSON ("
                    + e.getOriginalMessage() + "); pass a JsonNode, a record, a map or a list", e);
        }
    }

    private static void pause(Duration delay, ErrorContext context) {
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalLlmException("interrupted while waiting to retry " + context.where()
                    + "; the request was abandoned", e);
        }
    }

    /** Masks credentials a server might echo in an error page. */
    private String redact(String text) {
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    private ExecutorService daemonExecutor() {
        int id = CLIENTS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        return Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "localllm-http-" + id + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String toString() {
        return "HttpTransport[" + server + " at " + Text.label(baseUri) + ", headers " + headers.keySet() + "]";
    }

    /** Settings of an {@link HttpTransport}. */
    public static final class Builder {
        private final URI baseUri;
        private String server = "the server";
        private String unavailableHint;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> secrets = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration firstByteTimeout = Duration.ofMinutes(5);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private EndDrain endDrain = EndDrain.DEFAULT;
        private ObjectMapper mapper = Json.MAPPER;
        private HttpClient.Redirect redirects = HttpClient.Redirect.NEVER;

        private Builder(URI baseUri) {
            Objects.requireNonNull(baseUri, "baseUri");
            String scheme = baseUri.getScheme() == null ? "" : baseUri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || baseUri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) address with a host: '" + Text.label(baseUri)
                        + "'; give one like http://127.0.0.1:11434");
            }
            if (baseUri.getRawUserInfo() != null || baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
                throw new IllegalArgumentException("the base address " + Text.label(baseUri) + " holds user info, a "
                        + "query or a fragment; give the plain address and pass credentials with header(...)");
            }
            this.baseUri = baseUri;
        }

        /** @return this builder, with the server's name in messages, such as {@code "Ollama"} */
        public Builder server(String name) {
            this.server = requireText(name, "server");
            return this;
        }

        /**
         * @param hint what to check when the server cannot be reached or answers as something else,
         *     such as "is Ollama running? start it with `ollama serve`"
         * @return this builder
         */
        public Builder unavailableHint(String hint) {
            this.unavailableHint = requireText(hint, "hint");
            return this;
        }

        /**
         * Adds a header sent with every request, replacing one of the same name. Its value is never
         * logged; the values of {@code Authorization}, {@code Proxy-Authorization}, {@code Cookie} and
         * of headers whose name says key, token or secret are also masked in server text quoted by
         * messages.
         *
         * @return this builder
         */
        public Builder header(String name, String value) {
            requireText(name, "name");
            Objects.requireNonNull(value, "value");
            // The JDK refuses some names (Host, Connection...) and malformed ones: better here than per request.
            HttpRequest.newBuilder().header(name, value);
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            headers.put(name, value);
            if (isCredential(name) && !value.isBlank()) {
                secrets.add(value);
                int space = value.indexOf(' ');
                // "Bearer sk-..." : the token alone is what a server would echo.
                if (space > 0 && value.length() - space > 5) {
                    secrets.add(value.substring(space + 1).strip());
                }
            }
            return this;
        }

        /** @return this builder, sending {@code Authorization: Bearer token} */
        public Builder bearerToken(String token) {
            return header("Authorization", "Bearer " + requireText(token, "token"));
        }

        /** @return this builder, with the longest wait for a connection */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requirePositive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout the longest wait from sending a request to the first byte of its answer
         *     (headers, and for a stream its first data), which includes a model's loading
         * @return this builder
         */
        public Builder firstByteTimeout(Duration timeout) {
            this.firstByteTimeout = requirePositive(timeout, "firstByteTimeout");
            return this;
        }

        /**
         * @param timeout the longest silence between two pieces of an answer's body; a server's
         *     keep-alive comments (llama.cpp pings) count as pieces
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = requirePositive(timeout, "idleTimeout");
            return this;
        }

        /** @return this builder, with {@code policy} for retries */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** For tests on a loaded machine: a longer wait for the end of a body after its final line. */
        Builder endDrain(EndDrain drain) {
            this.endDrain = Objects.requireNonNull(drain, "drain");
            return this;
        }

        /** @return this builder, writing and reading JSON with {@code mapper} */
        public Builder mapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * @param policy whether the client follows redirects; {@link HttpClient.Redirect#NEVER} by
         *     default, because credentials would follow them to another host
         * @return this builder
         */
        public Builder redirects(HttpClient.Redirect policy) {
            this.redirects = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** @return a transport with these settings and its own client */
        public HttpTransport build() {
            return new HttpTransport(this);
        }

        private static boolean isCredential(String header) {
            String h = header.toLowerCase(Locale.ROOT);
            return h.equals("authorization") || h.equals("proxy-authorization") || h.equals("cookie")
                    || h.contains("key") || h.contains("token") || h.contains("secret");
        }

        private static String requireText(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static Duration requirePositive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
