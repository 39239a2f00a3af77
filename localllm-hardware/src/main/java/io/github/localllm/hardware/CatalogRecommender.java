package io.github.localllm.hardware;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks the best catalog model that fits a machine: the first of {@link ModelCatalog#candidates}
 * (larger first) that has a file the {@link FitCheck} accepts, trying each model's files in the
 * {@link QuantizationPreference} order. Bigger models are preferred over better quantizations of
 * smaller ones because a larger model at Q4_K_M answers better than a smaller one at Q8_0.
 *
 * <pre>{@code
 * var recommender = CatalogRecommender.byMemory(ModelCatalog.defaultCatalog(), profile);
 * Recommendation<MemoryFit> r = recommender.recommend(ModelTask.CHAT);
 * System.out.println(r.explanation());
 * }</pre>
 *
 * @param <T> what the fit check returns for a fitting file, e.g. a plan
 */
public final class CatalogRecommender<T> {
    private final ModelCatalog catalog;
    private final FitCheck<T> fitCheck;
    private final QuantizationPreference preference;

    /**
     * @param catalog the models to choose from
     * @param fitCheck decides whether a file fits
     * @param preference the order in which each model's files are tried
     */
    public CatalogRecommender(ModelCatalog catalog, FitCheck<T> fitCheck, QuantizationPreference preference) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.fitCheck = Objects.requireNonNull(fitCheck, "fitCheck");
        this.preference = Objects.requireNonNull(preference, "preference");
    }

    /**
     * @param catalog the models to choose from
     * @param profile the machine
     * @return a recommender using {@link MemoryFitCheck} and {@link QuantizationPreference#BALANCED}
     */
    public static CatalogRecommender<MemoryFit> byMemory(ModelCatalog catalog, HardwareProfile profile) {
        return new CatalogRecommender<>(catalog, new MemoryFitCheck(profile), QuantizationPreference.BALANCED);
    }

    /**
     * @param task what the model is for
     * @return the best fitting model file with its fit, or the reasons nothing fits
     */
    public Recommendation<T> recommend(ModelTask task) {
        List<Recommendation.Rejection> passedOver = new ArrayList<>();
        for (CatalogModel model : catalog.candidates(task)) {
            Optional<Recommendation.Choice<T>> choice = firstFit(model);
            if (choice.isPresent()) {
                return new Recommendation<>(task, choice, passedOver);
            }
            // Its smallest file missing is the most telling reason: nothing of this model fits.
            CatalogFile smallest = model.files().stream().min(Comparator.comparingLong(CatalogFile::sizeBytes))
                    .orElseThrow();
            passedOver.add(new Recommendation.Rejection(model, smallest, fitCheck.check(model, smallest).reason()));
        }
        return new Recommendation<>(task, Optional.empty(), passedOver);
    }

    private Optional<Recommendation.Choice<T>> firstFit(CatalogModel model) {
        for (CatalogFile file : preference.order(model)) {
            FitVerdict<T> verdict = fitCheck.check(model, file);
            if (verdict.fitsMachine()) {
                return Optional.of(new Recommendation.Choice<>(model, file, verdict.fit(), verdict.reason()));
            }
        }
        return Optional.empty();
    }
}
