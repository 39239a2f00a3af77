package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.ModelRef;
import io.github.localllm.spi.EngineCapabilities;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the provider tells planners and routers without loading the native library. */
class ProviderCapabilitiesTest {
    private final LlamaCppBackendProvider provider = new LlamaCppBackendProvider();

    @Test
    void reportsTheArchitecturesOfB4916() {
        EngineCapabilities c = provider.capabilities();

        assertThat(c.architectures()).hasSize(60).contains("llama", "qwen2", "gemma3", "phi3", "nomic-bert")
                .isEqualTo(EngineLimits.ARCHITECTURES);
        assertThat(c.runs("llama")).isTrue();
        assertThat(c.runs("qwen3")).as("March 2025 predates qwen3").isFalse();
        assertThat(c.runs("gemma3n")).isFalse();
    }

    @Test
    void reportsACpuBuildNeedingAvx2WithMetalOnlyAndFullContextWindowCaches() {
        EngineCapabilities c = provider.capabilities();

        assertThat(c.gpuBackends()).isEqualTo(Set.of("metal"));
        assertThat(c.requiredCpuFeatures()).isEqualTo(Set.of("avx2"));
        assertThat(c.windowedAttentionCache()).isFalse();
        assertThat(c.grammarDialect()).isEqualTo("llama.cpp b4916");
        assertThat(c.embeddings()).isTrue();
    }

    @Test
    void acceptsFilesOnly() {
        assertThat(provider.accepts(new ModelRef.File(Path.of("model.gguf")))).isTrue();
        assertThat(provider.accepts(ModelRef.parse("qwen2.5:7b"))).isFalse();
    }
}
