package io.github.localllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.hardware.CpuInfo;
import io.github.localllm.hardware.DiskInfo;
import io.github.localllm.hardware.HardwareProfile;
import io.github.localllm.hardware.MemoryInfo;
import io.github.localllm.hardware.Reading;
import io.github.localllm.testkit.FakeHuggingFace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * FindModel against the testkit's fake Hugging Face Hub, which serves synthetic GGUF files (so every fit is
 * planned from a real remote header), on a hand-built 16 GiB laptop without a GPU, so the plans do not depend
 * on the machine the tests run on. No network beyond loopback.
 */
@Timeout(120)
class FindModelTest {
    private static final long GIB = 1L << 30;
    private static final String TOKEN = "hf_findModelSECRET42";
    private static final String GIANT = "acme/Giant-Coder-70B-GGUF";
    private static final String GATED = "gatekeeper/Secret-Coder-GGUF";
    private static final String TINY = "acme/Tiny-Coder-GGUF";
    private static final String SMALL = "acme/Small-Coder-GGUF";
    private static final HardwareProfile LAPTOP = new HardwareProfile("Linux", "6.8", "amd64",
            new CpuInfo("Test CPU", 4, 8, Set.of()),
            new MemoryInfo(Reading.of(16 * GIB, "test"), Reading.of(12 * GIB, "test")),
            new DiskInfo(Path.of("/models"), Reading.unknown("not measured in this test")), List.of(), Instant.EPOCH);

    private static final Map<String, byte[]> TINY_FILES = new HashMap<>();
    private static byte[] small;

    @TempDir
    Path dir;
    private FakeHuggingFace hub;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void writeModels(@TempDir Path tmp) throws IOException {
        int seed = 1;
        for (String quant : List.of("Q8_0", "Q4_K_M", "F16", "Q2_K")) {
            TINY_FILES.put("tiny-coder-" + quant + ".gguf", synthetic(tmp, "tiny-coder-" + quant, seed++));
        }
        small = synthetic(tmp, "small-coder", 9);
    }

    private static byte[] synthetic(Path tmp, String name, int seed) throws IOException {
        Path file = tmp.resolve(name + ".gguf");
        SyntheticModel.withParameterCount(1_000_000).tensorType(GgmlType.Q8_0).seed(seed).name(name).build().write(file);
        return Files.readAllBytes(file);
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    private FakeHuggingFace startHub() {
        FakeHuggingFace.Repository tiny = FakeHuggingFace.repository(TINY).downloads(3_000).pipelineTag("text-generation")
                .license("apache-2.0");
        TINY_FILES.forEach(tiny::file);
        hub = FakeHuggingFace.builder()
                // The most downloaded, but far larger than the laptop: planned without reading a header.
                .repository(FakeHuggingFace.repository(GIANT).downloads(5_000).pipelineTag("text-generation")
                        .file("giant-coder-Q4_K_M.gguf", 42_500_000_000L).file("giant-coder-Q2_K.gguf", 26_400_000_000L))
                .repository(FakeHuggingFace.repository(GATED).downloads(4_000).pipelineTag("text-generation")
                        .gated("manual", TOKEN).file("secret-coder-Q4_K_M.gguf", small))
                .repository(tiny)
                .repository(FakeHuggingFace.repository(SMALL).downloads(1_000).pipelineTag("text-generation")
                        .file("small-coder-Q8_0.gguf", small))
                .repository(FakeHuggingFace.repository("acme/Chat-Only-GGUF").downloads(9_000)
                        .pipelineTag("text-generation").file("chat-Q4_K_M.gguf", small))
                .repository(FakeHuggingFace.repository("acme/Coder-Embed-GGUF").downloads(8_000)
                        .pipelineTag("feature-extraction").file("coder-embed-Q8_0.gguf", small))
                .start();
        return hub;
    }

    private Map<String, String> env(String endpoint) {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", endpoint);
        env.put("LOCALLLM_HF_CACHE", dir.resolve("hf").toString());
        // The library's records and, beside them, the registry's answer cache: never the user's home.
        env.put("LOCALLLM_STORE_HOME", dir.resolve("home").toString());
        return env;
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = FindModel.run(args, env, () -> LAPTOP, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(run.out() + run.err());
        return run;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String row(String text, String repository) {
        return text.lines().filter(l -> l.contains(repository)).findFirst().orElseThrow(() ->
                new AssertionError("no row for " + repository + " in:\n" + text));
    }

    @Test
    void theTableListsEveryResultWithItsFitAndTheBalancedVariantOfTheBestRepositoryIsChosen() {
        startHub();

        Run run = run(env(hub.uri().toString()), "coder", "--task", "code");

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("This machine: Linux amd64, 8 threads, 16.0 GiB RAM (12.0 GiB available), no GPU")
                .contains("Searching the Hugging Face Hub at " + hub.uri())
                .contains("repository").contains("downloads").contains("GPU").contains("context").contains("tok/s")
                // Not "coder", and not a text generator: left out by the search.
                .doesNotContain("Chat-Only").doesNotContain("Coder-Embed");
        // In the Hub's order: most downloaded first.
        assertThat(run.out().indexOf(GIANT)).isLessThan(run.out().indexOf(GATED));
        assertThat(run.out().indexOf(GATED)).isLessThan(run.out().indexOf(TINY));
        assertThat(run.out().indexOf(TINY)).isLessThan(run.out().indexOf(SMALL));
        assertThat(run.out()).contains("every variant is larger than this machine's 17.18 GB of memory (smallest: Q2_K"
                + " 26.40 GB)");
        assertThat(run.out()).contains("gated: accept its terms on the model's page, then set HF_TOKEN");
        // Balanced: Q4_K_M before the smaller Q2_K and the larger Q8_0 and F16.
        assertThat(row(run.out(), TINY)).contains("3,000").contains("Q4_K_M")
                .containsPattern("(optimal|comfortable)");
        assertThat(row(run.out(), SMALL)).contains("Q8_0").containsPattern("(optimal|comfortable)");
        assertThat(run.out()).contains("Chosen: " + TINY + " Q4_K_M")
                .contains("hf://" + TINY + "@" + FakeHuggingFace.COMMIT + "/tiny-coder-Q4_K_M.gguf")
                .contains("SHA-256 " + sha256(TINY_FILES.get("tiny-coder-Q4_K_M.gguf")))
                .contains("Run again with --download to fetch it");
        // Planned from headers only: nothing was downloaded, and the giant's files were never asked for.
        assertThat(dir.resolve("hf")).doesNotExist();
        assertThat(hub.requests()).noneMatch(r -> r.path().contains("giant-coder"));
    }

    @Test
    void downloadPutsTheVerifiedFileIntoTheHuggingFaceCacheAndSaysHowToLoadIt() throws IOException {
        startHub();
        Map<String, String> env = env(hub.uri().toString());
        byte[] chosen = TINY_FILES.get("tiny-coder-Q4_K_M.gguf");

        Run run = run(env, "coder", "--task", "code", "--download");

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        Path blob = dir.resolve("hf/models--acme--Tiny-Coder-GGUF/blobs").resolve(sha256(chosen));
        assertThat(blob).hasBinaryContent(chosen);
        Path snapshot = dir.resolve("hf/models--acme--Tiny-Coder-GGUF/snapshots").resolve(FakeHuggingFace.COMMIT)
                .resolve("tiny-coder-Q4_K_M.gguf");
        assertThat(Files.readAllBytes(snapshot)).isEqualTo(chosen);
        assertThat(run.out()).contains("[" + "#".repeat(30) + "] 100.0%")
                .contains("Downloaded and verified (SHA-256 " + sha256(chosen) + ")")
                .contains("LocalLlm.builder().model(Path.of(\"" + snapshot)
                .contains("LocalLlm.builder().model(\"hf://" + TINY + "@" + FakeHuggingFace.COMMIT
                        + "/tiny-coder-Q4_K_M.gguf\").allowDownloads(true).build()");
        // Only the chosen variant came down.
        try (Stream<Path> blobs = Files.list(blob.getParent())) {
            assertThat(blobs.filter(p -> !p.getFileName().toString().startsWith("localllm-"))).containsExactly(blob);
        }

        Run again = run(env, "coder", "--task", "code", "--download");

        assertThat(again.code()).as(again.err() + again.out()).isZero();
        assertThat(again.out()).contains("Already on this machine").doesNotContain("Downloading")
                .contains(snapshot.toString());
    }

    @Test
    void aGatedRepositoryNamedDirectlySaysHowToGetAccessAndOpensWithAToken() {
        startHub();
        Map<String, String> env = env(hub.uri().toString());

        Run refused = run(env, GATED);

        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: ").contains("is gated").contains("HF_TOKEN");

        env.put("HF_TOKEN", TOKEN);
        Run allowed = run(env, GATED, "--download");

        assertThat(allowed.code()).as(allowed.err() + allowed.out()).isZero();
        assertThat(allowed.out()).contains("Planning " + GATED).contains("Chosen: " + GATED + " Q4_K_M")
                .contains("Downloaded and verified");
        assertThat(allowed.out() + allowed.err() + refused.out() + refused.err()).doesNotContain(TOKEN);
    }

    @Test
    void aSplitModelIsPlannedFromEveryShardAndDownloadedWhole() {
        byte[] second = TINY_FILES.get("tiny-coder-Q8_0.gguf");
        hub = FakeHuggingFace.builder().repository(FakeHuggingFace.repository("acme/Split-Coder-GGUF")
                .file("Q4_K_M/split-coder-Q4_K_M-00001-of-00002.gguf", small)
                .file("Q4_K_M/split-coder-Q4_K_M-00002-of-00002.gguf", second)).start();

        Run run = run(env(hub.uri().toString()), "acme/Split-Coder-GGUF", "--download");

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("Chosen: acme/Split-Coder-GGUF Q4_K_M, "
                + CandidateTable.size(small.length + second.length) + " in 2 shards");
        assertThat(hub.requests()).anyMatch(r -> r.path().endsWith("split-coder-Q4_K_M-00002-of-00002.gguf"));
        Path snapshot = dir.resolve("hf/models--acme--Split-Coder-GGUF/snapshots").resolve(FakeHuggingFace.COMMIT)
                .resolve("Q4_K_M");
        assertThat(snapshot.resolve("split-coder-Q4_K_M-00001-of-00002.gguf")).hasBinaryContent(small);
        assertThat(snapshot.resolve("split-coder-Q4_K_M-00002-of-00002.gguf")).hasBinaryContent(second);
        // Engines are given the first shard; llama.cpp finds the others beside it.
        assertThat(run.out()).contains("model(Path.of(\"" + snapshot.resolve("split-coder-Q4_K_M-00001-of-00002.gguf"));
    }

    @Test
    void aVisionModelIsDownloadedWithItsProjector() {
        byte[] projector = TINY_FILES.get("tiny-coder-F16.gguf");
        hub = FakeHuggingFace.builder().repository(FakeHuggingFace.repository("acme/Vision-Coder-GGUF")
                .pipelineTag("image-text-to-text").file("vision-coder-Q4_K_M.gguf", small)
                .file("mmproj-vision-coder-f16.gguf", projector)).start();

        Run run = run(env(hub.uri().toString()), "acme/Vision-Coder-GGUF", "--download");

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        Path snapshot = dir.resolve("hf/models--acme--Vision-Coder-GGUF/snapshots").resolve(FakeHuggingFace.COMMIT);
        assertThat(snapshot.resolve("vision-coder-Q4_K_M.gguf")).hasBinaryContent(small);
        assertThat(snapshot.resolve("mmproj-vision-coder-f16.gguf")).hasBinaryContent(projector);
        assertThat(run.out()).contains("and its projector, to load beside it: "
                + snapshot.resolve("mmproj-vision-coder-f16.gguf"));
    }

    @Test
    void aMissingRepositoryIsAClearError() {
        startHub();

        Run run = run(env(hub.uri().toString()), "nobody/nothing-GGUF");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: ").contains("'nobody/nothing-GGUF' was not found");
    }

    @Test
    void aSearchWithoutResultsSaysWhatToTry() {
        startHub();

        Run run = run(env(hub.uri().toString()), "zebra", "--task", "code");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("Nothing found: no GGUF repository matches \"zebra\" with pipeline tag"
                + " text-generation. Try fewer or other words, or drop --task.");
    }

    @Test
    void offlineItSearchesTheBundledCatalogWithoutTheNetwork() throws IOException {
        Run run = run(env(closedPort()), "coder", "--task", "code", "--offline");

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("Offline: using the bundled model catalog")
                .contains("Searching the bundled model catalog for \"coder\", task code")
                .contains("bartowski/Qwen2.5-Coder-7B-Instruct-GGUF")
                // Chat models of the same family are not coding models.
                .doesNotContain("Qwen/Qwen2.5-1.5B-Instruct-GGUF")
                .contains("Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF")
                .contains("Chosen: Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF Q4_K_M")
                .doesNotContain("cannot be used now");
    }

    @Test
    void offlineTheTaskFiltersTheWholeCatalogBeforeTheLimit() throws IOException {
        // "qwen" matches more chat models than the limit; the coding ones must still be found.
        Run run = run(env(closedPort()), "qwen", "--task", "code", "--offline", "--limit", "2");

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF")
                .contains("bartowski/Qwen2.5-Coder-7B-Instruct-GGUF")
                .doesNotContain("Qwen2.5-Coder-32B").doesNotContain("Qwen/Qwen2.5-0.5B-Instruct-GGUF");
    }

    @Test
    void withoutTheNetworkItSaysSoAndFallsBackToTheCatalogWithoutDownloading() throws IOException {
        Run run = run(env(closedPort()), "coder", "--task", "code", "--download");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("The Hugging Face Hub cannot be used now (no network?)")
                .contains("Offline: using the bundled model catalog")
                .contains("Chosen: Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF")
                .contains("Not downloaded: there is no network");
        assertThat(dir.resolve("hf")).doesNotExist();
    }

    @Test
    void badArgumentsExitWithTwoAndTheUsage() {
        for (String[] args : List.of(new String[0], new String[] {"coder", "--task", "poetry"},
                new String[] {"coder", "--bogus"}, new String[] {"coder", "--limit", "0"})) {
            Run run = run(Map.of(), args);
            assertThat(run.code()).isEqualTo(2);
            assertThat(run.err()).contains("usage: FindModel");
        }
    }

    private static String closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }
}
