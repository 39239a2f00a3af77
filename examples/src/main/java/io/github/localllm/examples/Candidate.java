package io.github.localllm.examples;

import io.github.localllm.hardware.PlanFitCheck;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelFit;
import java.util.List;
import java.util.Optional;

/**
 * One search result as FindModel planned it: the variant it would take from the repository and its plan.
 *
 * @param repository the repository id
 * @param downloads its downloads in the last 30 days (0 when the registry does not count them)
 * @param parameters its parameter count, when the registry states it
 * @param variant the first variant in the balanced order that fits, else the first planned (or, when none could
 *        be planned, the smallest); empty when the repository could not be read
 * @param fit that variant's plan, if it was planned
 * @param note why the repository cannot be used, empty when it can
 */
record Candidate(String repository, long downloads, Optional<Long> parameters, Optional<GgufVariant> variant,
                 Optional<ModelFit> fit, String note) {
    /** The catalog's speed floors for chat and code, tokens/s: the first at which something fits wins. */
    private static final double[] INTERACTIVE_FLOORS = {PlanFitCheck.INTERACTIVE_TOKENS_PER_SECOND, 5, 2, 0};

    static Candidate unusable(String repository, long downloads, String note) {
        return new Candidate(repository, downloads, Optional.empty(), Optional.empty(), Optional.empty(), note);
    }

    /**
     * Chooses as the catalog recommends: the first candidate, in the order given, that runs better than
     * marginally at interactive speed, the floor stepping down (10, 5, 2 tokens/s, then none) until one does;
     * else the first that runs at all.
     *
     * @param candidates best first (most downloaded, or largest)
     * @param interactive whether speed counts (chat and code; not embeddings)
     * @return the choice, empty when nothing fits
     */
    static Optional<Candidate> choose(List<Candidate> candidates, boolean interactive) {
        for (double floor : interactive ? INTERACTIVE_FLOORS : new double[] {0}) {
            Optional<Candidate> c = candidates.stream().filter(Candidate::sound).filter(x -> x.speed() >= floor)
                    .findFirst();
            if (c.isPresent()) {
                return c;
            }
        }
        return candidates.stream().filter(Candidate::fits).findFirst();
    }

    /** @return whether its variant runs on this machine */
    boolean fits() {
        return fit.map(ModelFit::runnable).orElse(false);
    }

    /** @return whether it runs better than marginally: the planner's optimal, comfortable or constrained levels */
    boolean sound() {
        return fits() && fit.map(f -> !f.compatibility().equals("MARGINAL") && !f.compatibility().equals("UNKNOWN"))
                .orElse(false);
    }

    /** @return the expected tokens/s; unknown counts as fast enough, as nothing says otherwise */
    private double speed() {
        return fit.flatMap(f -> f.tokensPerSecond().isPresent() ? Optional.of(f.tokensPerSecond().getAsDouble())
                : Optional.empty()).orElse(Double.MAX_VALUE);
    }
}
