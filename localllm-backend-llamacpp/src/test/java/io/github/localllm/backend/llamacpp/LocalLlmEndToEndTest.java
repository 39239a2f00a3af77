package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.LocalLlm;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigSource;
import io.github.localllm.event.GenerationCompleted;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.ModelLoaded;
import io.github.localllm.event.ModelUnloaded;
import io.github.localllm.spi.InferenceBackendProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade finds this engine through ServiceLoader and runs a model with layered configuration. */
class LocalLlmEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void theFacadeFindsTheEngineAndAppliesConfiguration() {
        assertThat(LocalLlm.providers()).extracting(InferenceBackendProvider::id).contains("llamacpp");
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        ConfigEnvironment env = new ConfigEnvironment(Map.of("localllm.threads", "1"),
                Map.of("LOCALLLM_CONTEXT_SIZE", "192"), dir, dir.resolve("user.json"));
        try (LocalLlm llm = LocalLlm.builder().model(TestModels.tiny()).parallel(2).environment(env)
                .listener(events::add).build()) {
            assertThat(llm.backend().info().id()).isEqualTo("llamacpp");
            assertThat(llm.model().info().options().threads()).isEqualTo(1);
            assertThat(llm.model().info().options().contextSize()).isEqualTo(192);
            assertThat(llm.model().info().options().engineOptions(LlamaCppOptions.class).orElseThrow().parallel())
                    .isEqualTo(2);
            assertThat(llm.config().value("context.size").orElseThrow().source()).isEqualTo(ConfigSource.ENVIRONMENT);
            assertThat(llm.config().describe()).contains("threads = 1").contains("localllm.threads")
                    .contains("LOCALLLM_CONTEXT_SIZE");
            assertThat(llm.generate("Hello").text()).isNotNull();
        }
        assertThat(events).hasAtLeastOneElementOfType(ModelLoaded.class)
                .hasAtLeastOneElementOfType(GenerationCompleted.class)
                .hasAtLeastOneElementOfType(ModelUnloaded.class);
    }
}
