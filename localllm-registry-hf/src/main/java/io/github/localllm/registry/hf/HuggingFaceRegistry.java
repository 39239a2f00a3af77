package io.github.localllm.registry.hf;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.ConfigurationException;
import io.github.localllm.ModelRef;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.GgufSource;
import io.github.localllm.hardware.HardwareDetector;
import io.github.localllm.hardware.HardwareProfile;
import io.github.localllm.registry.FitOptions;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelDetails;
import io.github.localllm.registry.ModelFit;
import io.github.localllm.registry.ModelPage;
import io.github.localllm.registry.ModelQuery;
import io.github.localllm.registry.ModelRegistry;
import io.github.localllm.registry.RepoFile;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The Hugging Face Hub as a {@link ModelRegistry}: search ({@code /api/models}), a model's details and files
 * ({@code /api/models/{repo}} and its recursive tree at the resolved commit), GGUF variants grouped from the
 * file names, and whether each fits this machine, planned from its header read with range requests (a few
 * hundred kilobytes, never the weights).
 *
 * <ul>
 *   <li>Answers are cached on disk for a while ({@link Builder#cacheTtl}, one hour by default); a stale answer
 *       serves when the Hub cannot be reached.</li>
 *   <li>The token ({@code HF_TOKEN}) goes only to the endpoint's host: never to the CDN a file redirects to, nor
 *       to another host a redirect or a {@code Link} names. It is never logged nor put in a message or in the cache.</li>
 *   <li>{@code HF_ENDPOINT} points it at a mirror. Only HTTPS, except to loopback or when
 *       {@link Builder#allowHttp} is set.</li>
 *   <li>{@code 429} and {@code 503} are retried after their {@code Retry-After} when it is short
 *       ({@link Builder#maxRetryWait}); otherwise the {@link io.github.localllm.http.ServerBusyException} says how long to wait.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class HuggingFaceRegistry implements ModelRegistry {
    /** The registry's id, and the prefix of its configuration keys. */
    public static final String ID = "huggingface";
    /** The Hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    /** Configuration key: the endpoint, overriding {@code HF_ENDPOINT}. */
    public static final String ENDPOINT_KEY = ID + ".endpoint";
    /** Configuration key: the answer cache's folder. */
    public static final String CACHE_KEY = ID + ".cache";
    /** Configuration key: how long answers stay fresh (ISO 8601 or {@code 30m}-style); 0 turns the cache off. */
    public static final String CACHE_TTL_KEY = ID + ".cache-ttl";
    /** Configuration key: whether plain HTTP may be used to a host that is not loopback. */
    public static final String ALLOW_HTTP_KEY = ID + ".allow-http";
    /** Configuration key: the time limit of each request. */
    public static final String TIMEOUT_KEY = ID + ".timeout";
    /** The endpoint key the model store reads too, so that one setting points both at a mirror. */
    private static final String SHARED_ENDPOINT_KEY = "hf.endpoint";
    /** The token key the model store reads too. */
    private static final String SHARED_TOKEN_KEY = "hf.token";
    private static final Logger LOG = LoggerFactory.getLogger(HuggingFaceRegistry.class);
    private static final int MAX_TREE_PAGES = 1000;

    private final HubClient client;
    private final ResponseCache cache;
    private final Supplier<HardwareProfile> hardware;
    private final Duration timeout;
    private final HttpClient rangeClient;

    private HuggingFaceRegistry(Builder b) {
        this.timeout = b.timeout;
        this.client = new HubClient(b.endpoint, b.token, b.allowHttp, b.timeout, b.maxRetryWait, b.maxAttempts);
        this.cache = new ResponseCache(b.cacheDirectory, b.cacheTtl, b.clock);
        this.hardware = memoize(b.hardware);
        this.rangeClient = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(b.timeout).executor(Executors.newCachedThreadPool(task -> {
                    Thread t = new Thread(task, "localllm-hf-range");
                    t.setDaemon(true);
                    return t;
                })).build();
    }

    /** @return a builder: the Hub, no token, the default cache, this machine */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A registry as configured: {@value #ENDPOINT_KEY}, {@code hf.endpoint} (the key the model store reads
     * too) or {@code HF_ENDPOINT}, the token of {@code hf.token} or {@code HF_TOKEN} (or the older
     * {@code HUGGING_FACE_HUB_TOKEN}), {@value #CACHE_KEY} (default
     * {@code ~/.cache/localllm/huggingface-api}), {@value #CACHE_TTL_KEY}, {@value #ALLOW_HTTP_KEY},
     * {@value #TIMEOUT_KEY}.
     *
     * @param config the configuration
     * @param environment environment variables
     * @return the registry
     * @throws ConfigurationException if a value is unusable
     */
    public static HuggingFaceRegistry fromConfig(LocalLlmConfig config, Map<String, String> environment) {
        Builder b = builder();
        Optional<String> endpoint = config.get(ENDPOINT_KEY).or(() -> config.get(SHARED_ENDPOINT_KEY))
                .or(() -> Optional.ofNullable(environment.get("HF_ENDPOINT")).filter(s -> !s.isBlank()));
        endpoint.ifPresent(e -> {
            try {
                b.endpoint(URI.create(e.strip()));
            } catch (IllegalArgumentException ex) {
                throw new ConfigurationException("the Hugging Face endpoint is not a valid address; give one like"
                        + " https://huggingface.co (" + ENDPOINT_KEY + " or HF_ENDPOINT)");
            }
        });
        config.get(SHARED_TOKEN_KEY).filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(environment.get("HF_TOKEN")).filter(s -> !s.isBlank()))
                .or(() -> Optional.ofNullable(environment.get("HUGGING_FACE_HUB_TOKEN")).filter(s -> !s.isBlank()))
                .ifPresent(b::token);
        config.get(CACHE_KEY).ifPresent(dir -> b.cacheDirectory(Path.of(dir)));
        config.getDuration(CACHE_TTL_KEY).ifPresent(b::cacheTtl);
        config.getBoolean(ALLOW_HTTP_KEY).ifPresent(b::allowHttp);
        config.getDuration(TIMEOUT_KEY).ifPresent(b::timeout);
        return b.build();
    }

    @Override
    public String id() {
        return ID;
    }

    /** @return the Hub's address (or its mirror's) */
    public URI endpoint() {
        return client.endpoint();
    }

    @Override
    public ModelPage search(ModelQuery query) {
        Objects.requireNonNull(query, "query");
        String path = query.page().map(HuggingFaceRegistry::checkPage).orElseGet(() -> searchPath(query));
        HubClient.Answer answer = fetch(path, HubTarget.SEARCH);
        return new ModelPage(HubJson.listings(HubJson.parse(answer.body(), "a search")), answer.next());
    }

    static String searchPath(ModelQuery q) {
        StringBuilder s = new StringBuilder("/api/models?");
        q.text().ifPresent(t -> s.append("search=").append(encode(t)).append('&'));
        q.author().ifPresent(a -> s.append("author=").append(encode(a)).append('&'));
        if (q.ggufOnly()) {
            s.append("filter=gguf&");
        }
        q.pipelineTag().ifPresent(p -> s.append("pipeline_tag=").append(encode(p)).append('&'));
        s.append("sort=").append(switch (q.sort()) {
            case DOWNLOADS -> "downloads";
            case LIKES -> "likes";
            case TRENDING -> "trendingScore";
            case LAST_MODIFIED -> "lastModified";
            case CREATED -> "createdAt";
        }).append("&direction=-1&limit=").append(q.limit());
        // With expand the Hub answers only the members named (models-search-gguf-expand-response.json).
        for (String member : List.of("author", "gated", "lastModified", "likes", "trendingScore", "private",
                "downloads", "tags", "pipeline_tag", "library_name", "createdAt")) {
            s.append("&expand=").append(member);
        }
        return s.toString();
    }

    private static String checkPage(String token) {
        if (!token.startsWith("/api/models?") || token.chars().anyMatch(c -> c <= ' ' || c == '#')) {
            throw new io.github.localllm.InvalidRequestException("the page token is not one this registry gave;"
                    + " pass ModelPage.nextPage() of an earlier search unchanged");
        }
        return token;
    }

    @Override
    public ModelDetails details(String repository, String revision) {
        ModelRef.Hub ref = new ModelRef.Hub(repository, "README.md", revision);
        String rev = ref.revision();
        HubTarget target = HubTarget.repository(repository, rev);
        String infoPath = "/api/models/" + repository + (rev.equals("main") ? "" : "/revision/" + encode(rev));
        JsonNode info = HubJson.parse(fetch(infoPath, target).body(), "the model info of " + repository);
        String sha = info.path("sha").asString("");
        // The tree at the resolved commit, so the files and hashes belong to the revision the details name.
        String treeRevision = sha.matches("[0-9a-f]{40}") ? sha : rev;
        List<RepoFile> files = new ArrayList<>();
        Optional<String> page = Optional.of("/api/models/" + repository + "/tree/" + encode(treeRevision)
                + "?recursive=true");
        for (int pages = 0; page.isPresent(); pages++) {
            if (pages >= MAX_TREE_PAGES) {
                throw new BackendUnavailableException("the file listing of " + repository + " goes on for more than "
                        + MAX_TREE_PAGES + " pages; the Hub or the mirror is misbehaving");
            }
            HubClient.Answer answer = fetch(page.get(), HubTarget.repository(repository, treeRevision));
            files.addAll(HubJson.treeFiles(HubJson.parse(answer.body(), "the file listing of " + repository),
                    repository));
            page = answer.next().filter(next -> next.startsWith("/api/models/" + repository + "/tree/"));
        }
        return HubJson.details(info, repository, files);
    }

    @Override
    public Optional<ModelFit> fit(GgufVariant variant, FitOptions options) {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(options, "options");
        List<GgufFile> headers = new ArrayList<>();
        for (RepoFile file : variant.files()) {
            String path = "/" + variant.repository() + "/resolve/" + encode(variant.revision()) + "/"
                    + encodePath(file.path());
            // The Hub's own answer first: its X-Error-Code makes a missing or gated file a typed error.
            client.probe(path, new HubTarget(variant.repository(), variant.revision(), file.path()));
            URI uri = client.resolve(path);
            try (GgufSource source = GgufSource.http(rangeClient, uri, client.authorizationFor(uri), timeout)) {
                headers.add(GgufFile.read(source));
            }
        }
        ModelFit fit = Fits.plan(hardware.get(), Fits.merge(headers), options);
        LOG.debug("{} {}: {} with {} GPU layers", variant.repository(), variant.label(), fit.compatibility(),
                fit.gpuLayers());
        return Optional.of(fit);
    }

    private HubClient.Answer fetch(String path, HubTarget target) {
        String key = client.tokenFingerprint() + " " + client.endpoint() + path;
        Optional<HubClient.Answer> fresh = cache.fresh(key);
        if (fresh.isPresent()) {
            return fresh.get();
        }
        try {
            HubClient.Answer answer = client.get(path, target);
            cache.put(key, answer);
            return answer;
        } catch (BackendUnavailableException e) {
            Optional<ResponseCache.Entry> stale = cache.any(key);
            if (stale.isEmpty()) {
                throw e;
            }
            LOG.warn("the Hugging Face Hub is unavailable ({}); using the answer cached at {}", e.getMessage(),
                    stale.get().fetched());
            return stale.get().answer();
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String part : path.split("/")) {
            out.append(out.isEmpty() ? "" : "/").append(encode(part));
        }
        return out.toString();
    }

    private static Supplier<HardwareProfile> memoize(Supplier<HardwareProfile> supplier) {
        return new Supplier<>() {
            private volatile HardwareProfile profile;

            @Override
            public HardwareProfile get() {
                HardwareProfile p = profile;
                if (p == null) {
                    synchronized (this) {
                        if (profile == null) {
                            profile = Objects.requireNonNull(supplier.get(), "hardware profile");
                        }
                        p = profile;
                    }
                }
                return p;
            }
        };
    }

    @Override
    public String toString() {
        return "HuggingFaceRegistry[" + HubClient.label(client.endpoint()) + (client.hasToken() ? ", with a token" : "")
                + "]";
    }

    /** Settings of a {@link HuggingFaceRegistry}. */
    public static final class Builder {
        private URI endpoint = DEFAULT_ENDPOINT;
        private String token;
        private Path cacheDirectory = defaultCacheDirectory();
        private Duration cacheTtl = Duration.ofHours(1);
        private boolean allowHttp;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration maxRetryWait = Duration.ofSeconds(30);
        private int maxAttempts = 3;
        private Clock clock = Clock.systemUTC();
        private Supplier<HardwareProfile> hardware = () -> HardwareDetector.create().detect();

        private Builder() {
        }

        /** @param endpoint the Hub or a mirror, e.g. {@code https://hf-mirror.example} @return this builder */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** @param token an access token, for gated and private models; null or blank for none @return this builder */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** @param directory where answers are cached, or null for no disk cache @return this builder */
        public Builder cacheDirectory(Path directory) {
            this.cacheDirectory = directory;
            return this;
        }

        /** @param ttl how long a cached answer is fresh; zero turns the cache off @return this builder */
        public Builder cacheTtl(Duration ttl) {
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("the cache TTL is not negative: " + ttl);
            }
            this.cacheTtl = ttl;
            return this;
        }

        /** @param allow whether plain HTTP may go to a host that is not loopback (a mirror on a trusted network) @return this builder */
        public Builder allowHttp(boolean allow) {
            this.allowHttp = allow;
            return this;
        }

        /** @param timeout the time limit to connect and for each answer @return this builder */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** @param wait the longest {@code Retry-After} waited out before retrying; a longer one fails at once @return this builder */
        public Builder maxRetryWait(Duration wait) {
            this.maxRetryWait = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /** @param attempts tries of a request in all, at least 1 @return this builder */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("at least one attempt: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** @param clock the clock the cache's TTL is measured with @return this builder */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param hardware the machine fits are planned for, asked once when first needed @return this builder */
        public Builder hardware(Supplier<HardwareProfile> hardware) {
            this.hardware = Objects.requireNonNull(hardware, "hardware");
            return this;
        }

        /** @return the registry */
        public HuggingFaceRegistry build() {
            return new HuggingFaceRegistry(this);
        }

        private static Path defaultCacheDirectory() {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
            return base.resolve("localllm").resolve("huggingface-api");
        }
    }
}
