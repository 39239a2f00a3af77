package io.github.localllm.registry;

import java.util.Optional;

/**
 * What to plan a fit for.
 *
 * @param targetContext the context per sequence to plan for, in tokens; empty for the planner's default
 * @param parallel sequences served at once, at least 1
 */
public record FitOptions(Optional<Integer> targetContext, int parallel) {

    /** Checks the values. */
    public FitOptions {
        targetContext = targetContext == null ? Optional.empty() : targetContext;
        targetContext.ifPresent(t -> {
            if (t < 1) {
                throw new IllegalArgumentException("the target context must be positive: " + t);
            }
        });
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
        }
    }

    /** @return the planner's default context, one sequence */
    public static FitOptions defaults() {
        return new FitOptions(Optional.empty(), 1);
    }

    /** @param tokens the context to plan for @return these options with that context */
    public FitOptions withContext(int tokens) {
        return new FitOptions(Optional.of(tokens), parallel);
    }

    /** @param sequences sequences served at once @return these options with that many */
    public FitOptions withParallel(int sequences) {
        return new FitOptions(targetContext, sequences);
    }
}
