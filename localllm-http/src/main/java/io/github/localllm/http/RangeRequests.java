package io.github.localllm.http;

import io.github.localllm.ModelDownloadException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one range request and follows its redirects by hand: Hugging Face answers {@code /resolve/}
 * with a 302 to a signed CDN address on another host, and credentials must not travel there. An
 * HTTPS address is never followed to plain HTTP. Bodies are capped, so a server that ignores the
 * Range header cannot stream a whole model into memory.
 */
final class RangeRequests {
    static final int MAX_REDIRECTS = 5;
    private static final int ERROR_BODY_CAP = 4096;

    private final HttpClient client;
    private final URI origin;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final String label;

    RangeRequests(HttpClient client, URI origin, Map<String, String> headers, Duration timeout) {
        this.client = client;
        this.origin = origin;
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
        this.label = Text.label(origin);
    }

    /**
     * An answer that is not a redirect.
     *
     * @param uri the address that gave it, where later requests can go directly
     * @param response the answer, its body capped
     */
    record Answer(URI uri, HttpResponse<byte[]> response) {
        int status() {
            return response.statusCode();
        }

        byte[] body() {
            return response.body() == null ? new byte[0] : response.body();
        }
    }

    /**
     * @param first the address to ask
     * @param range the Range header's value
     * @param wholeFileCap the most bytes of a 200 answer worth keeping: the whole file if it is that small
     * @param maxRange the most bytes a 206 answer may bring
     * @return the first answer that is not a redirect
     */
    Answer follow(URI first, String range, int wholeFileCap, int maxRange) {
        URI uri = first;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<byte[]> response = send(uri, range, wholeFileCap, maxRange);
            int status = response.statusCode();
            if (status < 300 || status > 399 || status == 304) {
                return new Answer(uri, response);
            }
            String location = response.headers().firstValue("Location").orElseThrow(() ->
                    new ModelDownloadException(label + " answered HTTP " + status
                            + " without a Location header; the server is misconfigured, try again later"));
            URI next;
            try {
                next = uri.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new ModelDownloadException(label + " redirected to an invalid address; the server is "
                        + "misconfigured, try again later", e);
            }
            if ("https".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                throw new ModelDownloadException(label + " redirected from HTTPS to " + Text.label(next)
                        + ", which is not followed because it would expose the download; use a mirror that stays on HTTPS");
            }
            if ("http".equalsIgnoreCase(next.getScheme()) && !sameHost(next, uri) && !isLoopback(next.getHost())) {
                // Plain HTTP the user chose for one host is not a licence for another, remote one.
                throw new ModelDownloadException(label + " redirected to " + Text.label(next) + ", plain HTTP on"
                        + " another host, which is not followed because anyone on the way could read or change the"
                        + " model; use an https address or a mirror that stays on its own host");
            }
            uri = next;
        }
        throw new ModelDownloadException(label + " redirected more than " + MAX_REDIRECTS
                + " times; the address loops, check it");
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }

    /** A loopback name or literal address; no name is looked up, so DNS cannot make a remote host local. */
    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    private HttpResponse<byte[]> send(URI uri, String range, int wholeFileCap, int maxRange) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout)
                .header("Range", range)
                // A compressed answer's Content-Range would count compressed bytes.
                .header("Accept-Encoding", "identity");
        boolean sameHost = uri.getHost().equalsIgnoreCase(origin.getHost()) && uri.getPort() == origin.getPort();
        headers.forEach((name, value) -> {
            if (sameHost || !isCredential(name)) {
                request.header(name, value);
            }
        });
        if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("User-Agent"))) {
            request.header("User-Agent", Version.USER_AGENT);
        }
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request.build(), info -> info.statusCode() == 206
                ? new CappedBody(maxRange, true)
                : info.statusCode() == 200 ? new CappedBody(wholeFileCap + 1, false)
                : new CappedBody(info.statusCode() >= 400 ? ERROR_BODY_CAP : 0, false));
        try {
            // The request timeout covers only the wait for headers; this bounds a body that stalls.
            return future.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ModelDownloadException("interrupted while reading " + label, e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timedOut(e);
        } catch (ExecutionException e) {
            throw failed(uri, e.getCause());
        }
    }

    private ModelDownloadException failed(URI uri, Throwable cause) {
        if (cause instanceof HttpTimeoutException) {
            return timedOut(cause);
        }
        if (cause instanceof ConnectException) {
            return new ModelDownloadException("could not connect to " + hostOf(uri) + " for " + label
                    + " (" + Text.describe(cause) + "); check the address, the network and any proxy, then retry", cause);
        }
        if (cause instanceof IOException) {
            return new ModelDownloadException("reading " + label + " failed: " + Text.describe(cause)
                    + "; check the network and retry", cause);
        }
        return new ModelDownloadException("reading " + label + " failed: " + Text.describe(cause), cause);
    }

    private ModelDownloadException timedOut(Throwable cause) {
        return new ModelDownloadException(label + " did not answer within " + timeout.toMillis()
                + " ms; the server is slow or unreachable, retry later or raise the timeout", cause);
    }

    private static boolean isCredential(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.equals("authorization") || h.equals("cookie") || h.equals("proxy-authorization");
    }

    private static String hostOf(URI uri) {
        return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
}
