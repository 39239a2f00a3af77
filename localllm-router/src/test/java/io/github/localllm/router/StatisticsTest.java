package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Per target and model statistics, the latency histogram, and the metrics listener's records. */
class StatisticsTest {
    private final FakeTarget a = new FakeTarget("a");
    private final FakeTarget b = new FakeTarget("b");
    private final List<RequestMetrics> metrics = new CopyOnWriteArrayList<>();

    private Router router() {
        return Router.builder().name("stats")
                .target(Target.local("a", a).build())
                .target(Target.cloud("b", b).build())
                .prices(PriceTable.of("EUR", Map.of("b-model", new Price(1_000_000, 2_000_000))))
                .retries(0)
                .metricsListener(m -> {
                    throw new IllegalStateException("a broken listener");
                })
                .metricsListener(metrics::add)
                .build();
    }

    private static TargetStatistics of(Router r, String target) {
        return r.statistics().stream().filter(s -> s.target().equals(target)).findFirst().orElseThrow();
    }

    @Test
    void requestsFailuresFallbacksAndTokensAreCountedPerTarget() {
        Router router = router();
        assertThat(router.statistics()).extracting(TargetStatistics::target).containsExactly("a", "b");
        a.then(Script.refuse(new BackendUnavailableException("a is down")));
        router.generate("1");
        router.generate("2");
        try (GenerationStream s = router.stream(GenerationRequest.of("3"))) {
            s.result();
        }
        TargetStatistics sa = of(router, "a");
        assertThat(sa.model()).isEqualTo("a-model");
        assertThat(sa.locality()).isEqualTo(Locality.LOCAL);
        assertThat(sa.requests()).isEqualTo(3);
        assertThat(sa.answers()).isEqualTo(2);
        assertThat(sa.failures()).isEqualTo(1);
        assertThat(sa.fallbacks()).isZero();
        assertThat(sa.promptTokens()).isEqualTo(6);
        assertThat(sa.outputTokens()).isEqualTo(6);
        assertThat(sa.cost()).isZero();
        assertThat(sa.totalTime().count()).isEqualTo(2);
        assertThat(sa.timeToFirstToken().count()).isEqualTo(2);
        assertThat(sa.totalTime().p50()).isPositive();
        assertThat(sa.totalTime().p99()).isGreaterThanOrEqualTo(sa.totalTime().p50());
        assertThat(sa.totalTime().max()).isGreaterThanOrEqualTo(sa.totalTime().p99());

        TargetStatistics sb = of(router, "b");
        assertThat(sb.requests()).isEqualTo(1);
        assertThat(sb.answers()).isEqualTo(1);
        assertThat(sb.fallbacks()).isEqualTo(1);
        assertThat(sb.cost()).isEqualTo(9.0);
        assertThat(sb.locality()).isEqualTo(Locality.CLOUD);
    }

    @Test
    void theListenerHearsEveryAttempt() {
        Router router = router();
        a.then(Script.refuse(new BackendUnavailableException("a is down")));
        router.generate(GenerationRequest.builder().user("chat").build());
        try (GenerationStream s = router.stream(GenerationRequest.of("completion"))) {
            s.result();
        }
        router.embed(EmbeddingRequest.of("embed me"));
        assertThat(metrics).hasSize(4);
        RequestMetrics failed = metrics.get(0);
        assertThat(failed.outcome()).isEqualTo(RequestMetrics.Outcome.FAILED);
        assertThat(failed.target()).isEqualTo("a");
        assertThat(failed.errorType()).isEqualTo("BackendUnavailableException");
        assertThat(failed.operation()).isEqualTo(RequestMetrics.Operation.CHAT);
        assertThat(failed.fallback()).isFalse();

        RequestMetrics fallback = metrics.get(1);
        assertThat(fallback.outcome()).isEqualTo(RequestMetrics.Outcome.ANSWERED);
        assertThat(fallback.router()).isEqualTo("stats");
        assertThat(fallback.target()).isEqualTo("b");
        assertThat(fallback.provider()).isEqualTo("fake");
        assertThat(fallback.model()).isEqualTo("b-model");
        assertThat(fallback.locality()).isEqualTo(Locality.CLOUD);
        assertThat(fallback.fallback()).isTrue();
        assertThat(fallback.streamed()).isFalse();
        assertThat(fallback.promptTokens()).isEqualTo(3);
        assertThat(fallback.outputTokens()).isEqualTo(3);
        assertThat(fallback.cost()).isEqualTo(9.0);
        assertThat(fallback.errorType()).isEmpty();

        RequestMetrics streamed = metrics.get(2);
        assertThat(streamed.operation()).isEqualTo(RequestMetrics.Operation.TEXT_COMPLETION);
        assertThat(streamed.operation().otelName()).isEqualTo("text_completion");
        assertThat(streamed.streamed()).isTrue();
        assertThat(streamed.timeToFirstToken()).isPresent();
        assertThat(streamed.timeToFirstToken().get()).isLessThanOrEqualTo(streamed.duration());

        RequestMetrics embedded = metrics.get(3);
        assertThat(embedded.operation()).isEqualTo(RequestMetrics.Operation.EMBEDDINGS);
        assertThat(embedded.promptTokens()).isEqualTo(1);
        assertThat(embedded.timeToFirstToken()).isEmpty();
    }

    @Test
    void aStreamClosedBeforeItsFirstChunkIsCountedAsSentButNotAnswered() {
        Router router = router();
        a.always(Script.stalling());
        GenerationStream s = router.stream(GenerationRequest.of("hi"));
        s.close();
        TargetStatistics sa = of(router, "a");
        assertThat(sa.requests()).isEqualTo(1);
        assertThat(sa.answers()).isZero();
        assertThat(sa.failures()).isZero();
        assertThat(metrics).singleElement().extracting(RequestMetrics::outcome)
                .isEqualTo(RequestMetrics.Outcome.CANCELLED);
    }

    @Test
    void aStreamClosedPartWayCountsItsChunksAsTokens() {
        Router router = router();
        GenerationStream s = router.stream(GenerationRequest.of("hi"));
        var it = s.iterator();
        it.next();
        s.close();
        assertThat(metrics).singleElement().satisfies(m -> {
            assertThat(m.outcome()).isEqualTo(RequestMetrics.Outcome.CANCELLED);
            assertThat(m.outputTokens()).isEqualTo(1);
            assertThat(m.timeToFirstToken()).isPresent();
        });
        assertThat(of(router, "a").answers()).isEqualTo(1);
    }

    @Test
    void histogramPercentilesAreWithinTheirBucketWidth() {
        Histogram h = new Histogram();
        assertThat(h.percentiles()).isEqualTo(LatencyPercentiles.NONE);
        for (int ms = 1; ms <= 1000; ms++) {
            h.recordNanos(ms * 1_000_000L);
        }
        LatencyPercentiles p = h.percentiles();
        assertThat(p.count()).isEqualTo(1000);
        assertThat(p.p50().toNanos() / 1e6).isCloseTo(500, within(500 * 0.035));
        assertThat(p.p95().toNanos() / 1e6).isCloseTo(950, within(950 * 0.035));
        assertThat(p.p99().toNanos() / 1e6).isCloseTo(990, within(990 * 0.035));
        assertThat(p.max().toNanos() / 1e6).isCloseTo(1000, within(1000 * 0.035));
    }

    @Test
    void histogramBucketsCoverEveryValueInOrder() {
        int last = -1;
        for (long micros = 0; micros < 1L << 20; micros += 1 + micros / 64) {
            int i = Histogram.index(micros);
            assertThat(i).isGreaterThanOrEqualTo(last).isLessThan(Histogram.BUCKETS);
            double middle = Histogram.middle(i);
            assertThat(Math.abs(middle - micros)).isLessThanOrEqualTo(Math.max(0.5, micros * 0.0313));
            last = i;
        }
        assertThat(Histogram.index(Long.MAX_VALUE)).isEqualTo(Histogram.BUCKETS - 1);
        Histogram h = new Histogram();
        h.recordNanos(-5);
        h.recordNanos(Long.MAX_VALUE);
        assertThat(h.percentiles().count()).isEqualTo(2);
        assertThat(h.percentiles().p50()).isLessThan(Duration.ofNanos(1000));
    }

    @Test
    void concurrentAnswersLoseNoCount() throws Exception {
        Router router = router();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                futures.add(pool.submit(() -> router.generate("hi")));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        TargetStatistics sa = of(router, "a");
        assertThat(sa.requests()).isEqualTo(400);
        assertThat(sa.answers()).isEqualTo(400);
        assertThat(sa.outputTokens()).isEqualTo(1200);
        assertThat(sa.totalTime().count()).isEqualTo(400);
        assertThat(metrics).hasSize(400);
        assertThat(router.costReport().localRequests()).isEqualTo(400);
    }
}
