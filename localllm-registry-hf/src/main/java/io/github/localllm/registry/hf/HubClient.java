package io.github.localllm.registry.hf;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.ConfigurationException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.http.ServerBusyException;
import io.github.localllm.registry.GatedModelException;
import io.github.localllm.registry.RepoFileNotFoundException;
import io.github.localllm.registry.RepositoryNotFoundException;
import io.github.localllm.registry.RevisionNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Hub's JSON API over the JDK client: the token only to the Hub's own host, redirects followed by hand
 * (a relative one keeps the token, one to another host loses it, none may go from HTTPS to HTTP), plain HTTP
 * only to loopback unless allowed, {@code 429}/{@code 503} retried after their {@code Retry-After}, and the
 * Hub's {@code X-Error-Code} ({@code RepoNotFound}, {@code RevisionNotFound}, {@code EntryNotFound},
 * {@code GatedRepo}; {@code shared/protocols/hf/resolve-errors.http}) turned into typed exceptions.
 * {@link io.github.localllm.http.HttpTransport} does not fit here: it hides the {@code Link} header the
 * pagination needs and maps errors in the terms of inference servers.
 */
final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");
    private static final int MAX_REDIRECTS = 5;
    private static final int ERROR_TEXT = 300;
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /**
     * An answer.
     *
     * @param body its text
     * @param next the {@code Link rel="next"} address as a path and query below the endpoint, if any
     */
    record Answer(String body, Optional<String> next) {
    }

    private final URI endpoint;
    private final String token;
    private final boolean allowHttp;
    private final Duration timeout;
    private final Duration maxRetryWait;
    private final int maxAttempts;
    private final HttpClient client;

    HubClient(URI endpoint, String token, boolean allowHttp, Duration timeout, Duration maxRetryWait, int maxAttempts) {
        this.allowHttp = allowHttp;
        this.endpoint = checkEndpoint(endpoint);
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.timeout = timeout;
        this.maxRetryWait = maxRetryWait;
        this.maxAttempts = maxAttempts;
        int id = CLIENTS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newCachedThreadPool(task -> {
                    Thread t = new Thread(task, "localllm-hf-" + id + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }))
                .build();
    }

    URI endpoint() {
        return endpoint;
    }

    boolean hasToken() {
        return token != null;
    }

    /** A hash of the token, so cached answers seen with one token are not served to another; never the token. */
    String tokenFingerprint() {
        return token == null ? "anonymous" : ResponseCache.sha256(token).substring(0, 16);
    }

    /** @return the headers for a request to {@code uri}: the token only when it goes to the Hub's own host */
    Map<String, String> authorizationFor(URI uri) {
        return token != null && sameOrigin(uri) ? Map.of("Authorization", "Bearer " + token) : Map.of();
    }

    /** Sends {@code GET} to a path (and query) below the endpoint, returning the 2xx answer. */
    Answer get(String pathAndQuery, HubTarget target) {
        HttpResponse<String> response = send("GET", resolve(pathAndQuery), target);
        return new Answer(response.body(), response.headers().firstValue("Link").flatMap(this::next));
    }

    /** Sends {@code HEAD} and accepts a 2xx or a redirect: the file exists and may be read. */
    void probe(String path, HubTarget target) {
        send("HEAD", resolve(path), target);
    }

    URI resolve(String pathAndQuery) {
        String base = endpoint.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery);
    }

    private HttpResponse<String> send(String method, URI first, HubTarget target) {
        URI uri = first;
        int redirects = 0;
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            HttpResponse<String> response;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .header("Accept", "application/json")
                        .header("User-Agent", "localllm-registry-hf");
                authorizationFor(uri).forEach(request::header);
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpTimeoutException e) {
                LocalLlmException failure = new BackendUnavailableException("the Hugging Face Hub at " + label(uri)
                        + " did not answer within " + timeout.toSeconds() + " s; retry later, or set HF_ENDPOINT to a mirror");
                pauseOrThrow(attempt, Optional.empty(), failure);
                continue;
            } catch (IOException e) {
                LocalLlmException failure = new BackendUnavailableException("cannot reach the Hugging Face Hub at "
                        + label(uri) + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                        + redact(e.getMessage())) + "); check the network connection, or set HF_ENDPOINT to a mirror");
                pauseOrThrow(attempt, Optional.empty(), failure);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalLlmException("interrupted while waiting for the Hugging Face Hub at " + label(uri), e);
            }
            int status = response.statusCode();
            LOG.debug("{} {} -> HTTP {} in {} ms", method, label(uri), status, (System.nanoTime() - started) / 1_000_000);
            if (status >= 200 && status < 300) {
                return response;
            }
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                if (method.equals("HEAD") && isFileRedirect(uri, response.headers())) {
                    // A file's redirect to its CDN: the file is there; its bytes are not wanted here. The range
                    // reader follows it next, so it must pass the same rules as any redirect (no plain HTTP out).
                    redirect(uri, response.headers().firstValue("Location").get());
                    return response;
                }
                if (++redirects > MAX_REDIRECTS) {
                    throw new BackendUnavailableException("the Hugging Face Hub at " + label(first) + " redirected more than "
                            + MAX_REDIRECTS + " times; check HF_ENDPOINT");
                }
                uri = redirect(uri, response.headers().firstValue("Location").get());
                attempt--;
                continue;
            }
            LocalLlmException failure = error(status, response.headers(), response.body(), target, uri);
            boolean retryable = status == 429 || status == 502 || status == 503 || status == 504;
            if (!retryable) {
                throw failure;
            }
            pauseOrThrow(attempt, retryAfter(response.headers()), failure);
        }
    }

    private static boolean isFileRedirect(URI uri, HttpHeaders headers) {
        return uri.getPath().contains("/resolve/") && headers.firstValue("X-Linked-Size").isPresent()
                || headers.firstValue("X-Repo-Commit").isPresent();
    }

    private void pauseOrThrow(int attempt, Optional<Duration> retryAfter, LocalLlmException failure) {
        Duration delay = retryAfter.orElse(Duration.ofMillis(250L << Math.min(attempt - 1, 6)));
        if (attempt >= maxAttempts || delay.compareTo(maxRetryWait) > 0) {
            throw failure;
        }
        LOG.info("the Hugging Face Hub failed ({}); attempt {} of {} in {} ms", failure.getMessage(), attempt + 1,
                maxAttempts, delay.toMillis());
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalLlmException("interrupted while waiting to retry the Hugging Face Hub", e);
        }
    }

    private URI redirect(URI from, String location) {
        URI to;
        try {
            to = from.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException("the Hugging Face Hub at " + label(from)
                    + " redirected to an address that is not valid; check HF_ENDPOINT");
        }
        String scheme = String.valueOf(to.getScheme()).toLowerCase(Locale.ROOT);
        if ("https".equalsIgnoreCase(from.getScheme()) && !scheme.equals("https")) {
            throw new BackendUnavailableException("the Hugging Face Hub at " + label(from) + " redirected from HTTPS to "
                    + label(to) + "; refused, as it would expose the request");
        }
        checkScheme(to, "a redirect of the Hugging Face Hub");
        if (!sameOrigin(to)) {
            LOG.debug("redirect to another host ({}); the token is not sent there", to.getHost());
        }
        return to;
    }

    private boolean sameOrigin(URI uri) {
        return endpoint.getScheme().equalsIgnoreCase(uri.getScheme())
                && endpoint.getHost() != null && endpoint.getHost().equalsIgnoreCase(uri.getHost())
                && port(endpoint) == port(uri);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private Optional<String> next(String link) {
        Matcher m = NEXT.matcher(link);
        if (!m.find()) {
            return Optional.empty();
        }
        URI next;
        try {
            next = endpoint.resolve(m.group(1));
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring a Link header of the Hugging Face Hub that is not an address");
            return Optional.empty();
        }
        String base = endpoint.toString().replaceAll("/+$", "");
        String text = next.toString();
        if (!sameOrigin(next) || !text.startsWith(base + "/")) {
            // A next page on another host would take the token there, or feed us another server's answers.
            LOG.warn("ignoring a next page of the Hugging Face Hub on another host: {}", next.getHost());
            return Optional.empty();
        }
        return Optional.of(text.substring(base.length()));
    }

    private LocalLlmException error(int status, HttpHeaders headers, String body, HubTarget target, URI uri) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String says = redact(headers.firstValue("X-Error-Message").orElseGet(() -> errorText(body)));
        String quoted = says.isEmpty() ? "" : " (\"" + says + "\")";
        String repo = target.repository();
        String page = repo == null ? "https://huggingface.co" : "https://huggingface.co/" + repo;
        String tokenAdvice = token == null
                ? "if it is private or gated, set HF_TOKEN to an access token of an account that can see it"
                : "the token in use has no access to it";
        switch (code) {
            case "RepoNotFound":
                return new RepositoryNotFoundException("Hugging Face repository '" + repo + "' was not found at "
                        + label(endpoint) + quoted + "; check its name on " + page + ", and " + tokenAdvice);
            case "RevisionNotFound":
                return new RevisionNotFoundException("Hugging Face repository '" + repo + "' has no revision '"
                        + target.revision() + "'" + quoted + "; give a branch, tag or commit listed on " + page
                        + "/tree/main, or leave it out for main");
            case "EntryNotFound":
                return new RepoFileNotFoundException("Hugging Face repository '" + repo + "' has no file '"
                        + target.file() + "' at revision '" + target.revision() + "'" + quoted
                        + "; list its files with details(\"" + repo + "\") and pick one");
            case "GatedRepo":
                return new GatedModelException("Hugging Face repository '" + repo + "' is gated" + quoted + "; "
                        + (token == null
                        ? "accept its terms on " + page + " and set HF_TOKEN to an access token of that account"
                        : "the token in use has not been granted access: accept the terms on " + page
                        + " with its account and wait for approval if the authors review requests"), token != null);
            default:
                break;
        }
        String where = label(uri);
        return switch (status) {
            case 401, 403 -> repo != null
                    ? new RepositoryNotFoundException("Hugging Face repository '" + repo + "' is not accessible (HTTP "
                    + status + quoted + "); check its name on " + page + ", and " + tokenAdvice)
                    : new io.github.localllm.http.AuthenticationException("the Hugging Face Hub at " + label(endpoint)
                    + " refused the request (HTTP " + status + quoted + "); check HF_TOKEN", status);
            case 404 -> repo != null
                    ? new RepositoryNotFoundException("Hugging Face repository '" + repo + "' was not found (HTTP 404"
                    + quoted + "); check its name on " + page)
                    : new BackendUnavailableException("the Hugging Face Hub at " + label(endpoint) + " has no " + where
                    + " (HTTP 404" + quoted + "); check HF_ENDPOINT points at the Hub or a mirror of it");
            case 400, 422 -> new InvalidRequestException("the Hugging Face Hub refused the request " + where + " (HTTP "
                    + status + quoted + "); check the query");
            case 429 -> new ServerBusyException("the Hugging Face Hub is rate limiting requests (HTTP 429" + quoted
                    + "); wait" + retryAfter(headers).map(d -> " " + d.toSeconds() + " s").orElse("")
                    + " and retry, or set HF_TOKEN: signed-in users get higher limits", 429, retryAfter(headers));
            default -> status >= 500
                    ? new ServerBusyException("the Hugging Face Hub at " + label(endpoint) + " failed (HTTP " + status
                    + quoted + "); retry later", status, retryAfter(headers))
                    : new LocalLlmException("the Hugging Face Hub answered " + where + " with HTTP " + status + quoted);
        };
    }

    private static String errorText(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode tree = JSON.readTree(body);
            JsonNode error = tree.path("error");
            if (error.isString()) {
                return cap(error.asString());
            }
            if (error.isArray() && !error.isEmpty()) {
                return cap(error.get(0).asString());
            }
            JsonNode errors = tree.path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                return cap(errors.get(0).path("message").asString());
            }
        } catch (RuntimeException e) {
            // not JSON: quote the text
        }
        return cap(body.strip());
    }

    private static String cap(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", " ");
        return clean.length() <= ERROR_TEXT ? clean : clean.substring(0, ERROR_TEXT) + "...";
    }

    static Optional<Duration> retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(value -> {
            String v = value.strip();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
            } catch (NumberFormatException e) {
                try {
                    ZonedDateTime when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(Clock.systemUTC().instant(), when.toInstant());
                    return Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (DateTimeParseException ignored) {
                    return Optional.empty();
                }
            }
        });
    }

    /** Never lets the token into a message, whatever a server echoes. */
    private String redact(String text) {
        return token == null || text == null ? text : text.replace(token, "***");
    }

    /** The address without its query (a cursor or a signature is noise in a message). */
    static String label(URI uri) {
        String s = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        return s + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private URI checkEndpoint(URI uri) {
        if (uri == null || uri.getHost() == null || uri.getScheme() == null) {
            throw new ConfigurationException("the Hugging Face endpoint '" + uri + "' is not an address; give one like"
                    + " https://huggingface.co (HF_ENDPOINT or huggingface.endpoint)");
        }
        if (uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
            throw new ConfigurationException("the Hugging Face endpoint must be a plain address without a query or a"
                    + " user name, like https://huggingface.co");
        }
        checkScheme(uri, "the Hugging Face endpoint");
        return uri;
    }

    private void checkScheme(URI uri, String what) {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || scheme.equals("http") && (allowHttp || loopback(uri.getHost()))) {
            return;
        }
        throw new ConfigurationException(what + " " + label(uri) + " is not HTTPS; plain HTTP is used only for"
                + " loopback addresses, or when huggingface.allow-http is true (it exposes the token and the answers)");
    }

    private static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            // Only literal addresses: a name could resolve elsewhere later.
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
