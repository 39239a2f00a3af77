package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.RoutingDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Each strategy ranks as it says; the decision names the strategy and its ranking. */
class StrategyTest {
    private final FakeTarget local1 = new FakeTarget("local1");
    private final FakeTarget local2 = new FakeTarget("local2");
    private final FakeTarget cloud = new FakeTarget("cloud");

    private Router router(RoutingStrategy strategy) {
        return Router.builder()
                .target(Target.cloud("cloud", cloud).build())
                .target(Target.local("local1", local1).build())
                .target(Target.local("local2", local2).build())
                .strategy(strategy).build();
    }

    private static RoutingDecision decision(GenerationResult r) {
        return r.routing().orElseThrow();
    }

    @Test
    void preferLocalTakesTheFirstLocalTarget() {
        GenerationResult r = router(RoutingStrategy.preferLocal()).generate("hi");
        assertThat(r.text()).isEqualTo("Hello from fake");
        RoutingDecision d = decision(r);
        assertThat(d.target()).isEqualTo("local1");
        assertThat(d.model()).isEqualTo("local1-model");
        assertThat(d.strategy()).isEqualTo("prefer-local");
        assertThat(d.reason()).isEqualTo("prefer-local ranked [local1, local2, cloud]");
        assertThat(d.fallback()).isFalse();
        assertThat(d.attempts()).hasSize(1);
        assertThat(cloud.calls).hasValue(0);
    }

    @Test
    void preferCloudLocalOnlyCloudOnly() {
        assertThat(decision(router(RoutingStrategy.preferCloud()).generate("hi")).reason())
                .isEqualTo("prefer-cloud ranked [cloud, local1, local2]");
        assertThat(decision(router(RoutingStrategy.localOnly()).generate("hi")).reason())
                .isEqualTo("local-only ranked [local1, local2]");
        assertThat(decision(router(RoutingStrategy.cloudOnly()).generate("hi")).reason())
                .isEqualTo("cloud-only ranked [cloud]");
    }

    @Test
    void roundRobinTakesTurns() {
        Router router = router(RoutingStrategy.roundRobin());
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            counts.merge(decision(router.generate("hi")).target(), 1, Integer::sum);
        }
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("cloud", 10, "local1", 10, "local2", 10));
    }

    @Test
    void leastBusyAvoidsTheTargetWithRequestsRunning() throws Exception {
        Router router = router(RoutingStrategy.leastBusy());
        CountDownLatch gate = new CountDownLatch(1);
        cloud.then(Script.answer("slow").gated(gate));
        local1.then(Script.answer("slow").gated(gate));
        // Two streams hold cloud and local1 (least busy picks the emptiest, ties in order).
        GenerationStream first = router.stream(GenerationRequest.of("1"));
        GenerationStream second = router.stream(GenerationRequest.of("2"));
        try {
            assertThat(decision(router.generate("3")).target()).isEqualTo("local2");
        } finally {
            gate.countDown();
            assertThat(decision(first.result()).target()).isEqualTo("cloud");
            assertThat(decision(second.result()).target()).isEqualTo("local1");
        }
    }

    @Test
    void latencyOptimizedRanksByMeasuredSpeedAndMeasuresNewTargetsFirst() {
        RoutingContext context = new RoutingContext(TaskType.CHAT, Optional.empty(), 10, 101);
        Candidate fastStart = candidate("fast-start", Duration.ofMillis(50), 10);   // 0.05 + 10 s
        Candidate fastGen = candidate("fast-gen", Duration.ofMillis(900), 100);     // 0.9 + 1 s
        Candidate unmeasured = candidate("new", null, 0);
        assertThat(RoutingStrategy.latencyOptimized().rank(context, List.of(fastStart, fastGen, unmeasured)))
                .extracting(Candidate::name).containsExactly("new", "fast-gen", "fast-start");
        RoutingContext shortAnswer = new RoutingContext(TaskType.CHAT, Optional.empty(), 10, 1);
        assertThat(RoutingStrategy.latencyOptimized().rank(shortAnswer, List.of(fastGen, fastStart)))
                .extracting(Candidate::name).containsExactly("fast-start", "fast-gen");
    }

    @Test
    void latencyOptimizedLearnsFromAnswers() {
        // Slow by far more than a loaded machine stalls the fast one.
        FakeTarget slow = new FakeTarget("slow").always(Script.answer("x").delayed(Duration.ofMillis(400)));
        FakeTarget fast = new FakeTarget("fast");
        Router router = Router.builder().target(Target.local("slow", slow).build())
                .target(Target.local("fast", fast).build()).strategy(RoutingStrategy.latencyOptimized()).build();
        // Both unmeasured: the first in order is measured first, then the other.
        assertThat(decision(router.generate("a")).target()).isEqualTo("slow");
        assertThat(decision(router.generate("b")).target()).isEqualTo("fast");
        for (int i = 0; i < 5; i++) {
            assertThat(decision(router.generate("c")).target()).isEqualTo("fast");
        }
        assertThat(slow.calls).hasValue(1);
    }

    @Test
    void costOptimizedPrefersTheCheapest() {
        FakeTarget cheap = new FakeTarget("cheap");
        FakeTarget dear = new FakeTarget("dear");
        FakeTarget unpriced = new FakeTarget("unpriced");
        Router router = Router.builder()
                .target(Target.cloud("unpriced", unpriced).build())
                .target(Target.cloud("dear", dear).price(5, 15).build())
                .target(Target.cloud("cheap", cheap).price(0.15, 0.6).build())
                .target(Target.local("own", local1).price(0.01, 0.02).build())
                .strategy(RoutingStrategy.costOptimized()).build();
        assertThat(decision(router.generate("hi")).reason())
                .isEqualTo("cost-optimized ranked [own, cheap, dear, unpriced]");
        Router free = Router.builder().target(Target.cloud("cheap", cheap).price(0.15, 0.6).build())
                .target(Target.local("own", local1).build()).strategy(RoutingStrategy.costOptimized()).build();
        assertThat(decision(free.generate("hi")).target()).isEqualTo("own");
    }

    @Test
    void customStrategiesThroughTheSpi() {
        RoutingStrategy reversed = new RoutingStrategy() {
            @Override
            public String name() {
                return "reversed";
            }

            @Override
            public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
                List<Candidate> r = new ArrayList<>(candidates);
                java.util.Collections.reverse(r);
                return r;
            }
        };
        RoutingDecision d = decision(router(reversed).generate("hi"));
        assertThat(d.strategy()).isEqualTo("reversed");
        assertThat(d.target()).isEqualTo("local2");
        assertThat(d.reason()).isEqualTo("reversed ranked [local2, local1, cloud]");
    }

    @Test
    void aCustomStrategyThatRanksNothingIsAClearError() {
        RoutingStrategy none = new RoutingStrategy() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
                return List.of();
            }
        };
        assertThatThrownBy(() -> router(none).generate("hi")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("the none strategy of router 'router' ranked none of the targets")
                .hasMessageContaining("cloud (cloud), local1 (local), local2 (local)");
    }

    @Test
    void tasksHaveTheirOwnStrategyAndPreferredTargets() {
        Router router = Router.builder()
                .target(Target.local("local1", local1).build())
                .target(Target.local("local2", local2).build())
                .target(Target.cloud("cloud", cloud).build())
                .task(TaskType.CODE, RoutingStrategy.preferCloud(), "local2")
                .task(TaskType.CHAT, RoutingStrategy.cloudOnly())
                .build();
        RoutingDecision code = decision(router.with(RoutingOptions.task(TaskType.CODE)).generate("fix this"));
        assertThat(code.target()).isEqualTo("local2");
        assertThat(code.reason()).isEqualTo("prefer-cloud ranked [local2, cloud, local1] for task code, preferring"
                + " [local2]");
        // Chat requests are recognised by themselves, prompts are completions (no route: the default).
        assertThat(decision(router.generate(GenerationRequest.builder().user("hi").build())).target())
                .isEqualTo("cloud");
        assertThat(decision(router.generate("hi")).target()).isEqualTo("local1");
        // A per-call strategy wins over the task's.
        assertThat(decision(router.with(RoutingOptions.builder().task(TaskType.CHAT)
                .strategy(RoutingStrategy.localOnly()).build()).generate("hi")).target()).isEqualTo("local1");
    }

    private static Candidate candidate(String name, Duration ttft, double tps) {
        Target target = Target.local(name, new FakeTarget(name)).build();
        return new Candidate() {
            @Override
            public Target target() {
                return target;
            }

            @Override
            public int inFlight() {
                return 0;
            }

            @Override
            public int queued() {
                return 0;
            }

            @Override
            public Optional<Duration> averageTimeToFirstToken() {
                return Optional.ofNullable(ttft);
            }

            @Override
            public OptionalDouble averageTokensPerSecond() {
                return tps > 0 ? OptionalDouble.of(tps) : OptionalDouble.empty();
            }
        };
    }
}
