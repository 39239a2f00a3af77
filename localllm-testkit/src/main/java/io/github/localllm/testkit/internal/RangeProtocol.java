package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files over HTTP with single byte ranges (RFC 9110 §14): {@code 206} with {@code Content-Range},
 * {@code 416} with {@code bytes *}{@code /size} past the end, {@code 200} and {@code Accept-Ranges: bytes}
 * otherwise, and {@code 302} redirects, as Hugging Face's resolve endpoint and its CDN answer.
 */
public final class RangeProtocol implements Protocol {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final Reply FORBIDDEN = new Reply(403, List.of(), new Body.Empty(), JsonStyle.GO);

    /**
     * A served file.
     *
     * @param bytes its content, or null when it is read from {@code path}
     * @param path the file to read, or null
     */
    public record Source(byte[] bytes, Path path) {
        long size() {
            try {
                return bytes != null ? bytes.length : Files.size(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] read(long offset, int length) {
            if (bytes != null) {
                byte[] slice = new byte[length];
                System.arraycopy(bytes, (int) offset, slice, 0, length);
                return slice;
            }
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(length);
                int read = 0;
                while (buffer.hasRemaining() && read >= 0) {
                    read = channel.read(buffer, offset + buffer.position());
                }
                return buffer.array();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Map<String, Source> files;
    private final Map<String, String> redirects;
    private final Map<String, List<Map.Entry<String, String>>> headers;
    private final Predicate<Call> admits;

    /**
     * @param files served files by path
     * @param redirects {@code Location} by path
     * @param headers extra headers by path, replacing defaults of the same name
     * @param admits which requests are served; the others get a bare 403, as a CDN answers an
     *        address whose signature has expired
     */
    public RangeProtocol(Map<String, Source> files, Map<String, String> redirects,
            Map<String, List<Map.Entry<String, String>>> headers, Predicate<Call> admits) {
        this.files = Map.copyOf(files);
        this.redirects = Map.copyOf(redirects);
        this.headers = Map.copyOf(headers);
        this.admits = admits;
    }

    @Override
    public Reply handle(Call call) {
        if (!admits.test(call)) {
            return FORBIDDEN;
        }
        if (!call.method().equals("GET") && !call.isHead()) {
            return withHeaders(call, new Reply(405, List.of(Map.entry("Allow", "GET, HEAD")), new Body.Empty(), JsonStyle.GO));
        }
        String location = redirects.get(call.path());
        if (location != null) {
            return withHeaders(call, new Reply(302, List.of(Map.entry("Location", location),
                    Map.entry("Content-Type", "text/plain; charset=utf-8")), new Body.Text("Found. Redirecting to " + location),
                    JsonStyle.GO));
        }
        Source source = files.get(call.path());
        if (source == null) {
            return withHeaders(call, error(404, "Not Found"));
        }
        return withHeaders(call, serve(call, source, false));
    }

    /** Answers for a file, honouring the Range header unless {@code ignoreRange}. */
    Reply serve(Call call, Source source, boolean ignoreRange) {
        long size = source.size();
        String range = call.request().header("Range").orElse(null);
        Matcher m = range == null ? null : RANGE.matcher(range.strip());
        if (ignoreRange || m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return bytes(call, 200, List.of(), source, 0, size);
        }
        long first;
        long last;
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            first = Math.max(0, size - suffix);
            last = size - 1;
        } else {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        }
        if (first >= size || last < first) {
            return new Reply(416, List.of(Map.entry("Content-Range", "bytes */" + size)), new Body.Empty(), JsonStyle.GO);
        }
        return bytes(call, 206, List.of(Map.entry("Content-Range", "bytes " + first + "-" + last + "/" + size)), source,
                first, last - first + 1);
    }

    private static Reply bytes(Call call, int status, List<Map.Entry<String, String>> extra, Source source, long offset,
            long length) {
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a fake serves at most 2 GiB in one answer; ask for a range");
        }
        List<Map.Entry<String, String>> h = new ArrayList<>(List.of(Map.entry("Content-Type", "application/octet-stream"),
                Map.entry("Accept-Ranges", "bytes")));
        h.addAll(extra);
        if (call.isHead()) {
            h.add(Map.entry("Content-Length", Long.toString(length)));
            return new Reply(status, h, new Body.Empty(), JsonStyle.GO);
        }
        return new Reply(status, h, new Body.Bytes(source.read(offset, (int) length)), JsonStyle.GO);
    }

    private Reply withHeaders(Call call, Reply reply) {
        List<Map.Entry<String, String>> extra = headers.getOrDefault(call.path(), List.of());
        if (extra.isEmpty()) {
            return reply;
        }
        Map<String, String> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        List<Map.Entry<String, String>> ordered = new ArrayList<>();
        for (Map.Entry<String, String> e : reply.headers()) {
            merged.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : extra) {
            merged.put(e.getKey(), e.getValue());
        }
        merged.forEach((k, v) -> ordered.add(Map.entry(k, v)));
        return new Reply(reply.status(), ordered, reply.body(), reply.style());
    }

    private static Reply error(int status, String message) {
        return Reply.json(status, "application/json; charset=utf-8", new JsonObject().put("error", message), JsonStyle.GO);
    }

    /** {@link io.github.localllm.testkit.Fault#ignoreRange()}: the whole file with 200. */
    public Reply ignoringRange(Call call) {
        Source source = files.get(call.path());
        return source == null || !admits.test(call) ? handle(call) : withHeaders(call, serve(call, source, true));
    }

    @Override
    public Reply errorStatus(Call call, int status) {
        String message = switch (status) {
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Error " + status;
        };
        return error(status, message);
    }

    @Override
    public Reply modelNotFound(Call call) {
        return error(404, "Not Found");
    }

    @Override
    public List<Chunk> midStreamError(Call call) {
        return List.of();
    }
}
