package io.github.localllm.router;

import java.util.List;

/**
 * The lowest estimated cost for this request first: prompt tokens (estimated) and the answer's
 * tokens at the target's price. A local target without a price is free; a cloud target without one
 * is ranked after every priced one, since it may cost anything.
 */
final class CostStrategy implements RoutingStrategy {
    static final CostStrategy INSTANCE = new CostStrategy();

    private CostStrategy() {
    }

    @Override
    public String name() {
        return "cost-optimized";
    }

    @Override
    public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
        double[] keys = new double[candidates.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = estimate(candidates.get(i).target(), context);
        }
        return Ranking.sortedBy(candidates, keys);
    }

    /** @return the estimated cost, {@link Double#POSITIVE_INFINITY} when unknown */
    static double estimate(Target target, RoutingContext context) {
        if (target.price().isPresent()) {
            return target.price().get().cost(context.promptTokens(), context.outputTokens());
        }
        return target.isLocal() ? 0 : Double.POSITIVE_INFINITY;
    }

    @Override
    public String toString() {
        return name();
    }
}
