package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.HubApiProtocol;
import io.github.localllm.testkit.internal.HubProtocol;
import io.github.localllm.testkit.internal.HubRepo;
import io.github.localllm.testkit.internal.ServerCore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Hugging Face Hub's model API on loopback: search ({@code GET /api/models} with {@code search},
 * {@code author}, {@code filter}, {@code pipeline_tag}, {@code sort}, {@code direction}, {@code limit},
 * {@code expand} and the {@code cursor} of a {@code Link: <...>; rel="next"} header), model info
 * ({@code /api/models/{repo}[/revision/{rev}]} with {@code siblings}, {@code cardData}, {@code gguf},
 * {@code gated}) and the file tree ({@code /api/models/{repo}/tree/{rev}[/{path}]?recursive=true} with
 * {@code lfs.oid}, the SHA-256), answered as {@code shared/protocols/hf/} documents them; and, on the same
 * host, the file endpoint {@code /{repo}/resolve/{rev}/{path}} of {@link FakeHub} (a 302 to a CDN on a second
 * host, {@link #cdn()}) for files published with their bytes, so a client can read a remote GGUF header; a
 * small file kept in git rather than LFS is served by the Hub itself, {@code 200} with its blob id as
 * {@code ETag}, as {@code shared/protocols/hf/resolve-head-non-lfs.http} shows.
 *
 * <p>Errors are the Hub's: an unknown repository is {@code 401 RepoNotFound} anonymously and {@code 404}
 * with a token, an unknown revision {@code 404 RevisionNotFound}, a missing path {@code 404 EntryNotFound};
 * a gated repository's info and tree are public, its files need an accepted token ({@code 401}/{@code 403
 * GatedRepo}). Rate limits come from faults: {@code inject(Fault.httpStatus(429, Duration.ofSeconds(1)))}
 * answers {@code 429} with {@code Retry-After}.
 *
 * <pre>{@code
 * try (FakeHuggingFace hub = FakeHuggingFace.builder()
 *         .repository(FakeHuggingFace.repository("acme/Tiny-GGUF").downloads(42).license("apache-2.0")
 *                 .file("tiny-Q8_0.gguf", bytes).file("tiny-F16.gguf", 2_000_000_000L))
 *         .pageSize(2)
 *         .start()) {
 *     URI api = hub.uri("/api/models?search=tiny&filter=gguf");
 * }
 * }</pre>
 */
public final class FakeHuggingFace extends FakeServer {
    /** The commit a repository is at unless {@link Repository#sha} says otherwise. */
    public static final String COMMIT = FakeHub.COMMIT;
    private static final Pattern REPOSITORY = Pattern.compile("[^/\\s]+/[^/\\s]+");

    private final FakeRangeServer cdn;

    private FakeHuggingFace(ServerCore core, FakeRangeServer cdn) {
        super(core);
        this.cdn = cdn;
    }

    /** A builder with no repositories and pages of up to 1000 items, as the Hub's. */
    public static Builder builder() {
        return new Builder();
    }

    /** A repository to publish, {@code owner/name}; its author is the owner. */
    public static Repository repository(String id) {
        return new Repository(id);
    }

    /** The download address of a file at revision {@code main}. */
    public URI resolveUri(String repository, String path) {
        return uri("/" + repository + "/resolve/main/" + path);
    }

    /** The CDN the file endpoint redirects to. */
    public FakeRangeServer cdn() {
        return cdn;
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

    /** Builds a {@link FakeHuggingFace}. */
    public static final class Builder {
        private final List<Repository> repositories = new ArrayList<>();
        private int pageSize = 1000;

        private Builder() {
        }

        /** Publishes a repository; search without a sort lists them in the order added. */
        public Builder repository(Repository repository) {
            repositories.add(Objects.requireNonNull(repository, "repository"));
            return this;
        }

        /** The most items one page of a search or a tree holds; more come through the {@code Link} header. */
        public Builder pageSize(int items) {
            if (items < 1) {
                throw new IllegalArgumentException("a page holds at least one item: " + items);
            }
            this.pageSize = items;
            return this;
        }

        /** Starts the Hub and its CDN on 127.0.0.1, each at a free port. */
        public FakeHuggingFace start() {
            FakeRangeServer.Builder cdn = FakeRangeServer.builder();
            Map<String, HubRepo> repos = new LinkedHashMap<>();
            Map<String, HubProtocol.Repository> served = new LinkedHashMap<>();
            for (Repository r : repositories) {
                HubRepo repo = r.build();
                repos.put(repo.id(), repo);
                Map<String, HubProtocol.HubFile> files = new LinkedHashMap<>();
                repo.files().forEach((path, entry) -> {
                    if (entry.content() != null) {
                        String cdnPath = "/xet-bridge-us/" + (entry.lfs() ? entry.sha256() : entry.oid());
                        cdn.file(cdnPath, entry.content());
                        if (entry.lfs()) {
                            // The CDN's own ETag, not the SHA-256 (resolve-head-qwen-gguf-constructed.http).
                            cdn.header(cdnPath, "ETag", "\"" + entry.sha256().substring(0, 32) + "\"");
                        }
                        files.put(path, new HubProtocol.HubFile(entry.size(),
                                entry.lfs() ? entry.sha256() : entry.oid(), cdnPath,
                                entry.lfs() ? null : entry.content()));
                    }
                });
                served.put(repo.id(), new HubProtocol.Repository(files, repo.tokens()));
            }
            FakeRangeServer started = cdn.start();
            AtomicInteger signatures = new AtomicInteger();
            try {
                HubProtocol files = new HubProtocol(served, COMMIT, (path, file) -> started.uri(file.cdnPath())
                        + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=s"
                        + signatures.incrementAndGet() + "&response-content-disposition=inline%3B+filename%3D%22"
                        + URLEncoder.encode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8) + "%22");
                HubApiProtocol api = new HubApiProtocol(repos, pageSize, files, COMMIT);
                ServerCore core = new ServerCore("fake-huggingface", api, List.of());
                api.base(core.uri());
                return new FakeHuggingFace(core, started);
            } catch (RuntimeException e) {
                started.close();
                throw e;
            }
        }
    }

    /**
     * One repository: what the Hub says of it and its files. Files named {@code *.gguf},
     * {@code *.safetensors} or {@code *.bin} are stored with LFS (their tree entry has {@code lfs.oid}, the
     * SHA-256), others as plain git blobs, as {@code .gitattributes} of a Hub repository makes them.
     */
    public static final class Repository {
        private final String id;
        private String author;
        private String sha = COMMIT;
        private String objectId;
        private long downloads;
        private long likes;
        private long trendingScore;
        private final List<String> tags = new ArrayList<>();
        private String pipelineTag;
        private String library;
        private String createdAt = "2025-03-12T06:14:01.000Z";
        private String lastModified = "2025-05-21T15:38:00.000Z";
        private String gated;
        private Set<String> tokens;
        private final Map<String, Object> cardData = new LinkedHashMap<>();
        private Map<String, Object> gguf;
        private final Map<String, HubRepo.Entry> files = new LinkedHashMap<>();

        private Repository(String id) {
            if (!REPOSITORY.matcher(Objects.requireNonNull(id, "id")).matches()) {
                throw new IllegalArgumentException("a repository is owner/name: " + id);
            }
            this.id = id;
            this.author = id.substring(0, id.indexOf('/'));
        }

        /** The owner, when it differs from the id's. */
        public Repository author(String author) {
            this.author = Objects.requireNonNull(author, "author");
            return this;
        }

        /** Its {@code _id}, 24 hex digits; by default one made from the id. */
        public Repository objectId(String objectId) {
            this.objectId = Objects.requireNonNull(objectId, "objectId");
            return this;
        }

        /** The commit it is at (40 hex digits): its {@code sha}, and the revision it answers besides {@code main}. */
        public Repository sha(String sha) {
            this.sha = Objects.requireNonNull(sha, "sha");
            return this;
        }

        /** Downloads in the last 30 days. */
        public Repository downloads(long downloads) {
            this.downloads = downloads;
            return this;
        }

        /** Likes. */
        public Repository likes(long likes) {
            this.likes = likes;
            return this;
        }

        /** The trending score. */
        public Repository trendingScore(long score) {
            this.trendingScore = score;
            return this;
        }

        /** Tags, in order; {@code gguf} comes first by itself when the repository holds a GGUF file. */
        public Repository tags(String... tags) {
            this.tags.addAll(Arrays.asList(tags));
            return this;
        }

        /** The task, e.g. {@code text-generation}. */
        public Repository pipelineTag(String tag) {
            this.pipelineTag = tag;
            return this;
        }

        /** {@code library_name}, e.g. {@code gguf}. */
        public Repository library(String library) {
            this.library = library;
            return this;
        }

        /** Creation time, ISO 8601 as the Hub writes it ({@code 2025-03-12T06:14:01.000Z}). */
        public Repository createdAt(String iso) {
            this.createdAt = Objects.requireNonNull(iso, "iso");
            return this;
        }

        /** Last change, ISO 8601. */
        public Repository lastModified(String iso) {
            this.lastModified = Objects.requireNonNull(iso, "iso");
            return this;
        }

        /** The licence in the model card ({@code cardData.license}). */
        public Repository license(String license) {
            cardData.put("license", license);
            return this;
        }

        /** The models it was made from ({@code cardData.base_model}, a list). */
        public Repository baseModels(String... models) {
            cardData.put("base_model", List.of(models));
            return this;
        }

        /**
         * Gates the repository: {@code "auto"} or {@code "manual"}, as its {@code gated} member says; only
         * requests with {@code Authorization: Bearer <token>} for one of {@code tokens} get its files.
         */
        public Repository gated(String mode, String... tokens) {
            if (!mode.equals("auto") && !mode.equals("manual")) {
                throw new IllegalArgumentException("gated is \"auto\" or \"manual\": " + mode);
            }
            this.gated = mode;
            this.tokens = Set.of(tokens);
            return this;
        }

        /**
         * The {@code gguf} member: what the Hub read from one of its GGUF files.
         *
         * @param architecture {@code general.architecture}
         * @param contextLength the trained context
         * @param parameters {@code total}, the parameter count
         * @param fileSize {@code totalFileSize}, that file's size
         */
        public Repository gguf(String architecture, long contextLength, long parameters, long fileSize) {
            gguf = new LinkedHashMap<>();
            gguf.put("total", parameters);
            gguf.put("architecture", architecture);
            gguf.put("context_length", contextLength);
            gguf.put("bos_token", "<bos>");
            gguf.put("eos_token", "<eos>");
            gguf.put("totalFileSize", fileSize);
            return this;
        }

        /** A file served with these bytes (its header can be read, it can be downloaded). */
        public Repository file(String path, byte[] content) {
            byte[] bytes = content.clone();
            if (lfs(path)) {
                String sha256 = digest("SHA-256", bytes);
                String pointer = pointer(sha256, bytes.length);
                files.put(checkPath(path), new HubRepo.Entry(bytes.length, blobOid(pointer.getBytes(StandardCharsets.UTF_8)),
                        sha256, pointer.length(), bytes));
            } else {
                files.put(checkPath(path), new HubRepo.Entry(bytes.length, blobOid(bytes), null, 0, bytes));
            }
            return this;
        }

        /** A file that is listed but not served: a multi-gigabyte GGUF, say. Its SHA-256 is made from its path. */
        public Repository file(String path, long size) {
            String sha256 = digest("SHA-256", (id + "/" + path).getBytes(StandardCharsets.UTF_8));
            return file(path, size, null, lfs(path) ? sha256 : null);
        }

        /**
         * A file listed exactly so, not served (to reproduce a recorded tree).
         *
         * @param path its path
         * @param size its length
         * @param oid its git blob SHA-1, or null to compute one
         * @param sha256 its SHA-256 when stored with LFS, else null
         */
        public Repository file(String path, long size, String oid, String sha256) {
            String pointer = sha256 == null ? null : pointer(sha256, size);
            String blob = oid != null ? oid : blobOid((pointer != null ? pointer : id + path).getBytes(StandardCharsets.UTF_8));
            files.put(checkPath(path), new HubRepo.Entry(size, blob, sha256, pointer == null ? 0 : pointer.length(), null));
            return this;
        }

        HubRepo build() {
            List<String> allTags = new ArrayList<>(tags);
            if (!allTags.contains("gguf") && files.keySet().stream().anyMatch(p -> p.endsWith(".gguf"))) {
                allTags.add(0, "gguf");
            }
            String oid = objectId != null ? objectId : digest("SHA-1", id.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
            return new HubRepo(id, oid, sha, author, downloads, likes, trendingScore, allTags, pipelineTag,
                    library, createdAt, lastModified, gated, tokens, new LinkedHashMap<>(cardData),
                    gguf == null ? null : new LinkedHashMap<>(gguf), new LinkedHashMap<>(files));
        }

        private static boolean lfs(String path) {
            String p = path.toLowerCase(Locale.ROOT);
            return p.endsWith(".gguf") || p.endsWith(".safetensors") || p.endsWith(".bin");
        }

        private static String checkPath(String path) {
            if (path.isEmpty() || path.startsWith("/")) {
                throw new IllegalArgumentException("a path inside the repository, without a leading '/': " + path);
            }
            return path;
        }

        /** The Git LFS pointer file that git stores in place of the content. */
        private static String pointer(String sha256, long size) {
            return "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256 + "\nsize " + size + "\n";
        }

        /** Git's blob id: SHA-1 of {@code "blob <length>\0"} and the bytes. */
        private static String blobOid(byte[] bytes) {
            byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.UTF_8);
            byte[] all = Arrays.copyOf(header, header.length + bytes.length);
            System.arraycopy(bytes, 0, all, header.length, bytes.length);
            return digest("SHA-1", all);
        }

        private static String digest(String algorithm, byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK always has " + algorithm, e);
            }
        }
    }
}
