package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.HubProtocol;
import io.github.localllm.testkit.internal.ServerCore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Hugging Face Hub's file endpoint, as two servers like the real one: this one answers
 * {@code GET /{repo}/resolve/{revision}/{path}} with {@code 302} to a signed address on a second
 * host, the CDN ({@link #cdn()}), which serves byte ranges. The redirect carries the Hub's
 * {@code X-Repo-Commit}, {@code X-Linked-Etag} (the SHA-256) and {@code X-Linked-Size}; credentials
 * a client sends to the Hub must not follow it to the CDN, which is why tests can read both hosts'
 * requests apart.
 *
 * <p>Errors are the Hub's ({@code X-Error-Code}, {@code X-Error-Message} and {@code {"error": "..."}}):
 * an unknown repository is {@code 401 RepoNotFound}, an unknown revision {@code 404 RevisionNotFound},
 * a missing file {@code 404 EntryNotFound}, and a {@linkplain Builder#gated gated} repository without an
 * accepted token {@code 401} (no token) or {@code 403} (a token without access) {@code GatedRepo}.
 * A signed address stops working when {@link #expireSignatures()} is called, as the real ones do
 * after an hour. Faults set on this server act on the Hub; set them on {@link #cdn()} to break the
 * file transfers.
 *
 * <pre>{@code
 * try (FakeHub hub = FakeHub.builder().file("acme/Tiny-GGUF", "tiny-Q8_0.gguf", bytes).start()) {
 *     URI uri = hub.resolveUri("acme/Tiny-GGUF", "tiny-Q8_0.gguf");
 *     hub.cdn().injectNext(1, Fault.truncateAfter(0));
 *     ...
 * }
 * }</pre>
 */
public final class FakeHub extends FakeServer {
    /** The commit every repository is at, answered as {@code X-Repo-Commit} and accepted as a revision. */
    public static final String COMMIT = "9217f5db79a29953eb74d5343926648285ec7e67";
    private static final Pattern REPOSITORY = Pattern.compile("[^/\\s]+/[^/\\s]+");

    private final FakeRangeServer cdn;
    private final Signatures signatures;

    private FakeHub(ServerCore core, FakeRangeServer cdn, Signatures signatures) {
        super(core);
        this.cdn = cdn;
        this.signatures = signatures;
    }

    /** A builder with no repositories. */
    public static Builder builder() {
        return new Builder();
    }

    /** The download address of a file at revision {@code main}. */
    public URI resolveUri(String repository, String path) {
        return resolveUri(repository, "main", path);
    }

    /** The download address of a file at a revision (a branch name or {@link #COMMIT}). */
    public URI resolveUri(String repository, String revision, String path) {
        return uri("/" + repository + "/resolve/" + revision + "/" + path);
    }

    /** The CDN the Hub redirects to: its requests, and faults for the file transfers. */
    public FakeRangeServer cdn() {
        return cdn;
    }

    /** Every signed address handed out so far now answers 403; the next resolve signs a new one. */
    public void expireSignatures() {
        signatures.expire();
    }

    /** Stops both servers. */
    @Override
    public void close() {
        try {
            super.close();
        } finally {
            cdn.close();
        }
    }

    /** Builds a {@link FakeHub}. */
    public static final class Builder {
        private final Map<String, Map<String, byte[]>> files = new LinkedHashMap<>();
        private final Map<String, Set<String>> gated = new LinkedHashMap<>();

        private Builder() {
        }

        /** Publishes {@code bytes} as {@code repository}'s file {@code path} (e.g. {@code model-Q4_K_M.gguf}). */
        public Builder file(String repository, String path, byte[] bytes) {
            Objects.requireNonNull(bytes, "bytes");
            if (path.isEmpty() || path.startsWith("/")) {
                throw new IllegalArgumentException("a path inside the repository, without a leading '/': " + path);
            }
            files.computeIfAbsent(checkRepository(repository), r -> new LinkedHashMap<>()).put(path, bytes.clone());
            return this;
        }

        /**
         * Makes a repository gated: only requests with {@code Authorization: Bearer <token>} for one of
         * {@code tokens} (users who accepted its terms) get its files.
         */
        public Builder gated(String repository, String... tokens) {
            gated.put(checkRepository(repository), Set.of(tokens));
            return this;
        }

        /** Starts the Hub and its CDN on 127.0.0.1, each at a free port. */
        public FakeHub start() {
            Signatures signatures = new Signatures();
            FakeRangeServer.Builder cdn = FakeRangeServer.builder().admitting(call ->
                    signatures.valid(call.request().query()));
            Map<String, HubProtocol.Repository> repositories = new LinkedHashMap<>();
            files.forEach((id, content) -> {
                Map<String, HubProtocol.HubFile> hubFiles = new LinkedHashMap<>();
                content.forEach((path, bytes) -> {
                    String sha256 = sha256(bytes);
                    // Content-addressed, as on Hugging Face's Xet bridge: the address names the blob, not the file.
                    String cdnPath = "/xet-bridge-us/" + sha256;
                    cdn.file(cdnPath, bytes).header(cdnPath, "ETag", "\"" + sha256.substring(0, 32) + "\"");
                    hubFiles.put(path, new HubProtocol.HubFile(bytes.length, sha256, cdnPath));
                });
                repositories.put(id, new HubProtocol.Repository(hubFiles, gated.get(id)));
            });
            gated.keySet().stream().filter(id -> !repositories.containsKey(id))
                    .forEach(id -> repositories.put(id, new HubProtocol.Repository(Map.of(), gated.get(id))));
            FakeRangeServer started = cdn.start();
            HubProtocol protocol = new HubProtocol(repositories, COMMIT, (path, file) -> started.uri(file.cdnPath())
                    + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=" + signatures.sign()
                    + "&response-content-disposition=inline%3B+filename%3D%22"
                    + URLEncoder.encode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8) + "%22");
            try {
                return new FakeHub(new ServerCore("fake-hub", protocol, List.of()), started, signatures);
            } catch (RuntimeException e) {
                started.close();
                throw e;
            }
        }

        private static String checkRepository(String repository) {
            if (!REPOSITORY.matcher(Objects.requireNonNull(repository, "repository")).matches()) {
                throw new IllegalArgumentException("a repository is owner/name: " + repository);
            }
            return repository;
        }

        private static String sha256(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK always has SHA-256", e);
            }
        }
    }

    /** The CDN's signatures: valid until {@link #expire()}, as a signed address is valid for an hour. */
    private static final class Signatures {
        private static final Pattern SIGNATURE = Pattern.compile("(?:^|&)X-Amz-Signature=g(\\d+)n\\d+(?:&|$)");
        private final AtomicInteger generation = new AtomicInteger();
        private final AtomicInteger count = new AtomicInteger();

        String sign() {
            return "g" + generation.get() + "n" + count.incrementAndGet();
        }

        void expire() {
            generation.incrementAndGet();
        }

        boolean valid(String query) {
            var m = SIGNATURE.matcher(query);
            return m.find() && Integer.parseInt(m.group(1)) == generation.get();
        }
    }
}
