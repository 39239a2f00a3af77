package io.github.localllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.testkit.FakeHub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job without the network: the quick start picks the catalog's small chat model,
 * downloads it from a fake Hub with a progress bar, verifies and caches it, and runs from the cache
 * the next time; with the Hub unreachable it says so and runs a labelled synthetic model.
 */
class QuickStartDownloadTest {

    record Run(int code, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QuickStart.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> env(Path dir, TinyHubModel tiny, String endpoint) {
        Map<String, String> env = new HashMap<>();
        env.put("LOCALLLM_CATALOG", tiny.catalog.toString());
        env.put("LOCALLLM_HF_ENDPOINT", endpoint);
        env.put("LOCALLLM_HF_CACHE", dir.resolve("hf").toString());
        env.put("LOCALLLM_STORE_HOME", dir.resolve("home").toString());
        env.put("LOCALLLM_MODELS_DIR", dir.resolve("models").toString());
        return env;
    }

    @Test
    @Timeout(120)
    void downloadsTheSmallModelOnceWithAProgressBarThenRunsFromTheCache(@TempDir Path dir) {
        TinyHubModel tiny = TinyHubModel.write(dir);
        Map<String, String> env;
        Run first;
        try (FakeHub hub = FakeHub.builder().file(TinyHubModel.REPO, TinyHubModel.FILE, tiny.bytes).start()) {
            env = env(dir, tiny, hub.uri().toString());
            first = run(env);
            assertThat(hub.requests()).isNotEmpty();
        }

        assertThat(first.code()).as(first.err() + first.out()).isZero();
        assertThat(first.out()).contains("the catalog's best small chat model is Tiny Chat Q8_0")
                .contains(TinyHubModel.PINNED)
                .contains("[" + "#".repeat(30) + "] 100.0%")
                .contains("done")
                .contains("   > ")
                .contains("downloaded from 127.0.0.1")
                .doesNotContain("SYNTHETIC");
        assertThat(dir.resolve("hf/models--acme--Tiny-Chat-GGUF/blobs").resolve(tiny.sha256)).hasBinaryContent(tiny.bytes);

        Run second = run(env);

        assertThat(second.code()).as(second.err() + second.out()).isZero();
        assertThat(second.out()).contains("found on this machine").doesNotContain("downloading")
                .doesNotContain("Could not download").doesNotContain("SYNTHETIC");
    }

    @Test
    @Timeout(120)
    void withoutTheNetworkItSaysSoAndRunsALabelledSyntheticModel(@TempDir Path dir) throws Exception {
        TinyHubModel tiny = TinyHubModel.write(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        Run run = run(env(dir, tiny, "http://127.0.0.1:" + port));

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("Could not download it: cannot reach")
                .contains("SYNTHETIC MODEL (the model could not be downloaded (no network?)")
                .contains("RANDOM").contains("   > ");
    }

    @Test
    void anHfReferenceAsModelIsDownloadedToo(@TempDir Path dir) {
        TinyHubModel tiny = TinyHubModel.write(dir);
        try (FakeHub hub = FakeHub.builder().file(TinyHubModel.REPO, TinyHubModel.FILE, tiny.bytes).start()) {
            Run run = run(env(dir, tiny, hub.uri().toString()), "--model",
                    "hf://" + TinyHubModel.REPO + "/" + TinyHubModel.FILE);

            assertThat(run.code()).as(run.err() + run.out()).isZero();
            assertThat(run.out()).contains("100.0%").doesNotContain("catalog's best").doesNotContain("SYNTHETIC");
        }
    }

    @Test
    void aModelThatDoesNotExistIsAnErrorNotAFallback(@TempDir Path dir) {
        TinyHubModel tiny = TinyHubModel.write(dir);
        try (FakeHub hub = FakeHub.builder().file(TinyHubModel.REPO, TinyHubModel.FILE, tiny.bytes).start()) {
            Run run = run(env(dir, tiny, hub.uri().toString()), "--model", "hf://" + TinyHubModel.REPO + "/nope.gguf");

            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err()).startsWith("error: ").contains("nope.gguf");
            assertThat(run.out()).doesNotContain("SYNTHETIC");
        }
    }
}
