package io.github.localllm.http;

import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A remote file read with HTTP range requests, in chunks that grow as the reader goes on, so reading
 * a model's header costs a few requests and a few megabytes, not the gigabytes of the whole file.
 *
 * <pre>{@code
 * try (HttpRangeReader file = HttpRangeReader.builder(URI.create(
 *         "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf"))
 *         .header("Authorization", "Bearer " + token)
 *         .open()) {
 *     long size = file.size();
 *     file.read(0, ByteBuffer.allocate(4));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Opening makes the first request (the first megabyte by default), which tells the file's
 *       size: from {@code Content-Range}, from a {@code 416} for an empty file, or from a whole small
 *       file sent with {@code 200}. A large file sent whole means the server ignores ranges, and is
 *       refused after the first bytes instead of downloaded.</li>
 *   <li>Redirects are followed by the reader, not the client: Hugging Face answers
 *       {@code /resolve/} with a 302 to a signed CDN address on another host, and headers named
 *       Authorization, Cookie or Proxy-Authorization go only to the first address's host. HTTPS is
 *       never followed to HTTP. A CDN address that stops working (its signature expired) is
 *       resolved again once.</li>
 *   <li>At most {@link Builder#byteBudget 64 MiB} are fetched in all: a hostile header that claims
 *       a huge string is cut off, not streamed.</li>
 *   <li>Failures are {@link ModelNotFoundException} (the Hub's 401, 403, 404 and 410, with its
 *       {@code X-Error-Code}) and {@link ModelDownloadException} (unreachable, slow, failing, or not
 *       serving ranges), each naming the address without user info or query, which may hold
 *       credentials or signatures. Header values never appear in a message.</li>
 * </ul>
 *
 * <p>Thread-safe; reads are serialised.
 */
public final class HttpRangeReader implements AutoCloseable {
    /** The first request's length, unless {@link Builder#firstChunk} says otherwise. */
    public static final int DEFAULT_FIRST_CHUNK = 1 << 20;
    /** Later requests double in length up to this. */
    public static final int MAX_CHUNK = 16 << 20;
    /**
     * The most bytes one reader fetches, unless {@link Builder#byteBudget} says otherwise. Real GGUF
     * headers stay well under it (a 262,144-token vocabulary with scores and merges is about 15 MB).
     */
    public static final long DEFAULT_BYTE_BUDGET = 64L << 20;
    /** The time limit for each answer, unless {@link Builder#timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Redirects followed for one request. */
    public static final int MAX_REDIRECTS = RangeRequests.MAX_REDIRECTS;

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes \\*/(\\d{1,18})");

    private final RangeRequests requests;
    private final URI origin;
    private final String label;
    private final int firstChunk;
    private final long byteBudget;
    private long fetched;
    private URI resolved;
    private long size = -1;
    private byte[] chunk = new byte[0];
    private long chunkStart;
    private int fetches;

    private HttpRangeReader(Builder b) {
        this.requests = new RangeRequests(b.client, b.uri, b.headers, b.timeout);
        this.origin = b.uri;
        this.label = Text.label(b.uri);
        this.firstChunk = b.firstChunk;
        this.byteBudget = b.byteBudget;
    }

    /**
     * Opens a file with the defaults: a shared client, no extra headers, {@link #DEFAULT_TIMEOUT}.
     *
     * @param uri the file's download address, e.g. {@code https://huggingface.co/<repo>/resolve/<revision>/<file>.gguf}
     * @return the reader, the file's size already known
     * @throws IllegalArgumentException if the address is not http(s)
     * @throws ModelNotFoundException if the server says the file does not exist or is not accessible
     * @throws ModelDownloadException if the server cannot be reached, times out, fails, or does not serve ranges
     */
    public static HttpRangeReader open(URI uri) {
        return builder(uri).open();
    }

    /**
     * @param uri the file's download address (http or https)
     * @return a builder with the defaults
     */
    public static Builder builder(URI uri) {
        return new Builder(Objects.requireNonNull(uri, "uri"));
    }

    /** @return the file's size in bytes */
    public synchronized long size() {
        return size;
    }

    /**
     * Reads bytes starting at {@code position} into {@code dst}, as many as fit, remain in the file and
     * are held from the last request; a position outside it costs a new request.
     *
     * @param position the absolute byte offset, 0 &le; position &le; size
     * @param dst the buffer to fill from its position to its limit
     * @return the number of bytes read, or -1 at or past the end
     * @throws ModelDownloadException if the request fails, the file changed, or the byte budget is spent
     * @throws ModelNotFoundException if the file is gone
     */
    public synchronized int read(long position, ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        if (position < chunkStart || position >= chunkStart + chunk.length) {
            long want = Math.max(dst.remaining(), Math.min(MAX_CHUNK, (long) firstChunk << Math.min(fetches, 4)));
            long budget = byteBudget - fetched;
            if (budget <= 0) {
                throw new ModelDownloadException(label + ": reading its header took more than " + byteBudget
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

    /** @return the address for messages: without user info or query, which may hold credentials or signatures */
    public String label() {
        return label;
    }

    /** Drops the bytes held (a later read asks the server again). Never throws. */
    @Override
    public synchronized void close() {
        chunk = new byte[0];
    }

    private void fetch(long start, int length) {
        long end = start + length - 1;
        boolean retried = false;
        while (true) {
            URI target = resolved != null ? resolved : origin;
            RangeRequests.Answer answer = requests.follow(target, "bytes=" + start + "-" + end, start == 0 ? length : 0,
                    MAX_CHUNK);
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
            throw HubErrors.of(label, answer.status(), answer.response().headers(), answer.body());
        }
    }

    /** Takes a good answer's bytes as the current chunk, and its address for the next requests. */
    private void keep(RangeRequests.Answer answer, long start, long total) {
        size = total;
        chunk = answer.body();
        chunkStart = start;
        fetched += chunk.length;
        resolved = answer.uri();
        fetches++;
    }

    /** Checks a 206 answer against the range asked for and the size seen so far; @return the file's size. */
    private long checkedTotal(RangeRequests.Answer answer, long start, int length) {
        String range = Text.excerpt(answer.response().headers().firstValue("Content-Range").orElse(""));
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

    private void acceptUnsatisfiable(RangeRequests.Answer answer, long start) {
        String range = Text.excerpt(answer.response().headers().firstValue("Content-Range").orElse(""));
        Matcher m = UNSATISFIED_RANGE.matcher(range.trim());
        if (size < 0 && start == 0 && m.matches()) {
            size = Long.parseLong(m.group(1));
            chunk = new byte[0];
            return;
        }
        throw new ModelDownloadException(label + " refused the range from byte " + start + " (HTTP 416, Content-Range '"
                + range + "'); the file is shorter than its header says, or changed while being read; retry");
    }

    /** Opens an {@link HttpRangeReader}; every setting has a default. */
    public static final class Builder {
        private final URI uri;
        private HttpClient client;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private int firstChunk = DEFAULT_FIRST_CHUNK;
        private long byteBudget = DEFAULT_BYTE_BUDGET;

        private Builder(URI uri) {
            this.uri = uri;
        }

        /**
         * @param client the client to send with (proxy, SSL and executor settings are its own); it must
         *     not follow redirects ({@link HttpClient.Redirect#NEVER}, the default of
         *     {@link HttpClient#newHttpClient()}), since the reader follows them itself to keep
         *     credentials on the first host. Default: a shared client with a 10 s connect timeout.
         * @return this builder
         */
        public Builder client(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @param name a request header, such as {@code Authorization}; its value is never logged
         * @param value its value, such as {@code Bearer <token>} for a gated repository
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param headers request headers to add, see {@link #header}
         * @return this builder
         */
        public Builder headers(Map<String, String> headers) {
            Objects.requireNonNull(headers, "headers").forEach(this::header);
            return this;
        }

        /**
         * @param timeout the time limit for each request's answer (its body may take as long again)
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param bytes the first request's length; later ones double, up to {@link #MAX_CHUNK}
         * @return this builder
         */
        public Builder firstChunk(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("the first chunk must be at least one byte, got " + bytes);
            }
            this.firstChunk = bytes;
            return this;
        }

        /**
         * @param bytes the most bytes fetched in all; a read beyond fails with {@link ModelDownloadException}
         * @return this builder
         */
        public Builder byteBudget(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("the byte budget must be at least one byte, got " + bytes);
            }
            this.byteBudget = bytes;
            return this;
        }

        /**
         * Makes the first request.
         *
         * @return the reader, the file's size known
         * @throws IllegalArgumentException if the address is not http(s), the timeout is not positive, or
         *     the client follows redirects
         * @throws ModelNotFoundException if the server says the file does not exist or is not accessible
         *     (HTTP 401, 403, 404, 410)
         * @throws ModelDownloadException if the server cannot be reached, times out, fails, or does not serve ranges
         */
        public HttpRangeReader open() {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) address: " + Text.label(uri)
                        + "; pass the file's download address, e.g. https://huggingface.co/<repo>/resolve/main/<file>.gguf");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            if (client == null) {
                client = DefaultClient.INSTANCE;
            } else if (client.followRedirects() != HttpClient.Redirect.NEVER) {
                // A client that follows redirects itself would carry credentials to the CDN host.
                throw new IllegalArgumentException("the client follows redirects (" + client.followRedirects()
                        + "); give one with Redirect.NEVER, such as HttpClient.newHttpClient(): this source follows "
                        + "redirects itself so that credentials stay on the first host");
            }
            HttpRangeReader reader = new HttpRangeReader(this);
            synchronized (reader) {
                reader.fetch(0, (int) Math.min(firstChunk, byteBudget));
            }
            return reader;
        }
    }

    /** Made on first use: a program that never reads a remote file starts no client. */
    private static final class DefaultClient {
        static final HttpClient INSTANCE = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }
}
