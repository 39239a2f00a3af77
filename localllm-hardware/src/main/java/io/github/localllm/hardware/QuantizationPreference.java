package io.github.localllm.hardware;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
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
        return order(model.files(), CatalogFile::quantization);
    }

    /**
     * Orders anything that carries a quantization name (a registry's GGUF variants, say) as this
     * preference tries a catalog model's files.
     *
     * @param items the things to order
     * @param quantization an item's quantization name ({@code Q4_K_M}, any case), or null when it has none
     * @param <T> the things' type
     * @return the items in the order to try them; names this catalog does not know come last, in their order
     */
    public <T> List<T> order(List<T> items, Function<? super T, String> quantization) {
        ToIntFunction<T> rank = item -> {
            String name = quantization.apply(item);
            return name == null ? -1 : CatalogVocabulary.qualityRank(name);
        };
        Comparator<T> byQuality = Comparator.comparingInt(rank);
        Stream<T> unknown = items.stream().filter(i -> rank.applyAsInt(i) < 0);
        Stream<T> known = items.stream().filter(i -> rank.applyAsInt(i) >= 0);
        if (this == HIGHEST_QUALITY) {
            return Stream.concat(known.sorted(byQuality.reversed()), unknown).toList();
        }
        List<T> all = known.toList();
        Stream<T> atOrBelow = all.stream().filter(i -> rank.applyAsInt(i) <= Q4_K_M).sorted(byQuality.reversed());
        Stream<T> above = all.stream().filter(i -> rank.applyAsInt(i) > Q4_K_M).sorted(byQuality);
        return Stream.concat(Stream.concat(atOrBelow, above), unknown).toList();
    }
}
