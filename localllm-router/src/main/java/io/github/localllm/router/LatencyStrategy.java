package io.github.localllm.router;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Expected time to the whole answer first: the average time to first token plus the answer's tokens
 * at the average speed. A target never measured scores 0, so it gets a request and is measured.
 */
final class LatencyStrategy implements RoutingStrategy {
    static final LatencyStrategy INSTANCE = new LatencyStrategy();

    private LatencyStrategy() {
    }

    @Override
    public String name() {
        return "latency-optimized";
    }

    @Override
    public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
        double[] keys = new double[candidates.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = expectedSeconds(candidates.get(i), context.outputTokens());
        }
        return Ranking.sortedBy(candidates, keys);
    }

    /** @return the expected seconds to the end of the answer, 0 when not yet measured */
    static double expectedSeconds(Candidate c, int outputTokens) {
        Optional<Duration> ttft = c.averageTimeToFirstToken();
        if (ttft.isEmpty()) {
            return 0;
        }
        double seconds = ttft.get().toNanos() / 1e9;
        OptionalDouble tps = c.averageTokensPerSecond();
        if (tps.isPresent() && tps.getAsDouble() > 0 && outputTokens > 1) {
            seconds += (outputTokens - 1) / tps.getAsDouble();
        }
        return seconds;
    }

    @Override
    public String toString() {
        return name();
    }
}
