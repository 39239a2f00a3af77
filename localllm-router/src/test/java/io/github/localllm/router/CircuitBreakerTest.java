package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.RoutingDecision;
import io.github.localllm.event.CircuitBreakerChanged;
import io.github.localllm.event.CircuitBreakerChanged.State;
import io.github.localllm.event.LocalLlmEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Closed, open for a cooldown after N consecutive failures, then a single half-open probe. */
class CircuitBreakerTest {
    private final FakeTarget a = new FakeTarget("a");
    private final FakeTarget b = new FakeTarget("b");
    private final MutableClock clock = new MutableClock();
    private final List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
    private final Router router = Router.builder().name("r")
            .target(Target.local("a", a).build()).target(Target.local("b", b).build())
            .retries(0).circuitBreaker(2, Duration.ofSeconds(30)).clock(clock).listener(events::add).build();

    private List<String> changes() {
        return events.stream().filter(e -> e instanceof CircuitBreakerChanged).map(e -> (CircuitBreakerChanged) e)
                .map(e -> e.target() + " " + e.from() + "->" + e.to() + ": " + e.reason()).toList();
    }

    @Test
    void opensAfterConsecutiveFailuresAndThenCostsNothing() {
        a.always(Script.refuse(new BackendUnavailableException("connection refused")));
        router.generate("1");
        assertThat(changes()).isEmpty();
        router.generate("2");
        assertThat(changes()).containsExactly("a CLOSED->OPEN: 2 consecutive failures, the last: connection refused");
        for (int i = 0; i < 10; i++) {
            RoutingDecision d = router.generate("more").routing().orElseThrow();
            assertThat(d.target()).isEqualTo("b");
            assertThat(d.fallback()).isTrue();
            assertThat(d.attempts().get(0).toString()).startsWith("a: skipped (its circuit breaker is open until"
                    + " 2026-01-01T00:00:30Z after 2 consecutive failures (the last: connection refused))");
        }
        assertThat(a.calls).hasValue(2);
    }

    @Test
    void aSuccessInBetweenResetsTheCount() {
        a.then(Script.refuse(new BackendUnavailableException("blip")));
        router.generate("1");
        router.generate("2");
        a.then(Script.refuse(new BackendUnavailableException("blip")));
        router.generate("3");
        assertThat(changes()).isEmpty();
    }

    @Test
    void badRequestsSayNothingAboutTheTarget() {
        a.always(Script.refuse(new InvalidRequestException("bad")));
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> router.generate("x")).isInstanceOf(InvalidRequestException.class);
        }
        assertThat(changes()).isEmpty();
    }

    @Test
    void afterTheCooldownOneProbeDecides() {
        a.always(Script.refuse(new BackendUnavailableException("down")));
        router.generate("1");
        router.generate("2");
        clock.advance(Duration.ofSeconds(29));
        router.generate("3");
        assertThat(a.calls).hasValue(2);
        clock.advance(Duration.ofSeconds(1));
        // The probe fails: open again for another cooldown.
        assertThat(router.generate("4").routing().orElseThrow().target()).isEqualTo("b");
        assertThat(a.calls).hasValue(3);
        router.generate("5");
        assertThat(a.calls).hasValue(3);
        clock.advance(Duration.ofSeconds(30));
        a.always(Script.answer("back"));
        assertThat(router.generate("6").routing().orElseThrow().target()).isEqualTo("a");
        assertThat(router.generate("7").routing().orElseThrow().target()).isEqualTo("a");
        assertThat(changes()).containsExactly(
                "a CLOSED->OPEN: 2 consecutive failures, the last: down",
                "a OPEN->HALF_OPEN: the cooldown of PT30S ended; one probe request goes through",
                "a HALF_OPEN->OPEN: the probe request failed: down",
                "a OPEN->HALF_OPEN: the cooldown of PT30S ended; one probe request goes through",
                "a HALF_OPEN->CLOSED: the probe request succeeded");
    }

    @Test
    void onlyOneProbeAtATime() throws Exception {
        a.always(Script.refuse(new BackendUnavailableException("down")));
        router.generate("1");
        router.generate("2");
        clock.advance(Duration.ofSeconds(30));
        CountDownLatch gate = new CountDownLatch(1);
        a.always(Script.answer("slow probe").gated(gate));
        try (GenerationStream probe = router.stream(GenerationRequest.of("probe"))) {
            // While the probe runs, others pass a over.
            RoutingDecision d = router.generate("meanwhile").routing().orElseThrow();
            assertThat(d.target()).isEqualTo("b");
            assertThat(d.attempts().get(0).toString()).isEqualTo("a: skipped (its circuit breaker is half-open and"
                    + " its one probe request is under way)");
            gate.countDown();
            assertThat(probe.result().routing().orElseThrow().target()).isEqualTo("a");
        }
        assertThat(router.generate("after").routing().orElseThrow().target()).isEqualTo("a");
    }

    @Test
    void aCancelledProbeLetsTheNextRequestProbe() {
        a.always(Script.refuse(new BackendUnavailableException("down")));
        router.generate("1");
        router.generate("2");
        clock.advance(Duration.ofSeconds(30));
        a.always(Script.stalling());
        GenerationStream probe = router.stream(GenerationRequest.of("probe"));
        probe.close();
        a.always(Script.answer("ok"));
        assertThat(router.generate("next").routing().orElseThrow().target()).isEqualTo("a");
        assertThat(changes()).last().isEqualTo("a HALF_OPEN->CLOSED: the probe request succeeded");
    }

    @Test
    void whenEveryBreakerIsOpenTheRequestFailsFast() {
        a.always(Script.refuse(new BackendUnavailableException("a down")));
        b.always(Script.refuse(new BackendUnavailableException("b down")));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> router.generate("x")).isInstanceOf(NoTargetAvailableException.class);
        }
        int calls = a.calls.get() + b.calls.get();
        assertThatThrownBy(() -> router.generate("x")).isInstanceOfSatisfying(NoTargetAvailableException.class, e -> {
            assertThat(e.getMessage()).contains("a: skipped (its circuit breaker is open", "b: skipped (its circuit"
                    + " breaker is open", "every target was passed over; retry later");
            assertThat(e.isRetryable()).isTrue();
        });
        assertThat(a.calls.get() + b.calls.get()).isEqualTo(calls);
        assertThat(changes()).extracting(s -> s.substring(0, 15)).containsExactly("a CLOSED->OPEN:", "b CLOSED->OPEN:");
        assertThat(State.values()).hasSize(3);
    }
}
