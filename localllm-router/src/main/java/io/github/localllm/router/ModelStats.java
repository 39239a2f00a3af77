package io.github.localllm.router;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Counters and latency histograms of one target and model; lock-free, nothing allocated per request. */
final class ModelStats {
    final String model;
    final LongAdder requests = new LongAdder();
    final LongAdder answers = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder fallbacks = new LongAdder();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder outputTokens = new LongAdder();
    final DoubleAdder cost = new DoubleAdder();
    final Histogram total = new Histogram();
    final Histogram firstToken = new Histogram();

    ModelStats(String model) {
        this.model = model;
    }

    void answered(long nanos, long ttftNanos, long prompt, long output, boolean fallback, double costOf) {
        requests.increment();
        answers.increment();
        if (fallback) {
            fallbacks.increment();
        }
        if (prompt > 0) {
            promptTokens.add(prompt);
        }
        if (output > 0) {
            outputTokens.add(output);
        }
        if (costOf > 0) {
            cost.add(costOf);
        }
        total.recordNanos(nanos);
        if (ttftNanos >= 0) {
            firstToken.recordNanos(ttftNanos);
        }
    }

    void failed() {
        requests.increment();
        failures.increment();
    }

    /** A cancelled attempt with nothing delivered: sent, neither answered nor failed. */
    void abandoned() {
        requests.increment();
    }

    TargetStatistics snapshot(String target, Locality locality) {
        return new TargetStatistics(target, model, locality, requests.sum(), answers.sum(), failures.sum(),
                fallbacks.sum(), promptTokens.sum(), outputTokens.sum(), cost.sum(), total.percentiles(),
                firstToken.percentiles());
    }
}
