package io.github.localllm.examples;

import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelFit;
import java.util.Optional;

/**
 * One search result as FindModel planned it: the variant it would take from the repository and its plan.
 *
 * @param repository the repository id
 * @param downloads its downloads in the last 30 days (0 when the registry does not count them)
 * @param variants how many GGUF variants it has
 * @param variant the first variant in the balanced order that fits, else the one that came closest; empty when
 *        none could be planned
 * @param fit that variant's plan, if it was planned
 * @param note why the repository cannot be used, empty when it can
 */
record Candidate(String repository, long downloads, int variants, Optional<GgufVariant> variant,
                 Optional<ModelFit> fit, String note) {

    static Candidate unusable(String repository, long downloads, String note) {
        return new Candidate(repository, downloads, 0, Optional.empty(), Optional.empty(), note);
    }

    /** @return whether its variant runs on this machine */
    boolean fits() {
        return fit.map(ModelFit::runnable).orElse(false);
    }

    /** @return whether it fits with room to spare: the planner's optimal or comfortable levels */
    boolean comfortable() {
        return fits() && fit.map(f -> f.compatibility().equals("OPTIMAL") || f.compatibility().equals("COMFORTABLE"))
                .orElse(false);
    }
}
