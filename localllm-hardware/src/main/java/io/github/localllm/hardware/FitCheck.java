package io.github.localllm.hardware;

/**
 * Decides whether one file of a catalog model can be loaded on a machine. {@link CatalogRecommender}
 * asks it about each candidate; {@link MemoryFitCheck} is the simple built-in answer, and a full
 * load planner can stand in for it by returning its plan as the fit.
 *
 * @param <T> what a positive answer carries, e.g. a load plan
 */
@FunctionalInterface
public interface FitCheck<T> {

    /**
     * @param model the catalog model
     * @param file one of its files
     * @return whether the file fits, with the fit or the reason it does not
     */
    FitVerdict<T> check(CatalogModel model, CatalogFile file);
}
