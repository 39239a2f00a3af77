package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.spi.DownloadPlan;
import io.github.localllm.spi.ModelResolver;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The download rule of the front door: Hub files resolved to files, downloaded only with permission. */
class ModelResolutionTest {
    private static final ModelRef HUB = ModelRef.hub("acme/Tiny-GGUF", "tiny-Q4_K_M.gguf");
    private static final String SHA = "ab".repeat(32);

    private static LocalLlmConfig config(Map<String, String> values) {
        return LocalLlmConfig.load(values, Map.of(), new ConfigEnvironment(Map.of(), Map.of(), Path.of("/nonexistent"),
                Path.of("/nonexistent/config.json")));
    }

    private static Optional<ModelResolution.Resolved> resolve(ModelRef ref, Map<String, String> values,
                                                              ModelResolver resolver) {
        return ModelResolution.resolve(ref, config(values), List.of(new EngineChoiceTest.Provider("files", 100, true,
                true, Duration.ZERO)), List.of(resolver), e -> { });
    }

    @Test
    void filesAndNamesAreLeftAlone() {
        Resolver resolver = new Resolver();
        assertThat(resolve(ModelRef.file(Path.of("m.gguf")), Map.of(), resolver)).isEmpty();
        assertThat(resolve(ModelRef.name("qwen2.5:7b"), Map.of(), resolver)).isEmpty();
        assertThat(resolver.calls).isEmpty();
    }

    @Test
    void withoutAResolverTheReferenceGoesToTheEnginesUnchanged() {
        assertThat(ModelResolution.resolve(HUB, config(Map.of()), List.of(), List.of(), e -> { })).isEmpty();
    }

    @Test
    void anEngineNamedByTheUserThatTakesHubFilesGetsThemUnchanged() {
        Resolver resolver = new Resolver();
        EngineChoiceTest.Provider ollama = new EngineChoiceTest.Provider("ollama", 10, false, true, Duration.ZERO);

        assertThat(ModelResolution.resolve(HUB, config(Map.of(ConfigKeys.BACKEND, "ollama")), List.of(ollama),
                List.of(resolver), e -> { })).isEmpty();
        assertThat(resolver.calls).isEmpty();
    }

    @Test
    void aModelAlreadyHereIsUsedWithoutPermissionOrNetwork() {
        Resolver resolver = new Resolver();
        resolver.here = Path.of("/cache/tiny.gguf");

        assertThat(resolve(HUB, Map.of(), resolver)).map(ModelResolution.Resolved::file).contains(resolver.here);
        assertThat(resolver.calls).containsExactly("find");
    }

    @Test
    void withoutPermissionTheErrorSaysWhatHowBigWhereAndHowToAllow() {
        Resolver resolver = new Resolver();

        assertThatThrownBy(() -> resolve(HUB, Map.of(ConfigKeys.MODEL_SHA256, SHA), resolver))
                .isInstanceOf(DownloadNotAllowedException.class)
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining(HUB.text())
                .hasMessageContaining("491.4 MB")
                .hasMessageContaining("https://hub.example/acme/Tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf")
                .hasMessageContaining("SHA-256 " + SHA)
                .hasMessageContaining("/cache/hub")
                .hasMessageContaining("allowDownloads(true)")
                .hasMessageContaining("LOCALLLM_MODELS_DOWNLOAD=true");
        assertThat(resolver.calls).containsExactly("find", "plan");
    }

    @Test
    void explicitlyRefusedDownloadsAreRefused() {
        assertThatThrownBy(() -> resolve(HUB, Map.of(ConfigKeys.MODELS_DOWNLOAD, "false"), new Resolver()))
                .isInstanceOf(DownloadNotAllowedException.class);
    }

    @Test
    void offlineWithoutPermissionSaysTheSizeIsUnknownAndWhy() {
        Resolver resolver = new Resolver();
        resolver.offline = true;

        assertThatThrownBy(() -> resolve(HUB, Map.of(), resolver)).isInstanceOf(DownloadNotAllowedException.class)
                .hasMessageContaining("size is unknown").hasMessageContaining("connection refused")
                .hasMessageContaining("allowDownloads(true)");
    }

    @Test
    void offlineWithPermissionIsTheDownloadFailure() {
        Resolver resolver = new Resolver();
        resolver.offline = true;

        assertThatThrownBy(() -> resolve(HUB, Map.of(ConfigKeys.MODELS_DOWNLOAD, "true"), resolver))
                .isInstanceOf(ModelDownloadException.class).isNotInstanceOf(DownloadNotAllowedException.class);
    }

    @Test
    void withPermissionItDownloadsCheckedAgainstTheConfiguredHashAndReportsProgress() {
        Resolver resolver = new Resolver();
        List<LocalLlmEvent> events = new ArrayList<>();

        Optional<ModelResolution.Resolved> r = ModelResolution.resolve(HUB, config(Map.of(ConfigKeys.MODELS_DOWNLOAD,
                "true", ConfigKeys.MODEL_SHA256, SHA.toUpperCase())), List.of(), List.of(resolver), events::add);

        assertThat(r).map(ModelResolution.Resolved::file).contains(Path.of("/cache/hub/tiny.gguf"));
        assertThat(r.get().how()).isEqualTo("downloaded from hub.example");
        assertThat(resolver.downloaded.sha256()).contains(SHA);
        assertThat(events).hasSize(1);
    }

    @Test
    void theResolvedFileReplacesTheReferenceAndDescribeKeepsBoth() {
        LocalLlmConfig config = config(Map.of(ConfigKeys.MODEL, HUB.text()))
                .withResolvedModel(Path.of("/cache/tiny.gguf"), "downloaded from hub.example");

        assertThat(config.get(ConfigKeys.MODEL)).contains(Path.of("/cache/tiny.gguf").toString());
        assertThat(config.describe()).contains(HUB.text() + ", downloaded from hub.example");
    }

    @Test
    void aPlanRejectsAMalformedHash() {
        assertThatThrownBy(() -> new DownloadPlan(HUB, URI.create("https://x/y"), OptionalLong.empty(),
                Optional.of("abc"), Path.of("/d"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new DownloadPlan(HUB, URI.create("https://x/y"), OptionalLong.of(2_480_000_000L), Optional.empty(),
                Path.of("/d")).sizeText()).isEqualTo("2.48 GB");
    }

    /** A resolver that records what it was asked. */
    static final class Resolver implements ModelResolver {
        final List<String> calls = new ArrayList<>();
        Path here;
        boolean offline;
        DownloadPlan downloaded;

        @Override
        public boolean accepts(ModelRef model) {
            return model instanceof ModelRef.Hub;
        }

        @Override
        public Optional<Path> find(ModelRef model, LocalLlmConfig config) {
            calls.add("find");
            return Optional.ofNullable(here);
        }

        @Override
        public DownloadPlan plan(ModelRef model, LocalLlmConfig config) {
            calls.add("plan");
            if (offline) {
                throw new ModelDownloadException("cannot reach hub.example (connection refused)");
            }
            return new DownloadPlan(model, URI.create("https://hub.example/acme/Tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf"),
                    OptionalLong.of(491_400_032L), Optional.empty(), Path.of("/cache/hub"));
        }

        @Override
        public Path download(DownloadPlan plan, LocalLlmConfig config, LocalLlmEventListener listener) {
            calls.add("download");
            downloaded = plan;
            listener.onEvent(new io.github.localllm.event.ModelDownloadProgress(Instant.EPOCH, plan.model().text(), "done",
                    1, 1, 0, Optional.empty()));
            return Path.of("/cache/hub/tiny.gguf");
        }
    }
}
