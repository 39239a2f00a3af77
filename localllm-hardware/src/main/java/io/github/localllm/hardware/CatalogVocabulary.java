package io.github.localllm.hardware;

import io.github.localllm.gguf.LlamaCppArchitectures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The names a catalog may use: the quantizations llama.cpp writes and the architectures a known
 * llama.cpp build can load. Kept in one place so a typo in a catalog file is an error, not a
 * model that silently never loads.
 */
final class CatalogVocabulary {

    /**
     * Architectures ({@code general.architecture}) some engine build the SDK knows loads
     * ({@link LlamaCppArchitectures#any()}): the in-process engine's b4916 and the managed llama-server's
     * b10470. Whether a given engine runs a model is the planner's question ({@link InferenceEngine#supports}).
     */
    static final Set<String> ARCHITECTURES = LlamaCppArchitectures.any();

    /**
     * Quantizations, lowest quality first, with the average bits per weight of a whole file
     * (quantized tensors plus the higher-precision embedding, output and norm tensors). The bits
     * per weight only serve to estimate a size no repository published; they are typical values of
     * llama.cpp's mixes for 1–70B models, accurate to about ±10%.
     */
    private static final List<Map.Entry<String, Double>> QUANTIZATIONS = List.of(
            Map.entry("Q2_K", 3.35),
            Map.entry("Q3_K_S", 3.5),
            Map.entry("Q3_K_M", 3.91),
            Map.entry("Q3_K_L", 4.27),
            Map.entry("IQ4_XS", 4.46),
            Map.entry("Q4_0", 4.55),
            Map.entry("IQ4_NL", 4.68),
            Map.entry("Q4_K_S", 4.67),
            Map.entry("Q4_1", 5.0),
            // OpenAI's 4-bit microscaling format, in which gpt-oss was trained and published: 4.25 bits in the
            // experts, 4.63 over gpt-oss-20b's whole file (12,109,566,560 bytes for 20.9B weights).
            Map.entry("MXFP4", 4.63),
            Map.entry("Q4_K_M", 4.89),
            Map.entry("Q5_0", 5.54),
            Map.entry("Q5_K_S", 5.57),
            Map.entry("Q5_1", 6.0),
            Map.entry("Q5_K_M", 5.7),
            Map.entry("Q6_K", 6.56),
            Map.entry("Q8_0", 8.5),
            Map.entry("BF16", 16.0),
            Map.entry("F16", 16.0),
            Map.entry("F32", 32.0));

    private CatalogVocabulary() {
    }

    /** @return the canonical (upper-case) quantization name, if known */
    static Optional<String> quantization(String name) {
        return QUANTIZATIONS.stream().map(Map.Entry::getKey).filter(q -> q.equalsIgnoreCase(name)).findFirst();
    }

    /** @return the quantization's place from lowest to highest quality; unknown names rank lowest */
    static int qualityRank(String quantization) {
        for (int i = 0; i < QUANTIZATIONS.size(); i++) {
            if (QUANTIZATIONS.get(i).getKey().equalsIgnoreCase(quantization)) {
                return i;
            }
        }
        return -1;
    }

    /** @return the typical bits per weight of a whole file at this (known) quantization */
    static double bitsPerWeight(String quantization) {
        return QUANTIZATIONS.get(qualityRank(quantization)).getValue();
    }

    /** @return the names of every known quantization, lowest quality first */
    static List<String> quantizations() {
        return QUANTIZATIONS.stream().map(Map.Entry::getKey).toList();
    }
}
