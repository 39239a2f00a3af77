package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-target concurrency limits with a bounded queue: nothing beyond the limit runs, and no request is lost. */
class ConcurrencyTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(32);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void hundredsOfRequestsThroughALimitOfTwoLoseNone() throws Exception {
        FakeTarget a = new FakeTarget("a").always(Script.answer("ok").delayed(Duration.ofMillis(1)));
        Router router = Router.builder().target(Target.local("a", a).maxConcurrent(2).maxQueued(1000).build()).build();
        List<Future<GenerationResult>> results = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            GenerationRequest request = GenerationRequest.of("request " + i);
            results.add(pool.submit(() -> router.generate(request)));
        }
        for (Future<GenerationResult> f : results) {
            GenerationResult r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.text()).isEqualTo("ok");
            assertThat(r.routing().orElseThrow().target()).isEqualTo("a");
        }
        assertThat(a.calls).hasValue(300);
        assertThat(a.maxInFlight).hasValue(2);
        assertThat(a.inFlight).hasValue(0);
        assertThat(a.requests).extracting(GenerationRequest::prompt).doesNotHaveDuplicates().hasSize(300);
    }

    @Test
    void hundredsOfStreamsThroughALimitOfTwoLoseNone() throws Exception {
        FakeTarget a = new FakeTarget("a").always(Script.answer("o", "k").delayed(Duration.ofMillis(1)));
        Router router = Router.builder().target(Target.local("a", a).maxConcurrent(2).maxQueued(1000).build()).build();
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            results.add(pool.submit(() -> {
                StringBuilder text = new StringBuilder();
                try (GenerationStream stream = router.stream(GenerationRequest.of("hi"))) {
                    for (GenerationChunk c : stream) {
                        text.append(c.text());
                    }
                }
                return text.toString();
            }));
        }
        for (Future<String> f : results) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        assertThat(a.calls).hasValue(200);
        assertThat(a.maxInFlight).hasValue(2);
    }

    @Test
    void overflowGoesToTheNextTarget() throws Exception {
        FakeTarget a = new FakeTarget("a").always(Script.answer("a").delayed(Duration.ofMillis(1)));
        FakeTarget b = new FakeTarget("b").always(Script.answer("b").delayed(Duration.ofMillis(1)));
        Router router = Router.builder()
                .target(Target.local("a", a).maxConcurrent(2).build())
                .target(Target.local("b", b).maxConcurrent(2).maxQueued(1000).build())
                .build();
        Map<String, AtomicInteger> byTarget = new ConcurrentHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            done.add(pool.submit(() -> byTarget.computeIfAbsent(router.generate("x").routing().orElseThrow().target(),
                    k -> new AtomicInteger()).incrementAndGet()));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(byTarget.get("a").get() + byTarget.get("b").get()).isEqualTo(300);
        assertThat(byTarget.get("b").get()).isPositive();
        assertThat(a.maxInFlight.get()).isLessThanOrEqualTo(2);
        assertThat(b.maxInFlight.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void beyondTheQueueRequestsAreRejectedClearlyAndTheRestServed() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        FakeTarget a = new FakeTarget("a").always(Script.answer("ok").gated(gate));
        Router router = Router.builder().target(Target.local("a", a).maxConcurrent(2).maxQueued(3).build())
                .whenBusy(WhenBusy.REJECT).build();
        AtomicInteger rejected = new AtomicInteger();
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            outcomes.add(pool.submit(() -> {
                try {
                    return router.generate("x").text().equals("ok");
                } catch (TargetBusyException e) {
                    assertThat(e.target()).isEqualTo("a");
                    assertThat(e).hasMessageContaining("target 'a' of router 'router' is busy: 2 running and 3"
                            + " waiting, its limits; retry later");
                    assertThat(e.isRetryable()).isTrue();
                    rejected.incrementAndGet();
                    return false;
                }
            }));
        }
        // Two run (held by the gate), three wait, the other 95 are turned away at once.
        Await.until(() -> rejected.get() == 95, "95 rejections");
        gate.countDown();
        int served = 0;
        for (Future<Boolean> f : outcomes) {
            served += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(served).isEqualTo(5);
        assertThat(a.maxInFlight).hasValue(2);
    }

    @Test
    void aRequestWaitsInTheQueueNoLongerThanAllowed() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        FakeTarget a = new FakeTarget("a").always(Script.answer("ok").gated(gate));
        FakeTarget b = new FakeTarget("b");
        Router rejecting = Router.builder().target(Target.local("a", a).maxConcurrent(1).maxQueued(1).build())
                .whenBusy(WhenBusy.REJECT).maxQueueWait(Duration.ofMillis(30)).build();
        GenerationStream holder = rejecting.stream(GenerationRequest.of("hold"));
        try {
            assertThatThrownBy(() -> rejecting.generate("waits")).isInstanceOf(TargetBusyException.class)
                    .hasMessageContaining("busy: no slot came free within PT0.03S");
        } finally {
            gate.countDown();
            holder.close();
        }
        CountDownLatch gate2 = new CountDownLatch(1);
        a.always(Script.answer("ok").gated(gate2));
        Router moving = Router.builder().target(Target.local("a", a).maxConcurrent(1).maxQueued(1).build())
                .target(Target.local("b", b).build()).maxQueueWait(Duration.ofMillis(30)).build();
        GenerationStream holder2 = moving.stream(GenerationRequest.of("hold"));
        try {
            assertThat(moving.generate("waits").routing().orElseThrow().attempts()).extracting(Object::toString)
                    .containsExactly("a: skipped (busy: no slot came free within PT0.03S)", "b: answered");
        } finally {
            gate2.countDown();
            holder2.close();
        }
    }

    @Test
    void everyTargetBusyIsNoTargetAvailable() {
        CountDownLatch gate = new CountDownLatch(1);
        FakeTarget a = new FakeTarget("a").always(Script.answer("ok").gated(gate));
        Router router = Router.builder().target(Target.local("a", a).maxConcurrent(1).build()).build();
        GenerationStream holder = router.stream(GenerationRequest.of("hold"));
        try {
            assertThatThrownBy(() -> router.generate("x")).isInstanceOfSatisfying(NoTargetAvailableException.class,
                    e -> {
                        assertThat(e).hasMessage("no target of router 'router' answered: a: skipped (busy: 1"
                                + " running and 0 waiting, its limits) [prefer-local ranked [a]]; every target was"
                                + " passed over; retry later, or raise the targets' limits");
                        assertThat(e.isRetryable()).isTrue();
                    });
        } finally {
            gate.countDown();
            holder.close();
        }
    }
}
