package io.github.localllm.hardware;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** In which order {@link CatalogRecommender} tries the files of one model. */
public enum QuantizationPreference {
    /**
     * Q4_K_M first, then smaller quantizations, then larger ones. Q4_K_M is the usual default of
     * llama.cpp front ends: it loses little quality, and since generation reads every weight once per
     * token, a smaller file is also a faster one. Larger files are only chosen for models that have
     * no Q4_K_M or smaller file (some embedding models ship Q8_0 and F16 only).
     */
    BALANCED,
    /** The highest-quality file that fits: F16 before Q8_0 before Q6_K, and so on. */
    HIGHEST_QUALITY;

    private static final int Q4_K_M = CatalogVocabulary.qualityRank("Q4_K_M");

    /** @return the model's files in the order to try them */
    List<CatalogFile> order(CatalogModel model) {
        Comparator<CatalogFile> byQuality = Comparator.comparingInt(f -> CatalogVocabulary.qualityRank(f.quantization()));
        if (this == HIGHEST_QUALITY) {
            return model.files().stream().sorted(byQuality.reversed()).toList();
        }
        Stream<CatalogFile> atOrBelow = model.files().stream()
                .filter(f -> CatalogVocabulary.qualityRank(f.quantization()) <= Q4_K_M).sorted(byQuality.reversed());
        Stream<CatalogFile> above = model.files().stream()
                .filter(f -> CatalogVocabulary.qualityRank(f.quantization()) > Q4_K_M).sorted(byQuality);
        return Stream.concat(atOrBelow, above).toList();
    }
}
