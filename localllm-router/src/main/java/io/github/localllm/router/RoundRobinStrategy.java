package io.github.localllm.router;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Each request starts one target further along; the rest follow in order, so fallback still reaches all. */
final class RoundRobinStrategy implements RoutingStrategy {
    private final AtomicLong turn = new AtomicLong();

    @Override
    public String name() {
        return "round-robin";
    }

    @Override
    public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
        int n = candidates.size();
        if (n <= 1) {
            return candidates;
        }
        int start = (int) Math.floorMod(turn.getAndIncrement(), (long) n);
        List<Candidate> ranked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranked.add(candidates.get((start + i) % n));
        }
        return ranked;
    }

    @Override
    public String toString() {
        return name();
    }
}
