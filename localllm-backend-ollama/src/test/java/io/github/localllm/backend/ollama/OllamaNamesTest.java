package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelRef;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OllamaNamesTest {
    private final OllamaBackendProvider provider = new OllamaBackendProvider(n -> null);

    @Test
    void namesAreUsedAsTheyAre() {
        assertThat(OllamaNames.of(ModelRef.name("qwen2.5:7b"))).contains("qwen2.5:7b");
        assertThat(OllamaNames.of(ModelRef.parse("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:IQ3_M")))
                .contains("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:IQ3_M");
        assertThat(provider.accepts(ModelRef.name("llama3.2"))).isTrue();
    }

    @Test
    void aHubFileBecomesTheTagOllamaPullsItBy() {
        assertThat(OllamaNames.of(ModelRef.hub("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf")))
                .contains("hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M");
        assertThat(OllamaNames.of(ModelRef.hub("bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-IQ3_XXS.gguf")))
                .contains("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:IQ3_XXS");
        assertThat(OllamaNames.of(ModelRef.hub("ggml-org/gemma-3-1b-it-GGUF", "gemma-3-1b-it-Q8_0.gguf")))
                .contains("hf.co/ggml-org/gemma-3-1b-it-GGUF:Q8_0");
        assertThat(OllamaNames.of(ModelRef.hub("owner/model-GGUF", "model.BF16.gguf"))).contains("hf.co/owner/model-GGUF:BF16");
        assertThat(OllamaNames.of(ModelRef.parse("hf://ggml-org/gemma-3-1b-it-GGUF/gemma-3-1b-it-f16.gguf")))
                .contains("hf.co/ggml-org/gemma-3-1b-it-GGUF:F16");
        assertThat(provider.accepts(ModelRef.hub("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf")))
                .isTrue();
    }

    @Test
    void hubFilesOllamaCannotNameAreNotAcceptedAndSayWhatToPass() {
        ModelRef noQuant = ModelRef.hub("owner/model-GGUF", "model.gguf");
        ModelRef split = ModelRef.hub("owner/big-GGUF", "big-Q4_K_M-00001-of-00003.gguf");
        ModelRef folder = ModelRef.hub("owner/big-GGUF", "Q4_K_M/big-Q4_K_M.gguf");
        ModelRef revision = ModelRef.hub("owner/model-GGUF", "model-Q4_K_M.gguf", "v2");
        for (ModelRef ref : new ModelRef[] {noQuant, split, folder, revision}) {
            assertThat(provider.accepts(ref)).as(ref.text()).isFalse();
            assertThatThrownBy(() -> OllamaNames.require(ref)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("hf.co/" + ((ModelRef.Hub) ref).repository() + ":");
        }
        assertThatThrownBy(() -> OllamaNames.require(revision)).hasMessageContaining("revision v2");
    }

    @Test
    void filesAndAddressesAreForOtherEngines() {
        ModelRef file = ModelRef.file(Path.of("/models/qwen.gguf"));
        ModelRef url = ModelRef.url(URI.create("https://example.com/qwen.gguf"));

        assertThat(provider.accepts(file)).isFalse();
        assertThat(provider.accepts(url)).isFalse();
        assertThatThrownBy(() -> OllamaNames.require(file)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("ollama create").hasMessageContaining("llama.cpp engine");
        assertThatThrownBy(() -> OllamaNames.require(url)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("by name");
    }

    @Test
    void anUntaggedNameMeansLatestButARegistryPortIsNotATag() {
        assertThat(OllamaBackend.canonical("llama3.2")).isEqualTo("llama3.2:latest");
        assertThat(OllamaBackend.canonical("llama3.2:1b")).isEqualTo("llama3.2:1b");
        assertThat(OllamaBackend.canonical("registry.local:5000/team/model")).isEqualTo("registry.local:5000/team/model:latest");
    }
}
