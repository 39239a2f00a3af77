package io.github.localllm.store.internal;

import io.github.localllm.ModelDownloadException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sends a GET, with a range if asked, and follows redirects by hand: the Hugging Face Hub answers
 * {@code /resolve/} with a 302 to a signed address on its CDN, and credentials (Authorization,
 * Cookie, Proxy-Authorization) go only to the host the download was asked of. Every hop must pass
 * {@link Addresses#refusal}: HTTPS is never followed to plain HTTP on another host.
 */
public final class Remote {
    /** Redirects followed for one request. */
    public static final int MAX_REDIRECTS = 5;

    private final HttpClient client;
    private final Duration timeout;
    private final boolean allowPlainHttp;
    private final String userAgent;

    /**
     * @param client a client that does not follow redirects
     * @param timeout the wait for an answer's headers
     * @param allowPlainHttp whether plain HTTP to remote hosts is allowed
     * @param userAgent the User-Agent sent unless the request names one
     */
    public Remote(HttpClient client, Duration timeout, boolean allowPlainHttp, String userAgent) {
        this.client = client;
        this.timeout = timeout;
        this.allowPlainHttp = allowPlainHttp;
        this.userAgent = userAgent;
    }

    /** @return null when the address may be used, otherwise why not ({@link Addresses#refusal}) */
    public String refusal(URI uri) {
        return Addresses.refusal(uri, allowPlainHttp);
    }

    /**
     * @param origin the address the download was asked of: credentials go only to its host
     * @param start where to send this request (the origin, or a CDN address learnt before)
     * @param headers request headers
     * @param range the Range header's value, or null
     * @return the first answer that is not a redirect
     * @throws IOException if the connection fails or breaks
     * @throws ModelDownloadException if a redirect is missing its target, loops, or goes where it may not
     */
    public RemoteAnswer get(URI origin, URI start, Map<String, String> headers, String range) throws IOException {
        URI uri = start;
        Optional<String> linkedEtag = Optional.empty();
        long linkedSize = -1;
        Optional<String> commit = Optional.empty();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            String refusal = Addresses.refusal(uri, allowPlainHttp);
            if (refusal != null) {
                throw new ModelDownloadException((hop == 0 ? "" : Addresses.label(origin) + " redirected to ")
                        + refusal);
            }
            HttpResponse<BodyBuffers> response = send(origin, uri, headers, range);
            linkedEtag = pick(response, linkedEtag);
            linkedSize = header(response, "X-Linked-Size").map(Remote::parseSize).orElse(linkedSize);
            Optional<String> c = header(response, "X-Repo-Commit");
            if (c.isPresent()) {
                commit = c;
            }
            int status = response.statusCode();
            if (status < 300 || status > 399 || status == 304) {
                return new RemoteAnswer(uri, response, linkedEtag, linkedSize, commit);
            }
            response.body().close();
            Optional<String> location = header(response, "Location");
            if (location.isEmpty()) {
                throw new ModelDownloadException(Addresses.label(uri) + " answered HTTP " + status
                        + " without a Location header; the server is misconfigured, try again later");
            }
            URI next;
            try {
                next = uri.resolve(location.get().strip());
            } catch (IllegalArgumentException e) {
                throw new ModelDownloadException(Addresses.label(uri) + " redirected to an invalid address; the "
                        + "server is misconfigured, try again later", e);
            }
            if ("https".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                throw new ModelDownloadException(Addresses.label(uri) + " redirected from HTTPS to "
                        + Addresses.label(next) + ", which is not followed because it would expose the download; "
                        + "use a mirror that stays on HTTPS");
            }
            uri = next;
        }
        throw new ModelDownloadException(Addresses.label(origin) + " redirected more than " + MAX_REDIRECTS
                + " times; the address loops, check it");
    }

    private static Optional<String> pick(HttpResponse<?> response, Optional<String> before) {
        return header(response, "X-Linked-Etag").map(Remote::unquote).or(() -> before);
    }

    private HttpResponse<BodyBuffers> send(URI origin, URI uri, Map<String, String> headers, String range)
            throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout)
                // A compressed answer's ranges and length would count compressed bytes.
                .header("Accept-Encoding", "identity");
        if (range != null) {
            request.header("Range", range);
        }
        boolean sameOrigin = Addresses.sameOrigin(origin, uri);
        boolean agent = false;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (sameOrigin || !isCredential(h.getKey())) {
                request.header(h.getKey(), h.getValue());
            }
            agent |= h.getKey().equalsIgnoreCase("User-Agent");
        }
        if (!agent) {
            request.header("User-Agent", userAgent);
        }
        try {
            return client.send(request.build(), BodyBuffers.handler());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while asking " + Addresses.label(uri));
        }
    }

    private static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).map(String::strip).filter(s -> !s.isEmpty());
    }

    static String unquote(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    private static long parseSize(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isCredential(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.equals("authorization") || h.equals("cookie") || h.equals("proxy-authorization");
    }
}
