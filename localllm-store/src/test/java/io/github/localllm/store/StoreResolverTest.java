package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.ModelDownloadProgress;
import io.github.localllm.spi.DownloadPlan;
import io.github.localllm.store.internal.StoreResolver;
import io.github.localllm.testkit.FakeHub;
import io.github.localllm.testkit.FakeRangeServer;
import java.net.URI;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store as the front door's model resolver, against a fake Hub on loopback. */
class StoreResolverTest {
    private static final String REPO = "acme/Tiny-GGUF";
    private static final String FILE = "tiny-Q8_0.gguf";
    private static final byte[] MODEL = Fixtures.model();
    private static final String SHA = Fixtures.sha256(MODEL);

    @TempDir
    Path dir;
    private FakeHub hub;
    private final StoreResolver resolver = new StoreResolver();

    @BeforeEach
    void start() {
        hub = FakeHub.builder().file(REPO, FILE, MODEL).file("meta/Gated-GGUF", FILE, MODEL)
                .gated("meta/Gated-GGUF", "hf_ok").start();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private LocalLlmConfig config(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of(StoreKeys.HF_ENDPOINT, hub.uri().toString(),
                StoreKeys.HF_CACHE, dir.resolve("hf").toString(), StoreKeys.STORE_HOME,
                dir.resolve("home").toString()));
        values.putAll(extra);
        return LocalLlmConfig.load(values, Map.of(), new io.github.localllm.config.ConfigEnvironment(Map.of(),
                Map.of(), dir.resolve("work"), dir.resolve("user.json")));
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(io.github.localllm.LocalLlm.resolvers()).hasAtLeastOneElementOfType(StoreResolver.class);
    }

    @Test
    void acceptsHubFilesAndAddresses() {
        assertThat(resolver.accepts(ModelRef.hub(REPO, FILE))).isTrue();
        assertThat(resolver.accepts(ModelRef.url(URI.create("https://example.com/m.gguf")))).isTrue();
        assertThat(resolver.accepts(ModelRef.name("qwen2.5:7b"))).isFalse();
        assertThat(resolver.accepts(ModelRef.file(Path.of("m.gguf")))).isFalse();
    }

    @Test
    void plansWithTheHubsSizeHashAndTheCacheAsDestination() {
        DownloadPlan plan = resolver.plan(ModelRef.hub(REPO, FILE), config(Map.of()));

        assertThat(plan.size()).hasValue(MODEL.length);
        assertThat(plan.sha256()).contains(SHA);
        assertThat(plan.address().toString()).isEqualTo(hub.uri() + "/" + REPO + "/resolve/main/" + FILE);
        assertThat(plan.destination()).isEqualTo(dir.resolve("hf"));
        assertThat(dir.resolve("hf")).doesNotExist();
    }

    @Test
    void downloadsIntoTheHuggingFaceCacheThenFindsItWithoutNetwork() {
        LocalLlmConfig config = config(Map.of());
        ModelRef ref = ModelRef.hub(REPO, FILE);
        assertThat(resolver.find(ref, config)).isEmpty();
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();

        Path file = resolver.download(resolver.plan(ref, config), config, events::add);

        assertThat(file).hasBinaryContent(MODEL);
        assertThat(file.toString()).contains("models--acme--Tiny-GGUF").contains("snapshots");
        assertThat(events).filteredOn(ModelDownloadProgress.class::isInstance).isNotEmpty();
        hub.close();
        assertThat(resolver.find(ref, config)).contains(file);
    }

    @Test
    void aWrongExpectedHashInstallsNothing() {
        LocalLlmConfig config = config(Map.of());
        DownloadPlan plan = resolver.plan(ModelRef.hub(REPO, FILE), config).withSha256("0".repeat(64));

        assertThatThrownBy(() -> resolver.download(plan, config, e -> { }))
                .isInstanceOf(ChecksumMismatchException.class);
        assertThat(resolver.find(ModelRef.hub(REPO, FILE), config)).isEmpty();
    }

    @Test
    void aMissingFileIsModelNotFound() {
        assertThatThrownBy(() -> resolver.plan(ModelRef.hub(REPO, "nope.gguf"), config(Map.of())))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("check the repository");
    }

    @Test
    void aGatedRepositoryNeedsTheTokenWhichGoesToTheHubOnly() {
        ModelRef gated = ModelRef.hub("meta/Gated-GGUF", FILE);
        assertThatThrownBy(() -> resolver.plan(gated, config(Map.of()))).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HF_TOKEN").hasMessageNotContaining("hf_ok");

        LocalLlmConfig withToken = config(Map.of(StoreKeys.HF_TOKEN, "hf_ok"));
        Path file = resolver.download(resolver.plan(gated, withToken), withToken, e -> { });

        assertThat(file).hasBinaryContent(MODEL);
        assertThat(hub.cdn().requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
        assertThat(withToken.describe()).doesNotContain("hf_ok");
    }

    @Test
    void anUnreachableHubIsADownloadFailureThatNamesTheMirrorSetting() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LocalLlmConfig offline = config(Map.of(StoreKeys.HF_ENDPOINT, "http://127.0.0.1:" + port));

        assertThatThrownBy(() -> resolver.plan(ModelRef.hub(REPO, FILE), offline))
                .isInstanceOf(ModelDownloadException.class).hasMessageContaining("hf.endpoint");
        assertThat(Files.exists(dir.resolve("hf"))).isFalse();
    }

    @Test
    void aSplitModelsPlanCountsEveryShardAndItsDownloadBringsThemAll() {
        String[] shards = {"big-Q8_0-00001-of-00002.gguf", "big-Q8_0-00002-of-00002.gguf"};
        byte[][] bytes = {Fixtures.model(41), Fixtures.model(42)};
        try (FakeHub split = FakeHub.builder().file("acme/Big-GGUF", shards[0], bytes[0])
                .file("acme/Big-GGUF", shards[1], bytes[1]).start()) {
            LocalLlmConfig config = config(Map.of(StoreKeys.HF_ENDPOINT, split.uri().toString()));
            ModelRef first = ModelRef.hub("acme/Big-GGUF", shards[0]);

            DownloadPlan plan = resolver.plan(first, config);
            Path file = resolver.download(plan, config, e -> { });

            assertThat(plan.size()).hasValue(bytes[0].length + bytes[1].length);
            assertThat(plan.sha256()).contains(Fixtures.sha256(bytes[0]));
            assertThat(file).hasBinaryContent(bytes[0]);
            assertThat(file.resolveSibling(shards[1])).hasBinaryContent(bytes[1]);
            assertThat(resolver.find(first, config)).contains(file);
        }
    }

    @Test
    void anAddressIsPlannedFollowingRedirectsAndDownloadedIntoTheLibrarysHome() {
        try (FakeRangeServer server = FakeRangeServer.builder().file("/files/m.gguf", MODEL)
                .redirect("/m.gguf", "/files/m.gguf").start()) {
            LocalLlmConfig config = config(Map.of());
            ModelRef url = ModelRef.url(server.uri("/m.gguf"));

            DownloadPlan plan = resolver.plan(url, config);
            Path file = resolver.download(plan, config, e -> { });

            assertThat(plan.size()).hasValue(MODEL.length);
            assertThat(plan.destination()).isEqualTo(dir.resolve("home/downloads"));
            assertThat(file).hasBinaryContent(MODEL).startsWith(dir.resolve("home/downloads"));
            assertThat(server.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
            assertThat(resolver.find(url, config)).contains(file);
        }
    }
}
