package io.github.localllm.router;

import java.util.ArrayList;
import java.util.List;

/** The fewest requests running and waiting first; a stable sort keeps the given order on ties. */
final class LeastBusyStrategy implements RoutingStrategy {
    static final LeastBusyStrategy INSTANCE = new LeastBusyStrategy();

    private LeastBusyStrategy() {
    }

    @Override
    public String name() {
        return "least-busy";
    }

    @Override
    public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
        // Read each load once: it changes under the sort, which a comparator must not see.
        int n = candidates.size();
        long[] keyed = new long[n];
        for (int i = 0; i < n; i++) {
            keyed[i] = ((long) candidates.get(i).load() << 32) | i;
        }
        java.util.Arrays.sort(keyed);
        List<Candidate> ranked = new ArrayList<>(n);
        for (long k : keyed) {
            ranked.add(candidates.get((int) k));
        }
        return ranked;
    }

    @Override
    public String toString() {
        return name();
    }
}
