package io.github.localllm.router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/** Best-scored first for the request's task; unscored targets after, in the order given. */
final class QualityStrategy implements RoutingStrategy {
    private final QualityRanking ranking;

    QualityStrategy(QualityRanking ranking) {
        this.ranking = java.util.Objects.requireNonNull(ranking, "ranking");
    }

    @Override
    public String name() {
        return "quality";
    }

    @Override
    public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
        int n = candidates.size();
        double[] score = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            OptionalDouble s = ranking.score(context.task(), candidates.get(i));
            score[i] = s.isPresent() ? s.getAsDouble() : Double.NEGATIVE_INFINITY;
            order[i] = i;
        }
        // Stable: equal scores, and every unscored target, keep the order given.
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        List<Candidate> ranked = new ArrayList<>(n);
        for (int i : order) {
            ranked.add(candidates.get(i));
        }
        return ranked;
    }

    @Override
    public String toString() {
        return name() + " " + ranking;
    }
}
