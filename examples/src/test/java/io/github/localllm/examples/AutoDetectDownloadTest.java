package io.github.localllm.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.DownloadNotAllowedException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.LocalLlm;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.testkit.FakeHub;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code autoDetect()} with no model: the catalog's choice, downloaded only with permission. */
class AutoDetectDownloadTest {

    private static ConfigEnvironment environment(Path dir, TinyHubModel tiny, FakeHub hub) {
        Map<String, String> env = Map.of("LOCALLLM_CATALOG", tiny.catalog.toString(),
                "LOCALLLM_HF_ENDPOINT", hub.uri().toString(), "LOCALLLM_HF_CACHE", dir.resolve("hf").toString(),
                "LOCALLLM_STORE_HOME", dir.resolve("home").toString(), "LOCALLLM_MODELS_DIR",
                dir.resolve("models").toString());
        return new ConfigEnvironment(Map.of(), env, dir.resolve("work"), dir.resolve("user/config.json"));
    }

    @Test
    void withoutPermissionItSaysWhatWouldBeDownloadedAndHowToAllowIt(@TempDir Path dir) {
        TinyHubModel tiny = TinyHubModel.write(dir);
        try (FakeHub hub = FakeHub.builder().file(TinyHubModel.REPO, TinyHubModel.FILE, tiny.bytes).start()) {
            assertThatThrownBy(() -> LocalLlm.builder().environment(environment(dir, tiny, hub)).autoDetect().build())
                    .isInstanceOf(DownloadNotAllowedException.class)
                    .hasMessageContaining(TinyHubModel.PINNED)
                    .hasMessageContaining("SHA-256 " + tiny.sha256)
                    .hasMessageContaining(dir.resolve("hf").toString())
                    .hasMessageContaining("allowDownloads(true)");
            assertThat(hub.cdn().requests()).isEmpty();
        }
    }

    @Test
    @Timeout(120)
    void withPermissionItDownloadsPlansAndLoadsTheCatalogsChoice(@TempDir Path dir) {
        TinyHubModel tiny = TinyHubModel.write(dir);
        try (FakeHub hub = FakeHub.builder().file(TinyHubModel.REPO, TinyHubModel.FILE, tiny.bytes).start();
             LocalLlm llm = LocalLlm.builder().environment(environment(dir, tiny, hub)).autoDetect()
                     .allowDownloads(true).build()) {
            assertThat(llm.generate(GenerationRequest.builder().prompt("Hello").maxTokens(4).temperature(0).build())
                    .text()).isNotNull();
            assertThat(llm.config().value(ConfigKeys.MODEL).orElseThrow().origin())
                    .contains("hf://" + TinyHubModel.REPO).contains("downloaded from 127.0.0.1");
            assertThat(llm.config().value(ConfigKeys.CONTEXT_SIZE).orElseThrow().source().name())
                    .isEqualTo("AUTO_DETECTED");
            assertThat(llm.config().get(ConfigKeys.MODEL_SHA256)).contains(tiny.sha256);
        }
    }
}
