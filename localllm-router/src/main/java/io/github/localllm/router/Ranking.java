package io.github.localllm.router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Sorting for strategies that score each candidate once. */
final class Ranking {
    private Ranking() {
    }

    /**
     * @param candidates the candidates
     * @param keys one score per candidate, lowest first
     * @return the candidates by score; a stable sort keeps the given order on ties
     */
    static List<Candidate> sortedBy(List<Candidate> candidates, double[] keys) {
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> keys[i]));
        List<Candidate> ranked = new ArrayList<>(order.length);
        for (Integer i : order) {
            ranked.add(candidates.get(i));
        }
        return ranked;
    }
}
