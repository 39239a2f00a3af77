package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.gguf.LlamaCppArchitectures;
import io.github.localllm.gguf.LlamaCppBuild;
import io.github.localllm.hardware.InferenceEngine;
import io.github.localllm.spi.EngineHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine reports the architectures of the build its binary's {@code --version} names, and plans for that build. */
class ArchitecturesTest {
    @TempDir
    Path dir;

    private LlamaServerBackendProvider provider() {
        return new LlamaServerBackendProvider(name -> null);
    }

    private LlamaServerBackend backendOn(Path binary) {
        return (LlamaServerBackend) provider().create(TestEngines.config(dir, LlamaServerBackendProvider.PATH_KEY,
                binary.toString()));
    }

    @Test
    void beforeABinaryIsFoundTheProviderReportsTheBuildItInstalls() {
        assertThat(provider().capabilities().architectures()).isEqualTo(LlamaCppArchitectures.B10470)
                .contains("qwen3", "gemma3n", "gpt-oss", "smollm3");
    }

    @Test
    void theRealBinaryReportsItsBuildsArchitecturesAndKnowsEveryOneOfThem() throws IOException {
        Path binary = TestEngines.binary();
        LlamaServerBackend backend = backendOn(binary);
        assertThat(backend.info().version()).startsWith("b10470");
        assertThat(backend.info().capabilities().architectures()).isEqualTo(LlamaCppArchitectures.B10470);

        // Each name is compiled into the binary as a C string (or the tail of a longer one the linker merged it
        // into): a name the build does not have would be missing.
        String bytes = new String(Files.readAllBytes(binary), StandardCharsets.ISO_8859_1);
        assertThat(LlamaCppArchitectures.B10470).allSatisfy(name ->
                assertThat(bytes.contains(name + "\0")).as("'%s' in %s", name, binary).isTrue());
        assertThat(bytes.contains("\0qwen-3\0")).as("a name no build has").isFalse();
    }

    @Test
    void anOlderSupportedBuildReportsWhatItIsKnownToLoadAndANewerOneAtLeastTheNewestList() {
        LlamaServerBackend older = backendOn(TestEngines.fakeServer(dir.resolve("old/llama-server"), 8000, "exit 0"));
        assertThat(older.info().capabilities().architectures()).isEqualTo(LlamaCppArchitectures.B4916);

        LlamaServerBackend newer = backendOn(TestEngines.fakeServer(dir.resolve("new/llama-server"), 12000, "exit 0"));
        assertThat(newer.info().capabilities().architectures()).isEqualTo(LlamaCppArchitectures.B10470);
    }

    @Test
    void aBuildOlderThanTheMinimumIsReportedNotUsed() {
        Path old = TestEngines.fakeServer(dir.resolve("ancient/llama-server"), 4916, "exit 0");

        assertThatThrownBy(() -> backendOn(old)).isInstanceOf(LlamaServerBinaryException.class)
                .hasMessageContaining("b4916").hasMessageContaining("older than b" + LlamaServerBackendProvider.MINIMUM_BUILD);
        EngineHealth health = provider().probe(TestEngines.config(dir, LlamaServerBackendProvider.PATH_KEY,
                old.toString()), Duration.ofSeconds(10));
        assertThat(health.up()).isFalse();
        assertThat(health.detail()).contains("older than b" + LlamaServerBackendProvider.MINIMUM_BUILD);
    }

    @Test
    void thePlannerLearnsTheBuildFromTheBinarysVersion() {
        LlamaServerBackendProvider provider = provider();
        for (Map.Entry<Integer, Boolean> build : Map.of(8000, false, 10470, true, 12000, true).entrySet()) {
            Path binary = TestEngines.fakeServer(dir.resolve("b" + build.getKey() + "/llama-server"), build.getKey(),
                    "exit 0");
            EngineHealth health = provider.probe(TestEngines.config(dir, LlamaServerBackendProvider.PATH_KEY,
                    binary.toString()), Duration.ofSeconds(10));

            InferenceEngine engine = InferenceEngine.of(provider, health);

            assertThat(engine.build()).isEqualTo(LlamaCppBuild.of(build.getKey()));
            assertThat(engine.supports("qwen3")).as("b%d runs qwen3", build.getKey()).isEqualTo(build.getValue());
            assertThat(engine.supports("llama")).isTrue();
        }
    }

    @Test
    void theMinimumBuildIsWhereMemoryIsPlannedAsTheTestedBuildBehaves() {
        assertThat(LlamaServerBackendProvider.MINIMUM_BUILD).isEqualTo(LlamaCppBuild.CURRENT_FROM);
        assertThat(LlamaCppBuild.of(LlamaServerBackendProvider.MINIMUM_BUILD).current()).isTrue();
        assertThat(List.copyOf(LlamaCppArchitectures.knownBuilds())).last().isEqualTo(
                LlamaCppBuild.of(LlamaServerInstaller.BUILD));
    }
}
