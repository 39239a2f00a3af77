package io.github.localllm.registry.hf;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.RepoFile;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GgufNamesTest {

    @ParameterizedTest
    @CsvSource({
            "qwen2.5-0.5b-instruct-q4_k_m.gguf, Q4_K_M",
            "gemma-3-1b-it-Q8_0.gguf, Q8_0",
            "gemma-3-1b-it-f16.gguf, F16",
            "Llama-3.2-1B-Instruct-BF16.gguf, BF16",
            "Qwen3.8-27B-Abliterated.Q3_K_M.gguf, Q3_K_M",
            "Meta-Llama-3.1-8B-Instruct-IQ2_XXS.gguf, IQ2_XXS",
            "model-IQ4_NL.gguf, IQ4_NL",
            "model-IQ3_M.gguf, IQ3_M",
            "gpt-oss-20b-mxfp4.gguf, MXFP4",
            "Qwen3-30B-A3B-UD-Q4_K_XL.gguf, UD-Q4_K_XL",
            "Q4_K_M/Qwen3-235B-A22B-Q4_K_M-00002-of-00003.gguf, Q4_K_M",
            "phi-2.Q2_K.gguf, Q2_K",
            "tinyllama-1.1b-chat-v1.0.Q5_K_S.gguf, Q5_K_S",
            "mistral-7b-v0.1.Q6_K.gguf, Q6_K",
            "model-q4_0.gguf, Q4_0",
            "model-Q4_1.gguf, Q4_1",
            "model-fp16.gguf, F16",
            "model-F32.gguf, F32",
            "bitnet-TQ1_0.gguf, TQ1_0",
            "stories260K-q8_0.gguf, Q8_0",
    })
    void readsTheQuantizationFromTheName(String name, String quantization) {
        assertThat(GgufNames.quantization(name)).hasValue(quantization);
    }

    /**
     * Every type {@code llama-quantize --help} of llama.cpp b10470 lists (and its output type names F16, BF16,
     * F32), written as the publishers do: upper case after a dash, and lower case after a dot.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Q1_0", "Q2_0", "Q4_0", "Q4_1", "MXFP4_MOE", "Q5_0", "Q5_1", "IQ2_XXS", "IQ2_XS", "IQ2_S",
            "IQ2_M", "IQ1_S", "IQ1_M", "TQ1_0", "TQ2_0", "Q2_K", "Q2_K_S", "IQ3_XXS", "IQ3_S", "IQ3_M", "Q3_K", "IQ3_XS",
            "Q3_K_S", "Q3_K_M", "Q3_K_L", "IQ4_NL", "IQ4_XS", "Q4_K", "Q4_K_S", "Q4_K_M", "Q5_K", "Q5_K_S", "Q5_K_M",
            "Q6_K", "Q8_0", "F16", "BF16", "F32", "MXFP4"})
    void readsEveryTypeLlamaQuantizeMakes(String type) {
        assertThat(GgufNames.quantization("Llama-3.2-1B-Instruct-" + type + ".gguf")).as(type).hasValue(type);
        assertThat(GgufNames.quantization("llama-3.2-1b-instruct." + type.toLowerCase(java.util.Locale.ROOT) + ".gguf"))
                .as(type).hasValue(type);
        assertThat(GgufNames.quantization(type + "/Llama-3.2-1B-Instruct-" + type + "-00001-of-00002.gguf")).as(type)
                .hasValue(type);
    }

    @Test
    void aNameWithoutAQuantizationSaysNothing() {
        assertThat(GgufNames.quantization("model.gguf")).isEmpty();
        assertThat(GgufNames.quantization("q4km-notes.gguf")).isEmpty();
        // A model named after a quantization-like word keeps only the real one.
        assertThat(GgufNames.quantization("Q8-chat-Q4_K_M.gguf")).hasValue("Q4_K_M");
    }

    @Test
    void splitShardsAreOneVariantInOrderAndAnIncompleteSplitIsLeftOut() {
        List<RepoFile> files = List.of(
                file("Q4_K_M/big-Q4_K_M-00002-of-00003.gguf", 300),
                file("Q4_K_M/big-Q4_K_M-00001-of-00003.gguf", 100),
                file("Q4_K_M/big-Q4_K_M-00003-of-00003.gguf", 200),
                file("Q8_0/big-Q8_0-00001-of-00002.gguf", 500),
                file("big-F16.gguf", 2000),
                file("README.md", 5));
        List<GgufVariant> variants = GgufNames.variants("acme/big-GGUF", "c0ffee", files);
        assertThat(variants).extracting(GgufVariant::label).containsExactly("Q4_K_M", "F16");
        GgufVariant split = variants.get(0);
        assertThat(split.sharded()).isTrue();
        assertThat(split.size()).isEqualTo(600);
        assertThat(split.files()).extracting(RepoFile::path).containsExactly(
                "Q4_K_M/big-Q4_K_M-00001-of-00003.gguf", "Q4_K_M/big-Q4_K_M-00002-of-00003.gguf",
                "Q4_K_M/big-Q4_K_M-00003-of-00003.gguf");
        assertThat(split.ref().file()).isEqualTo("Q4_K_M/big-Q4_K_M-00001-of-00003.gguf");
        assertThat(split.ref().revision()).isEqualTo("c0ffee");
    }

    @Test
    void projectorsAreNotVariantsButGoWithEachModel() {
        List<RepoFile> files = List.of(file("gemma-3-12b-it-Q4_K_M.gguf", 7000), file("gemma-3-12b-it-Q8_0.gguf", 12000),
                file("mmproj-model-f16.gguf", 800), file("mmproj-model-Q8_0.gguf", 500));
        List<GgufVariant> variants = GgufNames.variants("ggml-org/gemma-3-12b-it-GGUF", "abc", files);
        assertThat(variants).extracting(GgufVariant::label).containsExactly("Q4_K_M", "Q8_0");
        // Its own quantization's projector when there is one, else the full-precision one.
        assertThat(variants.get(0).projector().map(RepoFile::path)).hasValue("mmproj-model-f16.gguf");
        assertThat(variants.get(1).projector().map(RepoFile::path)).hasValue("mmproj-model-Q8_0.gguf");
        assertThat(GgufNames.projectors(files)).hasSize(2);
        assertThat(GgufNames.variants("a/b", "c", List.of(file("x-Q4_0.gguf", 1))).get(0).projector()).isEmpty();
    }

    private static RepoFile file(String path, long size) {
        return new RepoFile(path, size, Optional.empty());
    }
}
