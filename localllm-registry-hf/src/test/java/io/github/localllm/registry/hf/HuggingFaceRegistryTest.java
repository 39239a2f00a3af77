package io.github.localllm.registry.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.http.ServerBusyException;
import io.github.localllm.registry.GatedModelException;
import io.github.localllm.registry.Gating;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelDetails;
import io.github.localllm.registry.ModelFit;
import io.github.localllm.registry.ModelListing;
import io.github.localllm.registry.ModelPage;
import io.github.localllm.registry.ModelQuery;
import io.github.localllm.registry.ModelSort;
import io.github.localllm.registry.RepoFile;
import io.github.localllm.registry.RepoFileNotFoundException;
import io.github.localllm.registry.RepositoryNotFoundException;
import io.github.localllm.registry.RevisionNotFoundException;
import io.github.localllm.testkit.FakeHuggingFace;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.RecordedRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceRegistryTest {
    private static final String TOKEN = "hf_secretTOKEN123";
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final String QWEN = "Qwen/Qwen2.5-0.5B-Instruct-GGUF";
    private static final String GATED = "meta-llama/Llama-3.2-1B-Instruct-GGUF";
    private static byte[] model;

    @TempDir
    Path cacheDir;
    private FakeHuggingFace hub;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));

    @BeforeAll
    static void writeModel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tiny.gguf");
        SyntheticModel.withParameterCount(3_000_000).build().write(file);
        model = Files.readAllBytes(file);
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    private static FakeHuggingFace.Repository qwen() {
        return FakeHuggingFace.repository(QWEN).sha(SHA).downloads(900).likes(50).trendingScore(3)
                .tags("gguf", "text-generation", "license:apache-2.0").pipelineTag("text-generation")
                .license("apache-2.0").baseModels("Qwen/Qwen2.5-0.5B-Instruct").gguf("qwen2", 32768, 494032768, 491400032)
                .file(".gitattributes", 1519).file("LICENSE", 11343)
                .file("qwen2.5-0.5b-instruct-q4_k_m.gguf", 491400032L, null,
                        "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db")
                .file("qwen2.5-0.5b-instruct-fp16.gguf", 1_300_000_000L)
                .file("split/qwen2.5-0.5b-instruct-q8_0-00001-of-00002.gguf", 400_000_000L)
                .file("split/qwen2.5-0.5b-instruct-q8_0-00002-of-00002.gguf", 276_000_000L)
                .file("tiny-Q8_0.gguf", model);
    }

    private FakeHuggingFace.Builder fake() {
        return FakeHuggingFace.builder().repository(qwen())
                .repository(FakeHuggingFace.repository(GATED).gated("manual", TOKEN).downloads(500).likes(900)
                        .pipelineTag("text-generation").license("llama3.2").file("llama-Q8_0.gguf", model))
                .repository(FakeHuggingFace.repository("ggml-org/gemma-3-12b-it-GGUF").downloads(300).likes(100)
                        .pipelineTag("image-text-to-text").license("gemma")
                        .file("gemma-3-12b-it-Q4_K_M.gguf", 7_300_000_000L).file("mmproj-model-f16.gguf", 854_000_000L))
                .repository(FakeHuggingFace.repository("acme/safetensors-only").downloads(10_000)
                        .file("model.safetensors", 1_000_000L));
    }

    private HuggingFaceRegistry registry(String token) {
        return HuggingFaceRegistry.builder().endpoint(hub.uri()).token(token).cacheDirectory(cacheDir)
                .clock(clock).hardware(Machines::laptop).maxRetryWait(Duration.ofSeconds(2)).build();
    }

    private static boolean authorized(RecordedRequest r) {
        return r.header("Authorization").isPresent();
    }

    @Test
    void searchSendsTheHubsParametersAndReadsTheExpandedItems() {
        hub = fake().start();
        ModelPage page = registry(null).search(ModelQuery.builder().text("qwen2.5 0.5b").author("Qwen")
                .pipelineTag("text-generation").limit(5).build());
        RecordedRequest sent = hub.lastRequest();
        assertThat(sent.path()).isEqualTo("/api/models");
        assertThat(sent.query()).startsWith("search=qwen2.5%200.5b&author=Qwen&filter=gguf&pipeline_tag=text-generation"
                + "&sort=downloads&direction=-1&limit=5&expand=author&expand=gated");
        assertThat(page.hasNext()).isFalse();
        assertThat(page.models()).hasSize(1);
        ModelListing qwen = page.models().get(0);
        assertThat(qwen.id()).isEqualTo(QWEN);
        assertThat(qwen.author()).isEqualTo("Qwen");
        assertThat(qwen.downloads()).isEqualTo(900);
        assertThat(qwen.likes()).isEqualTo(50);
        assertThat(qwen.trendingScore()).isEqualTo(3);
        assertThat(qwen.pipelineTag()).hasValue("text-generation");
        assertThat(qwen.gating()).isEqualTo(Gating.NONE);
        assertThat(qwen.lastModified()).hasValue(Instant.parse("2025-05-21T15:38:00Z"));
        assertThat(qwen.tags()).contains("license:apache-2.0");
    }

    @Test
    void searchOrdersAndFiltersAsAsked() {
        hub = fake().start();
        HuggingFaceRegistry hf = registry(null);
        assertThat(hf.search(ModelQuery.builder().build()).models()).extracting(ModelListing::id)
                .containsExactly(QWEN, GATED, "ggml-org/gemma-3-12b-it-GGUF");
        assertThat(hf.search(ModelQuery.builder().sort(ModelSort.LIKES).build()).models()).extracting(ModelListing::id)
                .containsExactly(GATED, "ggml-org/gemma-3-12b-it-GGUF", QWEN);
        assertThat(hub.lastRequest().query()).contains("sort=likes");
        ModelPage all = hf.search(ModelQuery.builder().ggufOnly(false).build());
        assertThat(all.models().get(0).id()).isEqualTo("acme/safetensors-only");
        assertThat(hf.search(ModelQuery.builder().pipelineTag("image-text-to-text").build()).models())
                .extracting(ModelListing::id).containsExactly("ggml-org/gemma-3-12b-it-GGUF");
        ModelListing gated = hf.search(ModelQuery.builder().text("llama").build()).models().get(0);
        assertThat(gated.gating()).isEqualTo(Gating.MANUAL);
        hf.search(ModelQuery.builder().sort(ModelSort.TRENDING).build());
        assertThat(hub.lastRequest().query()).contains("sort=trendingScore");
        hf.search(ModelQuery.builder().sort(ModelSort.LAST_MODIFIED).build());
        assertThat(hub.lastRequest().query()).contains("sort=lastModified");
    }

    @Test
    void everySortOrderIsTheHubsDescendingOneAndTheLimitCapsAPage() {
        hub = FakeHuggingFace.builder()
                .repository(FakeHuggingFace.repository("acme/old-GGUF").downloads(3).likes(1).trendingScore(2)
                        .createdAt("2024-01-01T00:00:00.000Z").lastModified("2026-01-01T00:00:00.000Z")
                        .file("m-Q4_0.gguf", 10L))
                .repository(FakeHuggingFace.repository("acme/new-GGUF").downloads(1).likes(2).trendingScore(3)
                        .createdAt("2026-06-01T00:00:00.000Z").lastModified("2026-02-01T00:00:00.000Z")
                        .file("m-Q4_0.gguf", 10L))
                .repository(FakeHuggingFace.repository("acme/mid-GGUF").downloads(2).likes(3).trendingScore(1)
                        .createdAt("2025-01-01T00:00:00.000Z").lastModified("2025-01-01T00:00:00.000Z")
                        .file("m-Q4_0.gguf", 10L))
                .start();
        HuggingFaceRegistry hf = registry(null);
        java.util.Map<ModelSort, List<String>> expected = java.util.Map.of(
                ModelSort.DOWNLOADS, List.of("acme/old-GGUF", "acme/mid-GGUF", "acme/new-GGUF"),
                ModelSort.LIKES, List.of("acme/mid-GGUF", "acme/new-GGUF", "acme/old-GGUF"),
                ModelSort.TRENDING, List.of("acme/new-GGUF", "acme/old-GGUF", "acme/mid-GGUF"),
                ModelSort.LAST_MODIFIED, List.of("acme/new-GGUF", "acme/old-GGUF", "acme/mid-GGUF"),
                ModelSort.CREATED, List.of("acme/new-GGUF", "acme/mid-GGUF", "acme/old-GGUF"));
        java.util.Map<ModelSort, String> names = java.util.Map.of(ModelSort.DOWNLOADS, "downloads", ModelSort.LIKES,
                "likes", ModelSort.TRENDING, "trendingScore", ModelSort.LAST_MODIFIED, "lastModified",
                ModelSort.CREATED, "createdAt");
        assertThat(expected.keySet()).containsExactlyInAnyOrder(ModelSort.values());
        for (ModelSort sort : ModelSort.values()) {
            ModelPage page = hf.search(ModelQuery.builder().sort(sort).build());
            assertThat(page.models()).as(sort.name()).extracting(ModelListing::id).containsExactlyElementsOf(expected.get(sort));
            assertThat(hub.lastRequest().query()).as(sort.name()).contains("&sort=" + names.get(sort) + "&direction=-1&");
        }
        ModelPage one = hf.search(ModelQuery.builder().sort(ModelSort.CREATED).limit(1).build());
        assertThat(one.models()).extracting(ModelListing::id).containsExactly("acme/new-GGUF");
        assertThat(one.models().get(0).createdAt()).hasValue(Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(hub.lastRequest().query()).contains("&limit=1&");
        assertThat(one.hasNext()).isTrue();
    }

    @Test
    void pagesFollowTheLinkHeaderUntilTheLast() {
        FakeHuggingFace.Builder b = FakeHuggingFace.builder().pageSize(2);
        for (int i = 1; i <= 5; i++) {
            b.repository(FakeHuggingFace.repository("acme/m" + i + "-GGUF").downloads(i).file("m-Q4_0.gguf", 10L));
        }
        hub = b.start();
        HuggingFaceRegistry hf = registry(null);
        List<String> ids = new ArrayList<>();
        ModelQuery query = ModelQuery.builder().limit(2).build();
        ModelPage page = hf.search(query);
        int pages = 1;
        page.models().forEach(m -> ids.add(m.id()));
        while (page.hasNext()) {
            assertThat(page.nextPage().get()).startsWith("/api/models?").contains("cursor=");
            page = hf.search(query.toBuilder().page(page.nextPage().get()).build());
            page.models().forEach(m -> ids.add(m.id()));
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(ids).containsExactly("acme/m5-GGUF", "acme/m4-GGUF", "acme/m3-GGUF", "acme/m2-GGUF", "acme/m1-GGUF");
        assertThatThrownBy(() -> hf.search(ModelQuery.builder().page("https://evil.example/api/models?x").build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("page token");
    }

    @Test
    void detailsListEveryVariantWithSizesHashesShardsAndTheResolvedCommit() {
        hub = fake().start();
        ModelDetails d = registry(null).details(QWEN);
        assertThat(d.revision()).isEqualTo(SHA);
        assertThat(d.license()).hasValue("apache-2.0");
        assertThat(d.baseModels()).containsExactly("Qwen/Qwen2.5-0.5B-Instruct");
        assertThat(d.architecture()).hasValue("qwen2");
        assertThat(d.contextLength()).hasValue(32768);
        assertThat(d.parameterCount()).hasValue(494032768L);
        assertThat(d.gating()).isEqualTo(Gating.NONE);
        assertThat(d.variants()).extracting(GgufVariant::label).containsExactly("Q8_0", "Q4_K_M", "Q8_0", "F16");
        GgufVariant q4 = d.variant("q4_k_m").orElseThrow();
        assertThat(q4.size()).isEqualTo(491400032L);
        assertThat(q4.firstFile().sha256()).hasValue("74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db");
        assertThat(q4.ref().text()).isEqualTo("hf://" + QWEN + "@" + SHA + "/qwen2.5-0.5b-instruct-q4_k_m.gguf");
        GgufVariant split = d.variants().stream().filter(GgufVariant::sharded).findFirst().orElseThrow();
        assertThat(split.files()).hasSize(2);
        assertThat(split.size()).isEqualTo(676_000_000L);
        // Small files are plain git blobs: no SHA-256 is published for them.
        assertThat(d.files()).filteredOn(f -> f.path().equals("LICENSE")).extracting(RepoFile::sha256)
                .containsExactly(Optional.empty());
        // The tree is read at the commit the info named, not at "main", which may move in between.
        assertThat(hub.requests("/api/models/" + QWEN + "/tree/" + SHA)).hasSize(1);
        assertThat(hub.requests("/api/models/" + QWEN + "/tree/" + SHA).get(0).query()).isEqualTo("recursive=true");
    }

    @Test
    void detailsAtACommitAskForThatRevisionAndNameIt() {
        hub = fake().start();
        ModelDetails atCommit = registry(null).details(QWEN, SHA);
        assertThat(atCommit.revision()).isEqualTo(SHA);
        assertThat(hub.requests("/api/models/" + QWEN + "/revision/" + SHA)).hasSize(1);
        assertThat(atCommit.variants()).allSatisfy(v -> assertThat(v.ref().revision()).isEqualTo(SHA));
        // A branch with a slash travels percent-encoded, as one path segment (tree-request.txt).
        assertThatThrownBy(() -> registry(null).details(QWEN, "refs/pr/1")).isInstanceOf(RevisionNotFoundException.class)
                .hasMessageContaining("'refs/pr/1'");
    }

    @Test
    void aProjectorGoesWithItsModelAndGatingIsReported() {
        hub = fake().start();
        HuggingFaceRegistry hf = registry(null);
        ModelDetails gemma = hf.details("ggml-org/gemma-3-12b-it-GGUF");
        assertThat(gemma.variants()).hasSize(1);
        assertThat(gemma.variants().get(0).projector().map(RepoFile::path)).hasValue("mmproj-model-f16.gguf");
        assertThat(gemma.projectors()).extracting(RepoFile::path).containsExactly("mmproj-model-f16.gguf");
        assertThat(gemma.listing().pipelineTag()).hasValue("image-text-to-text");
        ModelDetails gated = hf.details(GATED);
        assertThat(gated.gating()).isEqualTo(Gating.MANUAL);
        assertThat(gated.license()).hasValue("llama3.2");
    }

    @Test
    void treePagesAreAllRead() {
        hub = fake().pageSize(2).start();
        ModelDetails d = registry(null).details(QWEN);
        assertThat(d.files()).hasSize(7);
        assertThat(hub.requests("/api/models/" + QWEN + "/tree/" + SHA)).hasSize(4);
    }

    @Test
    void aMissingRepositoryRevisionOrFileIsATypedErrorThatSaysWhatToDo() {
        hub = fake().start();
        HuggingFaceRegistry hf = registry(null);
        assertThatThrownBy(() -> hf.details("nobody/nothing-GGUF"))
                .isInstanceOf(RepositoryNotFoundException.class)
                .hasMessageContaining("'nobody/nothing-GGUF' was not found")
                .hasMessageContaining("set HF_TOKEN");
        assertThatThrownBy(() -> registry(TOKEN).details("nobody/nothing-GGUF"))
                .isInstanceOf(RepositoryNotFoundException.class)
                .hasMessageContaining("the token in use has no access");
        assertThatThrownBy(() -> hf.details(QWEN, "v9.9"))
                .isInstanceOf(RevisionNotFoundException.class)
                .hasMessageContaining("has no revision 'v9.9'");
        assertThat(hub.lastRequest().path()).isEqualTo("/api/models/" + QWEN + "/revision/v9.9");
        GgufVariant ghost = new GgufVariant(QWEN, SHA, Optional.of("Q2_K"),
                List.of(new RepoFile("qwen-q2_k.gguf", 1, Optional.empty())), Optional.empty());
        assertThatThrownBy(() -> hf.fit(ghost))
                .isInstanceOf(RepoFileNotFoundException.class)
                .hasMessageContaining("has no file 'qwen-q2_k.gguf'");
        assertThatThrownBy(() -> hf.details("not a repo"))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aVariantsFitIsPlannedFromItsRemoteHeaderWithoutDownloadingIt() {
        hub = fake().start();
        HuggingFaceRegistry hf = registry(null);
        GgufVariant tiny = hf.details(QWEN).variants().get(0);
        assertThat(tiny.firstFile().path()).isEqualTo("tiny-Q8_0.gguf");
        ModelFit fit = hf.fit(tiny).orElseThrow();
        assertThat(fit.runnable()).isTrue();
        assertThat(fit.gpuLayers()).isZero();
        assertThat(fit.largestContext()).isPositive();
        assertThat(fit.memoryBytes()).isPositive();
        assertThat(fit.explanation()).isNotBlank();
        ModelFit small = hf.fit(tiny, io.github.localllm.registry.FitOptions.defaults().withContext(256)).orElseThrow();
        assertThat(small.contextSize()).isLessThanOrEqualTo(fit.contextSize());
        long served = hub.cdn().requests().stream().map(r -> r.header("Range").orElse(""))
                .filter(r -> r.startsWith("bytes=")).mapToLong(r -> {
                    String[] p = r.substring(6).split("-");
                    return Long.parseLong(p[1]) - Long.parseLong(p[0]) + 1;
                }).sum();
        assertThat(served).isLessThan(model.length);
    }

    @Test
    void aFitOnAGpuMachineOffloadsLayersAndSaysHowFastFromAFewRangedReads() {
        hub = fake().start();
        HuggingFaceRegistry hf = HuggingFaceRegistry.builder().endpoint(hub.uri()).cacheDirectory(cacheDir).clock(clock)
                .hardware(Machines::gpuDesktop).build();
        GgufVariant tiny = hf.details(QWEN).variants().get(0);
        assertThat(tiny.firstFile().path()).isEqualTo("tiny-Q8_0.gguf");
        hub.clearRequests();
        hub.cdn().clearRequests();
        ModelFit fit = hf.fit(tiny).orElseThrow();
        assertThat(fit.runnable()).isTrue();
        assertThat(fit.gpuLayers()).isPositive();
        assertThat(fit.largestContext()).isPositive().isGreaterThanOrEqualTo(fit.contextSize());
        assertThat(fit.tokensPerSecond()).isPresent();
        assertThat(fit.tokensPerSecond().getAsDouble()).isPositive();
        // Only the header travels: one HEAD to the Hub, then ranged reads, never the whole file.
        String resolve = "/" + QWEN + "/resolve/" + SHA + "/tiny-Q8_0.gguf";
        assertThat(hub.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.path()).isEqualTo(resolve));
        assertThat(hub.requests()).filteredOn(r -> r.method().equals("HEAD")).hasSize(1);
        assertThat(hub.requests()).filteredOn(r -> r.method().equals("GET"))
                .allSatisfy(r -> assertThat(r.header("Range")).isPresent());
        assertThat(hub.cdn().requests()).isNotEmpty().allSatisfy(r -> assertThat(r.header("Range")).isPresent());
        long served = hub.cdn().requests().stream().mapToLong(r -> {
            String[] p = r.header("Range").orElseThrow().substring(6).split("-");
            return Math.min(Long.parseLong(p[1]), model.length - 1L) - Long.parseLong(p[0]) + 1;
        }).sum();
        assertThat(served).isLessThan(model.length / 4);
    }

    @Test
    void aSplitModelIsPlannedFromEveryShardsHeader() {
        hub = FakeHuggingFace.builder().repository(FakeHuggingFace.repository("acme/split-GGUF")
                .file("tiny-Q8_0.gguf", model)
                .file("big-Q8_0-00001-of-00002.gguf", model).file("big-Q8_0-00002-of-00002.gguf", model)).start();
        HuggingFaceRegistry hf = registry(null);
        ModelDetails d = hf.details("acme/split-GGUF");
        GgufVariant single = d.variants().get(0);
        GgufVariant split = d.variants().get(1);
        assertThat(split.sharded()).isTrue();
        ModelFit one = hf.fit(single).orElseThrow();
        ModelFit both = hf.fit(split).orElseThrow();
        assertThat(hub.requests("/acme/split-GGUF/resolve/" + FakeHuggingFace.COMMIT + "/big-Q8_0-00002-of-00002.gguf"))
                .isNotEmpty();
        // The second shard's tensors count: twice the weights need more memory than one file's.
        assertThat(both.memoryBytes()).isGreaterThan(one.memoryBytes());
    }

    @Test
    void aGatedModelNeedsAnAcceptedTokenWhichGoesOnlyToTheHubsHost() {
        hub = fake().start();
        GgufVariant llama = registry(null).details(GATED).variants().get(0);
        assertThatThrownBy(() -> registry(null).fit(llama))
                .isInstanceOfSatisfying(GatedModelException.class, e -> assertThat(e.tokenSent()).isFalse())
                .hasMessageContaining("is gated").hasMessageContaining("set HF_TOKEN");
        assertThatThrownBy(() -> registry("hf_someoneElse").fit(llama))
                .isInstanceOfSatisfying(GatedModelException.class, e -> assertThat(e.tokenSent()).isTrue())
                .hasMessageContaining("has not been granted access")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hf_someoneElse"));
        hub.clearRequests();
        hub.cdn().clearRequests();
        assertThat(registry(TOKEN).fit(llama)).isPresent();
        assertThat(hub.requests()).isNotEmpty().allSatisfy(r ->
                assertThat(r.header("Authorization")).hasValue("Bearer " + TOKEN));
        // The CDN is another host: the token never follows the redirect there.
        assertThat(hub.cdn().requests()).isNotEmpty().noneMatch(HuggingFaceRegistryTest::authorized);
        assertThat(registry(TOKEN).toString()).doesNotContain(TOKEN);
    }

    @Test
    void aRateLimitIsWaitedOutOrReportedWithItsRetryAfter() {
        hub = fake().start();
        hub.injectNext(1, Fault.httpStatus(429, Duration.ofSeconds(1)));
        long started = System.nanoTime();
        assertThat(registry(null).search(ModelQuery.builder().build()).models()).hasSize(3);
        // Asked again only after the second the Hub asked for (a lower bound: a sleep never ends early).
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(hub.requests("/api/models")).hasSize(2);
        hub.injectNext(1, Fault.httpStatus(429, Duration.ofSeconds(60)));
        HuggingFaceRegistry impatient = registry(null);
        assertThatThrownBy(() -> impatient.search(ModelQuery.builder().text("gemma").build()))
                .isInstanceOfSatisfying(ServerBusyException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(60));
                    assertThat(e.isRetryable()).isTrue();
                })
                .hasMessageContaining("wait 60 s");
    }

    @Test
    void answersAreCachedOnDiskUntilTheTtlAndAStaleOneServesWhenTheHubIsDown() throws IOException {
        hub = fake().start();
        URI endpoint = hub.uri();
        HuggingFaceRegistry hf = registry(null);
        ModelDetails first = hf.details(QWEN);
        int requests = hub.requests().size();
        // Another registry with the same cache folder: the answers come from disk.
        assertThat(registry(null).details(QWEN)).isEqualTo(first);
        assertThat(hub.requests()).hasSize(requests);
        // Answers seen with a token are not served without it, nor to another token.
        registry(TOKEN).details(QWEN);
        assertThat(hub.requests().size()).isGreaterThan(requests);
        requests = hub.requests().size();
        clock.advance(Duration.ofMinutes(61));
        hf.details(QWEN);
        assertThat(hub.requests().size()).isGreaterThan(requests);
        clock.advance(Duration.ofHours(5));
        hub.close();
        HuggingFaceRegistry offline = HuggingFaceRegistry.builder().endpoint(endpoint).cacheDirectory(cacheDir)
                .clock(clock).maxAttempts(1).build();
        assertThat(offline.details(QWEN)).isEqualTo(first);
        assertThatThrownBy(() -> offline.details("ggml-org/gemma-3-12b-it-GGUF"))
                .isInstanceOf(io.github.localllm.BackendUnavailableException.class)
                .hasMessageContaining("cannot reach the Hugging Face Hub");
        try (var files = Files.list(cacheDir)) {
            assertThat(files.map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).isNotEmpty().noneMatch(text -> text.contains(TOKEN));
        }
    }

    @Test
    void aDamagedCacheFileIsIgnoredAndReplaced() throws IOException {
        hub = fake().start();
        ModelDetails first = registry(null).details(QWEN);
        int requests = hub.requests().size();
        List<Path> entries;
        try (var files = Files.list(cacheDir)) {
            entries = files.toList();
        }
        assertThat(entries).isNotEmpty();
        // One entry cut in half, one not JSON at all, one whose key belongs to another request.
        for (int i = 0; i < entries.size(); i++) {
            Path e = entries.get(i);
            String text = Files.readString(e);
            Files.writeString(e, switch (i % 3) {
                case 0 -> text.substring(0, text.length() / 2);
                case 1 -> "garbage{";
                default -> text.replaceFirst("\"key\":\"", "\"key\":\"x");
            });
        }
        assertThat(registry(null).details(QWEN)).isEqualTo(first);
        assertThat(hub.requests().size()).isEqualTo(2 * requests);
        // The answers fetched again were written over the damaged files: a third registry reads them from disk.
        assertThat(registry(null).details(QWEN)).isEqualTo(first);
        assertThat(hub.requests().size()).isEqualTo(2 * requests);
    }

    @Test
    void theTokenIsNeverLoggedNorCachedWhateverHappens() throws IOException {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            hub = fake().start();
            HuggingFaceRegistry hf = registry(TOKEN);
            hub.injectNext(1, Fault.httpStatus(429, Duration.ofSeconds(1)));
            hf.search(ModelQuery.builder().build());
            hf.fit(hf.details(GATED).variants().get(0));
            hub.injectNext(1, Fault.httpStatus(503));
            hf.details(QWEN);
            assertThatThrownBy(() -> hf.details("nobody/nothing-GGUF")).isInstanceOf(RepositoryNotFoundException.class);
            hub.close();
            clock.advance(Duration.ofHours(2));
            HuggingFaceRegistry offline = HuggingFaceRegistry.builder().endpoint(hub.uri()).token(TOKEN)
                    .cacheDirectory(cacheDir).clock(clock).maxAttempts(1).build();
            assertThat(offline.details(QWEN).revision()).isEqualTo(SHA);
        } finally {
            System.setErr(original);
        }
        String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        // Logged at debug (the build sets that level for this module), so every line a user could enable is here.
        assertThat(text).contains("HTTP 429").contains("HTTP 200").contains("using the answer cached")
                .doesNotContain(TOKEN).doesNotContain(TOKEN.substring(3));
        try (var files = Files.list(cacheDir)) {
            assertThat(files.map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).isNotEmpty().noneMatch(t -> t.contains(TOKEN.substring(3)));
        }
    }

    @Test
    void aZeroTtlTurnsTheCacheOff() {
        hub = fake().start();
        HuggingFaceRegistry hf = HuggingFaceRegistry.builder().endpoint(hub.uri()).cacheDirectory(cacheDir)
                .cacheTtl(Duration.ZERO).build();
        hf.search(ModelQuery.builder().build());
        hf.search(ModelQuery.builder().build());
        assertThat(hub.requests("/api/models")).hasSize(2);
    }

    @Test
    void onlyHttpsGoesToARemoteHost() {
        assertThatThrownBy(() -> HuggingFaceRegistry.builder().endpoint(URI.create("http://hf-mirror.example")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("not HTTPS").hasMessageContaining("huggingface.allow-http");
        assertThatThrownBy(() -> HuggingFaceRegistry.builder().endpoint(URI.create("ftp://hf-mirror.example")).build())
                .isInstanceOf(ConfigurationException.class);
        assertThat(HuggingFaceRegistry.builder().endpoint(URI.create("http://hf-mirror.example")).allowHttp(true).build()
                .endpoint()).hasHost("hf-mirror.example");
        assertThat(HuggingFaceRegistry.builder().endpoint(URI.create("http://localhost:8080")).build().endpoint())
                .hasPort(8080);
        assertThat(HuggingFaceRegistry.builder().build().endpoint()).isEqualTo(HuggingFaceRegistry.DEFAULT_ENDPOINT);
    }

    @Test
    void theEndpointAndTokenComeFromTheEnvironment() {
        hub = fake().start();
        HuggingFaceRegistry hf = HuggingFaceRegistry.fromConfig(
                io.github.localllm.config.LocalLlmConfig.load(
                        java.util.Map.of(HuggingFaceRegistry.CACHE_KEY, cacheDir.toString()), java.util.Map.of()),
                java.util.Map.of("HF_ENDPOINT", hub.uri().toString(), "HF_TOKEN", TOKEN));
        assertThat(hf.endpoint()).isEqualTo(hub.uri());
        hf.details(GATED);
        assertThat(hub.lastRequest().header("Authorization")).hasValue("Bearer " + TOKEN);
    }

    @Test
    void theStoresHfKeysPointTheRegistryToo() {
        hub = fake().start();
        HuggingFaceRegistry hf = HuggingFaceRegistry.fromConfig(io.github.localllm.config.LocalLlmConfig.load(
                java.util.Map.of(HuggingFaceRegistry.CACHE_KEY, cacheDir.toString(), "hf.endpoint",
                        hub.uri().toString(), "hf.token", TOKEN), java.util.Map.of()),
                java.util.Map.of("HF_ENDPOINT", "https://elsewhere.example", "HF_TOKEN", "hf_other"));
        assertThat(hf.endpoint()).isEqualTo(hub.uri());
        hf.details(GATED);
        assertThat(hub.lastRequest().header("Authorization")).hasValue("Bearer " + TOKEN);
    }

    @Test
    void unsafePathsInAListingAreLeftOut() {
        hub = FakeHuggingFace.builder().repository(FakeHuggingFace.repository("evil/paths-GGUF")
                .file("../escape-Q4_0.gguf", 10L).file("a/../../b-Q4_0.gguf", 10L).file("ok-Q4_0.gguf", 10L)
                .file("bad\u0007name-Q4_0.gguf", 10L)).start();
        ModelDetails d = registry(null).details("evil/paths-GGUF");
        assertThat(d.files()).extracting(RepoFile::path).containsExactly("ok-Q4_0.gguf");
        assertThat(HubJson.safePath("/etc/passwd")).isFalse();
        assertThat(HubJson.safePath("C:/x.gguf")).isFalse();
        assertThat(HubJson.safePath("dir\\x.gguf")).isFalse();
        assertThat(HubJson.safePath("dir/x.gguf")).isTrue();
    }
}
