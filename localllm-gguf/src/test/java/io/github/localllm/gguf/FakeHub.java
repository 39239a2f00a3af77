package io.github.localllm.gguf;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face's file endpoint on loopback, in two servers as on the real Hub: {@code /resolve/}
 * answers 302 with X-Repo-Commit, X-Linked-Etag and X-Linked-Size to a signed address on a second
 * host (the CDN), which answers ranges with 206. Headers and error codes follow
 * {@code shared/protocols/hf/resolve-head-qwen-gguf-constructed.http}, {@code resolve-range-206.http}
 * and {@code resolve-errors.http}. Faults are switched on per test.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "9217f5db79a29953eb74d5343926648285ec7e67";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)?");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");

    enum Fault { NONE, IGNORE_RANGE, TRUNCATE, STALL, WRONG_RANGE, RATE_LIMIT, SERVER_ERROR, EXPIRE_SIGNATURE_ONCE,
        GROW_AFTER_FIRST, REDIRECT_LOOP, GATED, HUGE_TOTAL }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> blobs = new ConcurrentHashMap<>();
    private final List<String> hubAuthorizations = new CopyOnWriteArrayList<>();
    private final List<String> userAgents = new CopyOnWriteArrayList<>();
    private final List<String> cdnAuthorizations = new CopyOnWriteArrayList<>();
    private final List<String> cdnRanges = new CopyOnWriteArrayList<>();
    private final AtomicInteger hubRequests = new AtomicInteger();
    private final AtomicLong bytesServed = new AtomicLong();
    private final AtomicInteger signature = new AtomicInteger();
    private volatile Fault fault = Fault.NONE;
    private volatile boolean expired;

    FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", this::resolve);
        cdn.createContext("/", this::serveBlob);
        hub.setExecutor(Executors.newCachedThreadPool(daemon()));
        cdn.setExecutor(Executors.newCachedThreadPool(daemon()));
        hub.start();
        cdn.start();
    }

    /** Publishes {@code bytes} as {@code repo}'s file at revision main. */
    FakeHub put(String repo, String fileName, byte[] bytes) {
        files.put(repo + "/" + fileName, bytes);
        return this;
    }

    FakeHub fault(Fault f) {
        fault = f;
        return this;
    }

    URI resolveUri(String repo, String fileName) {
        return URI.create("http://" + address(hub) + "/" + repo + "/resolve/main/" + fileName);
    }

    List<String> hubAuthorizations() {
        return hubAuthorizations;
    }

    List<String> userAgents() {
        return userAgents;
    }

    List<String> cdnAuthorizations() {
        return cdnAuthorizations;
    }

    List<String> cdnRanges() {
        return cdnRanges;
    }

    int hubRequests() {
        return hubRequests.get();
    }

    long bytesServed() {
        return bytesServed.get();
    }

    private void resolve(HttpExchange ex) throws IOException {
        try (ex) {
            hubRequests.incrementAndGet();
            hubAuthorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            userAgents.add(String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")));
            Matcher m = RESOLVE.matcher(ex.getRequestURI().getPath());
            Headers h = ex.getResponseHeaders();
            if (fault == Fault.REDIRECT_LOOP) {
                h.set("Location", ex.getRequestURI().getPath());
                ex.sendResponseHeaders(302, -1);
                return;
            }
            if (fault == Fault.GATED && m.matches()) {
                error(ex, 403, "GatedRepo", "Access to model " + m.group(1) + " is restricted. You must have access "
                        + "to it and be authenticated to access it. Please log in.");
                return;
            }
            if (!m.matches() || files.keySet().stream().noneMatch(k -> k.startsWith(m.group(1) + "/"))) {
                error(ex, 401, "RepoNotFound", "Invalid username or password.");
                return;
            }
            byte[] bytes = files.get(m.group(1) + "/" + m.group(3));
            if (bytes == null) {
                error(ex, 404, "EntryNotFound", "Entry not found");
                return;
            }
            String blob = Integer.toHexString(m.group(1).hashCode()) + Integer.toHexString(m.group(3).hashCode());
            blobs.put(blob, m.group(1) + "/" + m.group(3));
            String location = "http://" + address(cdn) + "/xet-bridge-us/" + blob
                    + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=sig" + signature.incrementAndGet()
                    + "&response-content-disposition=inline%3B+filename%3D%22" + m.group(3) + "%22";
            h.set("Content-Type", "text/plain; charset=utf-8");
            h.set("Location", location);
            h.set("X-Repo-Commit", COMMIT);
            h.set("X-Linked-Etag", "\"" + sha256(bytes) + "\"");
            h.set("X-Linked-Size", Long.toString(bytes.length));
            h.set("ETag", "\"" + Integer.toHexString(location.hashCode()) + "\"");
            h.set("Accept-Ranges", "bytes");
            h.set("Access-Control-Expose-Headers", "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,"
                    + "X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash");
            byte[] body = ("Found. Redirecting to " + location).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(302, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private void serveBlob(HttpExchange ex) throws IOException {
        try (ex) {
            cdnAuthorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            String range = ex.getRequestHeaders().getFirst("Range");
            cdnRanges.add(String.valueOf(range));
            String path = ex.getRequestURI().getPath();
            String key = blobs.get(path.substring(path.lastIndexOf('/') + 1));
            String query = ex.getRequestURI().getRawQuery();
            if (fault == Fault.EXPIRE_SIGNATURE_ONCE && cdnRanges.size() == 2 && !expired) {
                expired = true;
                ex.sendResponseHeaders(403, -1);
                return;
            }
            if (key == null || query == null || !query.contains("X-Amz-Signature=")) {
                ex.sendResponseHeaders(403, -1);
                return;
            }
            byte[] bytes = files.get(key);
            if (fault == Fault.GROW_AFTER_FIRST && cdnRanges.size() > 1) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length + 4096);
            }
            Headers h = ex.getResponseHeaders();
            h.set("Content-Type", "application/octet-stream");
            h.set("Accept-Ranges", "bytes");
            h.set("ETag", "\"" + sha256(bytes).substring(0, 32) + "\"");
            switch (fault) {
                case RATE_LIMIT -> {
                    h.set("Retry-After", "7");
                    error(ex, 429, null, "Too Many Requests");
                    return;
                }
                case SERVER_ERROR -> {
                    error(ex, 503, null, "Service Unavailable");
                    return;
                }
                case STALL -> {
                    sleep(5_000);
                    return;
                }
                case IGNORE_RANGE -> {
                    ex.sendResponseHeaders(200, bytes.length);
                    writeCounting(ex.getResponseBody(), bytes, 0, bytes.length);
                    return;
                }
                default -> {
                }
            }
            Matcher m = RANGE.matcher(range == null ? "" : range);
            if (!m.matches()) {
                ex.sendResponseHeaders(200, bytes.length);
                writeCounting(ex.getResponseBody(), bytes, 0, bytes.length);
                return;
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2) == null ? bytes.length - 1 : Math.min(Long.parseLong(m.group(2)), bytes.length - 1L);
            if (first >= bytes.length) {
                h.set("Content-Range", "bytes */" + bytes.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            int length = (int) (last - first + 1);
            long shownFirst = fault == Fault.WRONG_RANGE ? first + 1 : first;
            h.set("Content-Range", "bytes " + shownFirst + "-" + last + "/"
                    + (fault == Fault.HUGE_TOTAL ? "99999999999999999999999999" : Integer.toString(bytes.length)));
            ex.sendResponseHeaders(206, length);
            int sent = fault == Fault.TRUNCATE ? length / 2 : length;
            writeCounting(ex.getResponseBody(), bytes, (int) first, sent);
        }
    }

    private void writeCounting(OutputStream out, byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        bytesServed.addAndGet(length);
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        Headers h = ex.getResponseHeaders();
        if (code != null) {
            h.set("X-Error-Code", code);
            h.set("X-Error-Message", message);
        }
        h.set("Content-Type", "application/json; charset=utf-8");
        byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String address(HttpServer server) {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "fake-hub");
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
