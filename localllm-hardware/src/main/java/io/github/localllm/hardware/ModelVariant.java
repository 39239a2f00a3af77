package io.github.localllm.hardware;

import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.MemoryModel;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One quantization of a model, for {@link FitPlanner#chooseVariant}.
 *
 * @param quantization the quantization name, e.g. {@code Q4_K_M}
 * @param model its memory model
 */
public record ModelVariant(String quantization, MemoryModel model) {
    /** From lowest to highest quality; llama.cpp's perplexity measurements order them so. */
    private static final List<String> QUALITY = List.of("IQ1_S", "IQ1_M", "TQ1_0", "TQ2_0", "IQ2_XXS", "IQ2_XS",
            "IQ2_S", "IQ2_M", "Q2_K_S", "Q2_K", "IQ3_XXS", "IQ3_XS", "IQ3_S", "Q3_K_S", "IQ3_M", "Q3_K_M", "Q3_K_L",
            "IQ4_XS", "IQ4_NL", "Q4_0", "Q4_1", "Q4_K_S", "Q4_K_M", "Q5_0", "Q5_1", "Q5_K_S", "Q5_K_M", "Q6_K",
            "Q8_0", "BF16", "F16", "F32");

    /** Checks the parts. */
    public ModelVariant {
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(model, "model");
    }

    /**
     * @param file a GGUF header
     * @return the variant, named by its {@code general.file_type}
     * @throws IllegalArgumentException if the file does not state its quantization
     */
    public static ModelVariant of(GgufFile file) {
        String q = file.model().quantizationName().orElseThrow(() -> new IllegalArgumentException(
                "the file does not state general.file_type; name its quantization with new ModelVariant(name, model)"));
        return new ModelVariant(q, MemoryModel.of(file));
    }

    /** @return the quality rank: higher is better; unknown names rank by their weight size alone */
    public int qualityRank() {
        return QUALITY.indexOf(quantization.toUpperCase(Locale.ROOT));
    }
}
