package io.github.localllm.router;

import java.util.List;

/**
 * Ranks the targets that may serve a request: the router sends it to the first and falls back down
 * the list. The built-in strategies are made by the static methods here; a custom one implements
 * this interface and is passed to {@link Router.Builder#strategy} like them.
 *
 * <p>The candidates a strategy is given have already passed the router's filters: a request marked
 * local-only is given local targets only, and a request that needs something (tools, a grammar,
 * images, thinking, log probabilities, embeddings) only targets that serve it. A strategy cannot
 * undo these filters: what it returns that it was not given is ignored. Circuit breakers and
 * concurrency limits apply after ranking, so that the decision shows which targets were passed over.
 *
 * <pre>{@code
 * RoutingStrategy fastestGpuFirst = new RoutingStrategy() {
 *     public String name() { return "gpu-first"; }
 *     public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
 *         return candidates.stream().sorted(Comparator.comparing(c -> !c.name().startsWith("gpu"))).toList();
 *     }
 * };
 * }</pre>
 *
 * Strategies are called concurrently from many requests and must be thread-safe; they run on the
 * caller's thread for every request, so they should take microseconds, not milliseconds.
 */
public interface RoutingStrategy {

    /** @return a short name for decisions and messages, e.g. {@code prefer-local} */
    String name();

    /**
     * @param context what the request is
     * @param candidates the targets that may serve it, in the order the router was given them
     * @return the targets to try, first choice first; leaving one out means it is not tried
     */
    List<Candidate> rank(RoutingContext context, List<Candidate> candidates);

    /**
     * @return local targets first, in the order given, then cloud ones: the default; within each, a
     *         target whose model is loaded before one that must be loaded ({@link Candidate#loaded()})
     */
    static RoutingStrategy preferLocal() {
        return LocalityStrategy.PREFER_LOCAL;
    }

    /** @return cloud targets first, in the order given, then local ones */
    static RoutingStrategy preferCloud() {
        return LocalityStrategy.PREFER_CLOUD;
    }

    /** @return local targets only, in the order given */
    static RoutingStrategy localOnly() {
        return LocalityStrategy.LOCAL_ONLY;
    }

    /** @return cloud targets only, in the order given */
    static RoutingStrategy cloudOnly() {
        return LocalityStrategy.CLOUD_ONLY;
    }

    /** @return each request starts at the next target in turn; the others follow in order */
    static RoutingStrategy roundRobin() {
        return new RoundRobinStrategy();
    }

    /** @return the target with the fewest requests running and waiting first; ties in the order given */
    static RoutingStrategy leastBusy() {
        return LeastBusyStrategy.INSTANCE;
    }

    /**
     * @return the target expected to finish soonest first, from moving averages of its measured time
     *         to first token and tokens per second; targets not yet measured first, so that each is
     *         measured
     */
    static RoutingStrategy latencyOptimized() {
        return LatencyStrategy.INSTANCE;
    }

    /**
     * @return the target whose estimated cost for the request is lowest first (local targets without
     *         a price are free; cloud targets without one last); ties in the order given
     */
    static RoutingStrategy costOptimized() {
        return CostStrategy.INSTANCE;
    }

    /**
     * @param ranking how good each target's model is, per task
     * @return the target whose model scores highest for the request's task first (see {@link QualityRanking});
     *         unscored targets after, in the order given
     */
    static RoutingStrategy qualityOptimized(QualityRanking ranking) {
        return new QualityStrategy(ranking);
    }
}
