package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.RangeProtocol;
import io.github.localllm.testkit.internal.ServerCore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Files over HTTP with byte ranges, for code that reads remote GGUF headers or resumes downloads:
 * {@code Range: bytes=a-b}, {@code a-} and {@code -n} answer {@code 206} with {@code Content-Range};
 * a range past the end {@code 416} with {@code Content-Range: bytes *}{@code /size}; no range
 * {@code 200}; always {@code Accept-Ranges: bytes}. Paths can redirect ({@code 302} with
 * {@code Location}, e.g. to a second server standing for a CDN) and carry extra headers (Hugging
 * Face's {@code X-Linked-Size}, {@code X-Repo-Commit}, {@code ETag}). {@link Fault#ignoreRange()}
 * answers 200 to a range request, {@link Fault#corruptBytes()} changes a byte of the answer,
 * {@link Fault#throttle(long)} limits each answer's rate; the other faults work as on every fake.
 */
public final class FakeRangeServer extends FakeServer {

    private FakeRangeServer(ServerCore core) {
        super(core);
    }

    /** A builder with no files. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link FakeRangeServer}. */
    public static final class Builder {
        private final Map<String, RangeProtocol.Source> files = new LinkedHashMap<>();
        private final Map<String, String> redirects = new LinkedHashMap<>();
        private final Map<String, List<Map.Entry<String, String>>> headers = new LinkedHashMap<>();
        private final List<Fault> faults = new ArrayList<>();
        private Predicate<Call> admits = call -> true;

        private Builder() {
        }

        /** Serves these bytes at {@code path}. */
        public Builder file(String path, byte[] bytes) {
            files.put(checkPath(path), new RangeProtocol.Source(bytes.clone(), null));
            return this;
        }

        /** Serves a file's content at {@code path}, read at each request (only the asked range). */
        public Builder file(String path, Path file) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("not a file: " + file);
            }
            files.put(checkPath(path), new RangeProtocol.Source(null, file));
            return this;
        }

        /** Answers {@code path} with 302 to {@code location} (a path on this server or an absolute URI). */
        public Builder redirect(String path, String location) {
            redirects.put(checkPath(path), Objects.requireNonNull(location, "location"));
            return this;
        }

        /** Answers {@code path} with 302 to {@code target}, e.g. a file on another {@link FakeRangeServer}. */
        public Builder redirect(String path, URI target) {
            return redirect(path, target.toString());
        }

        /** Adds a header to every answer for {@code path} (replacing a default one of the same name). */
        public Builder header(String path, String name, String value) {
            headers.computeIfAbsent(checkPath(path), p -> new ArrayList<>())
                    .add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
            return this;
        }

        /** Applies a fault to every request from the start. */
        public Builder fault(Fault fault) {
            faults.add(Objects.requireNonNull(fault, "fault"));
            return this;
        }

        /** Starts the server on 127.0.0.1 at a free port. */
        public FakeRangeServer start() {
            return new FakeRangeServer(new ServerCore("fake-range", new RangeProtocol(files, redirects, headers, admits),
                    faults));
        }

        /** Serves only the requests {@code admits} accepts, a bare 403 to the others: {@link FakeHub}'s signed CDN. */
        Builder admitting(Predicate<Call> admits) {
            this.admits = Objects.requireNonNull(admits, "admits");
            return this;
        }

        private static String checkPath(String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a path starts with '/': " + path);
            }
            return path;
        }
    }
}
