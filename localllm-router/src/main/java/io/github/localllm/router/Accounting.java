package io.github.localllm.router;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a router counts of every attempt: statistics per target and model, cloud spend against the
 * budgets, local energy and savings, and the metrics listeners. Lock-free except for cloud spend.
 */
final class Accounting {
    private static final Logger LOG = LoggerFactory.getLogger(Accounting.class);

    private final String router;
    private final String currency;
    private final Spend spend;
    private final String referenceName;
    private final Price reference;
    private final List<MetricsListener> listeners;
    private final LongAdder cloudRequests = new LongAdder();
    private final LongAdder localRequests = new LongAdder();
    private final LongAdder localPrompt = new LongAdder();
    private final LongAdder localOutput = new LongAdder();
    private final DoubleAdder localEnergy = new DoubleAdder();
    private final DoubleAdder wouldHaveCost = new DoubleAdder();

    Accounting(String router, String currency, Spend spend, String referenceName, Price reference,
               List<MetricsListener> listeners) {
        this.router = router;
        this.currency = currency;
        this.spend = spend;
        this.referenceName = referenceName;
        this.reference = reference;
        this.listeners = List.copyOf(listeners);
    }

    Spend spend() {
        return spend;
    }

    /** @return whether a spent budget keeps requests off cloud targets now */
    boolean cloudBlocked() {
        return spend.cloudBlocked();
    }

    /**
     * Counts an answer. Takes the route's parts rather than the route, so that a route the JIT can
     * keep off the heap is not made to escape by this call.
     *
     * @param outcome {@code ANSWERED}, or {@code CANCELLED} for one the caller closed part way
     * @param ttftNanos its measured time to first token, negative when not measured
     */
    void answered(TargetState t, String model, RequestMetrics.Operation operation, boolean streamed, boolean fallback,
                  long nanos, long ttftNanos, long prompt, long output, RequestMetrics.Outcome outcome) {
        double cost;
        if (t.isLocal()) {
            cost = t.energy == null ? 0 : t.energy.costOfNanos(nanos);
            localRequests.increment();
            localPrompt.add(prompt);
            localOutput.add(output);
            if (cost > 0) {
                localEnergy.add(cost);
            }
            if (reference != null) {
                wouldHaveCost.add(reference.cost(prompt, output));
            }
        } else {
            cost = t.price == null ? 0 : t.price.cost(prompt, output);
            cloudRequests.increment();
            spend.add(cost);
        }
        t.stats(model).answered(nanos, ttftNanos, prompt, output, fallback, cost);
        if (!listeners.isEmpty()) {
            publish(new RequestMetrics(router, t.name(), t.provider, model, t.target.locality(), operation,
                    outcome, streamed, fallback, "", prompt, output, Duration.ofNanos(nanos),
                    ttftNanos >= 0 ? Optional.of(Duration.ofNanos(ttftNanos)) : Optional.empty(), cost));
        }
    }

    /** Counts a failed attempt. */
    void failed(TargetState t, RequestMetrics.Operation operation, boolean streamed, boolean fallback, long nanos,
                Throwable error) {
        t.defaultStats.failed();
        if (!listeners.isEmpty()) {
            publish(new RequestMetrics(router, t.name(), t.provider, t.defaultStats.model, t.target.locality(),
                    operation, RequestMetrics.Outcome.FAILED, streamed, fallback,
                    error.getClass().getSimpleName(), 0, 0, Duration.ofNanos(nanos), Optional.empty(), 0));
        }
    }

    /** Counts an attempt the caller cancelled before anything came. */
    void abandoned(TargetState t, RequestMetrics.Operation operation, boolean streamed, boolean fallback, long nanos) {
        t.defaultStats.abandoned();
        if (!listeners.isEmpty()) {
            publish(new RequestMetrics(router, t.name(), t.provider, t.defaultStats.model, t.target.locality(),
                    operation, RequestMetrics.Outcome.CANCELLED, streamed, fallback, "", 0, 0,
                    Duration.ofNanos(nanos), Optional.empty(), 0));
        }
    }

    private void publish(RequestMetrics m) {
        for (MetricsListener l : listeners) {
            try {
                l.onRequest(m);
            } catch (RuntimeException e) {
                LOG.warn("router {}: metrics listener {} failed", router, l, e);
            }
        }
    }

    CostReport report() {
        return new CostReport(currency, spend.spentToday(), spend.spentThisMonth(), spend.spentTotal(),
                optional(spend.dailyBudget()), optional(spend.monthlyBudget()), spend.cloudBlocked(),
                cloudRequests.sum(), localRequests.sum(), localPrompt.sum(), localOutput.sum(), localEnergy.sum(),
                Optional.ofNullable(referenceName), wouldHaveCost.sum());
    }

    private static OptionalDouble optional(double v) {
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    static List<TargetStatistics> statistics(List<TargetState> states) {
        List<TargetStatistics> all = new ArrayList<>();
        for (TargetState t : states) {
            t.forEachStats(s -> all.add(s.snapshot(t.name(), t.target.locality())));
        }
        return all;
    }
}
