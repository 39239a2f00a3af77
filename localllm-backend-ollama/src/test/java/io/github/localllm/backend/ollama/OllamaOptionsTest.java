package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OllamaOptionsTest {

    @Test
    void configurationKeysFillTheOptions() {
        OllamaOptions o = OllamaOptions.from(Engines.config("batch.size", "256", "mmap", "false", "ollama.num.keep", "24",
                "ollama.main.gpu", "1", "ollama.typical.p", "0.95", "ollama.draft.num.predict", "6", "ollama.pull", "true",
                "ollama.unload.on.close", "if-loaded-here"));

        assertThat(o).isEqualTo(new OllamaOptions(24, 256, 1, false, 0.95, 6, true,
                OllamaOptions.UnloadOnClose.IF_LOADED_HERE, Map.of()));
        assertThat(o.engine()).isEqualTo("ollama");
        assertThat(OllamaOptions.from(Engines.config("ollama.unload.on.close", "ALWAYS")).unloadOnClose())
                .isEqualTo(OllamaOptions.UnloadOnClose.ALWAYS);
    }

    @Test
    void malformedConfigurationNamesTheKeyAndWhereItCameFrom() {
        assertThatThrownBy(() -> OllamaOptions.from(Engines.config("ollama.unload.on.close", "sometimes")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ollama.unload.on.close")
                .hasMessageContaining("never, if-loaded-here or always").hasMessageContaining("builder");
        assertThatThrownBy(() -> OllamaOptions.from(Engines.config("ollama.typical.p", "high")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ollama.typical.p");
        assertThatThrownBy(() -> OllamaOptions.from(Engines.config("batch.size", "many")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("batch.size");
    }

    @Test
    void optionsInTheRequestWinAndExtrasOfBothAreKept() {
        OllamaOptions request = OllamaOptions.builder().numBatch(128).extraOption("numa", true).build();
        OllamaOptions config = OllamaOptions.builder().numBatch(512).numKeep(4).extraOption("numa", false)
                .extraOption("low_vram", true).build();

        OllamaOptions merged = request.orElse(config);

        assertThat(merged.numBatch()).isEqualTo(128);
        assertThat(merged.numKeep()).isEqualTo(4);
        assertThat(merged.extraOptions()).containsExactly(Map.entry("numa", true), Map.entry("low_vram", true));
        assertThat(merged.wireOptions()).containsExactly(Map.entry("numa", true), Map.entry("low_vram", true),
                Map.entry("num_keep", 4), Map.entry("num_batch", 128));
    }

    @Test
    void valuesTheServerCannotUseAreRefused() {
        assertThatThrownBy(() -> OllamaOptions.builder().numBatch(0).build()).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("numBatch");
        assertThatThrownBy(() -> OllamaOptions.builder().numKeep(-2).build()).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("numKeep");
        assertThatThrownBy(() -> OllamaOptions.builder().typicalP(1.5).build()).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("typicalP");
        assertThatThrownBy(() -> OllamaOptions.builder().mainGpu(-1).build()).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("mainGpu");
    }

    @Test
    void extrasMayNotReplaceThePortableSettingsNorCarryObjects() {
        assertThatThrownBy(() -> OllamaOptions.builder().extraOption("num_ctx", 8192).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("LoadOptions.contextSize");
        assertThatThrownBy(() -> OllamaOptions.builder().extraOption("temperature", 0.1).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("SamplingParameters");
        assertThatThrownBy(() -> OllamaOptions.builder().extraOption("Bad Name", 1).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not an Ollama option name");
        assertThatThrownBy(() -> OllamaOptions.builder().extraOption("weird", new Object()).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("weird");
        assertThat(OllamaOptions.builder().extraOption("stop_words", List.of("a", "b")).build().extraOptions())
                .containsEntry("stop_words", List.of("a", "b"));
    }
}
