package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.event.BudgetThresholdReached;
import io.github.localllm.event.CircuitBreakerChanged;
import io.github.localllm.event.FallbackTriggered;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.RequestRouted;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The routing decision on results, and the parts added to the API for routers. */
class RoutingDecisionTest {
    private static final GenerationMetrics METRICS = new GenerationMetrics(Duration.ZERO, Duration.ZERO,
            Duration.ZERO, 0, 0);

    private static RoutingDecision decision() {
        GenerationException down = new GenerationException("connection reset");
        return new RoutingDecision("b", "b-model", "prefer-local", "prefer-local ranked [a, b]", List.of(
                RoutingAttempt.skipped("x", "its circuit breaker is open"),
                RoutingAttempt.failed("a", down, Duration.ofMillis(5), 3),
                RoutingAttempt.answered("b", Duration.ofMillis(9), 7)), true);
    }

    @Test
    void resultsFromEnginesHaveNoDecision() {
        GenerationResult plain = new GenerationResult("hi", FinishReason.STOP, new Usage(1, 1), METRICS, "m");
        assertThat(plain.routing()).isEmpty();
        assertThat(GenerationResult.builder().finishReason(FinishReason.STOP).usage(new Usage(1, 1)).metrics(METRICS)
                .model("m").build().routing()).isEmpty();
        assertThat(new GenerationResult("hi", FinishReason.STOP, new Usage(1, 1), METRICS, "m", "", List.of(),
                List.of()).routing()).isEmpty();
        assertThat(new GenerationResult("hi", FinishReason.STOP, new Usage(1, 1), METRICS, "m", "", List.of(),
                List.of(), null).routing()).isEmpty();
    }

    @Test
    void theBuilderCarriesTheDecision() {
        GenerationResult plain = new GenerationResult("hi", FinishReason.STOP, new Usage(1, 1), METRICS, "m");
        RoutingDecision decision = decision();
        GenerationResult routed = plain.toBuilder().routing(decision).build();
        assertThat(routed.routing()).containsSame(decision);
        assertThat(routed.toBuilder().build()).isEqualTo(routed);
        assertThat(routed.toBuilder().routing(null).build()).isEqualTo(plain);
    }

    @Test
    void decisionsSayWhatFailedAndWhetherAnAnswerWasContinued() {
        RoutingDecision d = decision();
        assertThat(d.failures()).extracting(RoutingAttempt::target).containsExactly("a");
        assertThat(d.continued()).isTrue();
        assertThat(d.attempts().get(1).error()).get().extracting(Throwable::getMessage).isEqualTo("connection reset");
        assertThat(d.attempts().get(1)).hasToString("a: failed after 3 chunks (connection reset)");
        assertThat(d.attempts().get(0)).hasToString("x: skipped (its circuit breaker is open)");
        assertThat(d.attempts().get(2)).hasToString("b: answered");
        RoutingDecision clean = new RoutingDecision("a", "m", "s", null, null, false);
        assertThat(clean.continued()).isFalse();
        assertThat(clean.failures()).isEmpty();
        assertThat(clean.reason()).isEmpty();
        assertThatThrownBy(() -> new RoutingAttempt("a", RoutingAttempt.Outcome.ANSWERED, "", Duration.ZERO, -1,
                Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exceptionsSayNoWaitUnlessTheyKnow() {
        assertThat(new GenerationException("x").retryAfter()).isEmpty();
        assertThat(new BackendUnavailableException("x").retryAfter()).isEmpty();
    }

    @Test
    void routerEventsAreLocalLlmEvents() {
        Instant now = Instant.now();
        List<LocalLlmEvent> events = List.of(new RequestRouted(now, "r", decision()),
                new FallbackTriggered(now, "r", "a", "b", new GenerationException("x"), 0),
                new CircuitBreakerChanged(now, "r", "a", CircuitBreakerChanged.State.CLOSED,
                        CircuitBreakerChanged.State.OPEN, null),
                new BudgetThresholdReached(now, "r", BudgetThresholdReached.Period.DAY,
                        BudgetThresholdReached.Level.WARNING, 8, 10, java.time.LocalDate.of(2026, 11, 30)));
        for (LocalLlmEvent e : events) {
            String kind;
            if (e instanceof RequestRouted r) {
                kind = "routed to " + r.decision().target();
            } else if (e instanceof FallbackTriggered f) {
                kind = f.from() + " -> " + f.to();
            } else if (e instanceof CircuitBreakerChanged c) {
                kind = c.target() + " " + c.to() + c.reason();
            } else if (e instanceof BudgetThresholdReached b) {
                kind = b.period() + " " + b.level() + " " + b.fraction();
            } else {
                kind = "other";
            }
            assertThat(kind).isIn("routed to b", "a -> b", "a OPEN", "DAY WARNING 0.8");
        }
    }
}
