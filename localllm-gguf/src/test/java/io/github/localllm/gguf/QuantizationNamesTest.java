package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuantizationNamesTest {

    @Test
    void quantizationsAreReadFromFileNamesAndTags() {
        assertThat(QuantizationNames.of("qwen2.5-0.5b-instruct-q4_k_m.gguf")).contains("Q4_K_M");
        assertThat(QuantizationNames.of("Llama-3.2-1B-Instruct-Q8_0.gguf")).contains("Q8_0");
        assertThat(QuantizationNames.of("model-IQ2_XXS.gguf")).contains("IQ2_XXS");
        assertThat(QuantizationNames.of("gpt-oss-20b-MXFP4.gguf")).contains("MXFP4");
        assertThat(QuantizationNames.of("x-BF16-00001-of-00002.gguf")).contains("BF16");
        assertThat(QuantizationNames.of("Qwen2.5-7B-Instruct-Q4_K_M-00001-of-00002.gguf")).contains("Q4_K_M");
        assertThat(QuantizationNames.of("model.F16.gguf")).contains("F16");
        assertThat(QuantizationNames.of("mmproj-model-f16.gguf")).contains("F16");
        assertThat(QuantizationNames.of("q8_0")).contains("Q8_0");
        assertThat(QuantizationNames.of("qwen2.5-coder.gguf")).isEmpty();
    }
}
