package io.github.localllm.gguf;

import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A remote GGUF file read with HTTP range requests, in chunks that grow as the reader goes on, so a
 * header costs a few requests and a few megabytes, not the gigabytes of the whole file.
 *
 * <p>Redirects are followed here, not by the client: Hugging Face answers {@code /resolve/} with a
 * 302 to a signed CDN address on another host, and credentials must not travel there. An HTTPS
 * address is never followed to plain HTTP.
 */
final class HttpRangeSource implements GgufSource {
    static final int FIRST_CHUNK = 1 << 20;
    static final int MAX_CHUNK = 16 << 20;
    static final int MAX_REDIRECTS = 5;
    /**
     * The most bytes one source fetches. Real headers stay well under it (a 262,144-token vocabulary
     * with scores and merges is about 15 MB); a hostile one that declares a huge string or array is cut
     * off here instead of streaming the whole file.
     */
    static final long MAX_BYTES = 64L << 20;
    private static final int ERROR_BODY_CAP = 4096;
    // Hubs ask clients to name themselves; the version is the module's, when it is known.
    private static final String USER_AGENT = "localllm/" + Optional.ofNullable(HttpRangeSource.class.getPackage()
            .getImplementationVersion()).orElse("dev");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes \\*/(\\d{1,18})");

    private final HttpClient client;
    private final URI origin;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final String label;
    private final int firstChunk;
    private final long maxBytes;
    private long fetched;
    private URI resolved;
    private long size = -1;
    private byte[] chunk = new byte[0];
    private long chunkStart;
    private int fetches;

    private HttpRangeSource(HttpClient client, URI origin, Map<String, String> headers, Duration timeout,
                            int firstChunk, long maxBytes) {
        this.firstChunk = firstChunk;
        this.maxBytes = maxBytes;
        this.client = client;
        this.origin = origin;
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
        this.label = label(origin);
    }

    static HttpRangeSource open(HttpClient client, URI uri, Map<String, String> headers, Duration timeout) {
        return open(client, uri, headers, timeout, FIRST_CHUNK, MAX_BYTES);
    }

    /**
     * @param firstChunk the first request's length; later ones double up to {@link #MAX_CHUNK}
     * @param maxBytes the most bytes fetched in all
     */
    static HttpRangeSource open(HttpClient client, URI uri, Map<String, String> headers, Duration timeout,
                                int firstChunk, long maxBytes) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) address: " + label(uri)
                    + "; pass the file's download address, e.g. https://huggingface.co/<repo>/resolve/main/<file>.gguf");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        // A client that follows redirects itself would carry credentials to the CDN host.
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the client follows redirects (" + client.followRedirects()
                    + "); give one with Redirect.NEVER, such as HttpClient.newHttpClient(): this source follows "
                    + "redirects itself so that credentials stay on the first host");
        }
        HttpRangeSource source = new HttpRangeSource(client, uri, headers, timeout, firstChunk, maxBytes);
        source.fetch(0, (int) Math.min(firstChunk, maxBytes));
        return source;
    }

    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized int read(long position, ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        if (position < chunkStart || position >= chunkStart + chunk.length) {
            long want = Math.max(dst.remaining(), Math.min(MAX_CHUNK, (long) firstChunk << Math.min(fetches, 4)));
            long budget = maxBytes - fetched;
            if (budget <= 0) {
                throw new ModelDownloadException(label + ": reading its header took more than " + maxBytes
                        + " bytes (at byte " + position + " of " + size + "), far beyond any real GGUF header, so the "
                        + "file is unusual or hostile; download it and read it locally to inspect it");
            }
            fetch(position, (int) Math.min(Math.min(want, budget), size - position));
        }
        int offset = (int) (position - chunkStart);
        int n = Math.min(dst.remaining(), chunk.length - offset);
        dst.put(chunk, offset, n);
        return n;
    }

    @Override
    public String description() {
        return label;
    }

    @Override
    public void close() {
        chunk = new byte[0];
    }

    private void fetch(long start, int length) {
        long end = start + length - 1;
        boolean retried = false;
        while (true) {
            URI target = resolved != null ? resolved : origin;
            Answer answer = follow(target, "bytes=" + start + "-" + end, start == 0 ? length : 0);
            if (answer.status() == 206) {
                keep(answer, start, checkedTotal(answer, start, length));
                return;
            }
            // Some servers answer a range covering the whole file with the file itself.
            if (answer.status() == 200 && start == 0 && size < 0 && answer.body().length <= length) {
                keep(answer, 0, answer.body().length);
                return;
            }
            if (answer.status() == 416) {
                acceptUnsatisfiable(answer, start);
                return;
            }
            // A signed CDN address from an earlier redirect may have expired: resolve it again once.
            if (resolved != null && !retried && (answer.status() == 401 || answer.status() == 403
                    || answer.status() == 404 || answer.status() == 410)) {
                resolved = null;
                retried = true;
                continue;
            }
            throw failure(answer);
        }
    }

    /** Takes a good answer's bytes as the current chunk, and its address for the next requests. */
    private void keep(Answer answer, long start, long total) {
        size = total;
        chunk = answer.body();
        chunkStart = start;
        fetched += chunk.length;
        resolved = answer.uri();
        fetches++;
    }

    /** Checks a 206 answer against the range asked for and the size seen so far; @return the file's size. */
    private long checkedTotal(Answer answer, long start, int length) {
        String range = abbreviate(answer.response().headers().firstValue("Content-Range").orElse(""));
        Matcher m = CONTENT_RANGE.matcher(range.trim());
        if (!m.matches()) {
            throw new ModelDownloadException(label + " answered 206 with the Content-Range '" + range
                    + "', which is not 'bytes first-last/size'; the server does not serve byte ranges properly, "
                    + "so download the file and read it locally");
        }
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        if (m.group(3).equals("*")) {
            throw new ModelDownloadException(label + " did not say how large the file is (Content-Range '"
                    + range + "'); download the file and read it locally");
        }
        long total = Long.parseLong(m.group(3));
        if (first != start || last < first || last - first >= length || last >= total) {
            throw new ModelDownloadException(label + " answered bytes " + first + "-" + last + " of " + total
                    + " when asked for " + start + "-" + (start + length - 1)
                    + "; the server mishandles ranges, so download the file and read it locally");
        }
        if (size >= 0 && total != size) {
            throw new ModelDownloadException(label + " changed while it was being read (it was " + size
                    + " bytes, now " + total + "); retry, or pin a revision instead of a branch");
        }
        int received = answer.body().length;
        if (received != last - first + 1) {
            throw new ModelDownloadException(label + ": the connection broke off after " + received
                    + " of the " + (last - first + 1) + " bytes from byte " + first + "; check the network and retry");
        }
        return total;
    }

    private void acceptUnsatisfiable(Answer answer, long start) {
        String range = abbreviate(answer.response().headers().firstValue("Content-Range").orElse(""));
        Matcher m = UNSATISFIED_RANGE.matcher(range.trim());
        if (size < 0 && start == 0 && m.matches()) {
            size = Long.parseLong(m.group(1));
            chunk = new byte[0];
            return;
        }
        throw new ModelDownloadException(label + " refused the range from byte " + start + " (HTTP 416, Content-Range '"
                + range + "'); the file is shorter than its header says, or changed while being read; retry");
    }

    /** @param wholeFileCap the most bytes of a 200 answer worth keeping: the whole file if it is that small */
    private Answer follow(URI first, String range, int wholeFileCap) {
        URI uri = first;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<byte[]> response = send(uri, range, wholeFileCap);
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
                throw new ModelDownloadException(label + " redirected from HTTPS to " + label(next)
                        + ", which is not followed because it would expose the download; use a mirror that stays on HTTPS");
            }
            uri = next;
        }
        throw new ModelDownloadException(label + " redirected more than " + MAX_REDIRECTS
                + " times; the address loops, check it");
    }

    private HttpResponse<byte[]> send(URI uri, String range, int wholeFileCap) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout)
                .header("Range", range)
                .header("Accept-Encoding", "identity");
        boolean sameHost = uri.getHost().equalsIgnoreCase(origin.getHost()) && uri.getPort() == origin.getPort();
        headers.forEach((name, value) -> {
            if (sameHost || !isCredential(name)) {
                request.header(name, value);
            }
        });
        if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("User-Agent"))) {
            request.header("User-Agent", USER_AGENT);
        }
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request.build(), info -> info.statusCode() == 206
                ? new CappedBody(MAX_CHUNK, true)
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
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw timedOut(cause);
            }
            if (cause instanceof ConnectException) {
                throw new ModelDownloadException("could not connect to " + hostOf(uri) + " for " + label
                        + " (" + describe(cause) + "); check the address, the network and any proxy, then retry", cause);
            }
            if (cause instanceof IOException) {
                throw new ModelDownloadException("reading " + label + " failed: " + describe(cause)
                        + "; check the network and retry", cause);
            }
            throw new ModelDownloadException("reading " + label + " failed: " + describe(cause), cause);
        }
    }

    private ModelDownloadException timedOut(Throwable cause) {
        return new ModelDownloadException(label + " did not answer within " + timeout.toMillis()
                + " ms; the server is slow or unreachable, retry later or raise the timeout", cause);
    }

    private LocalLlmException failure(Answer answer) {
        int status = answer.status();
        HttpResponse<byte[]> response = answer.response();
        String code = response.headers().firstValue("X-Error-Code").orElse("");
        String serverSays = response.headers().firstValue("X-Error-Message")
                .or(() -> Optional.of(new String(answer.body(), StandardCharsets.UTF_8).strip()))
                .filter(s -> !s.isEmpty())
                .map(s -> " (" + (code.isEmpty() ? "" : code + ": ") + abbreviate(s) + ")")
                .orElse(code.isEmpty() ? "" : " (" + code + ")");
        String what = label + " answered HTTP " + status + serverSays;
        return switch (status) {
            case 401, 403 -> new ModelNotFoundException(what + "; the repository or file does not "
                    + "exist, or it is private or gated: check the address, accept the model's terms on its page and "
                    + "pass an access token (Authorization: Bearer ...)");
            case 404, 410 -> new ModelNotFoundException(what
                    + "; the file is not there: check the repository, revision and file name");
            case 200 -> new ModelDownloadException(what + " to a range request: the server "
                    + "does not serve byte ranges, so the header cannot be read without downloading the whole file; "
                    + "download it and read it locally");
            case 429 -> new ModelDownloadException(what + "; too many requests"
                    + response.headers().firstValue("Retry-After").map(s -> ", retry after " + s + " s").orElse(", retry later"));
            default -> new ModelDownloadException(what
                    + (status >= 500 ? "; the server failed, retry later" : "; this request is not accepted there"));
        };
    }

    private static boolean isCredential(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.equals("authorization") || h.equals("cookie") || h.equals("proxy-authorization");
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static String hostOf(URI uri) {
        return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** The address without user info or query, which may hold credentials or signatures. */
    static String label(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
        String host = uri.getHost() == null ? "" : hostOf(uri);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + host + path;
    }

    private record Answer(URI uri, HttpResponse<byte[]> response) {
        int status() {
            return response.statusCode();
        }

        byte[] body() {
            return response.body() == null ? new byte[0] : response.body();
        }
    }
}
