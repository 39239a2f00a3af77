package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.RoutingAttempt;
import io.github.localllm.RoutingDecision;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whole answers: fallback down the ranking, retries of what may pass, no retry of a bad request. */
class FailoverTest {
    private final FakeTarget a = new FakeTarget("a", null, 4096);
    private final FakeTarget b = new FakeTarget("b", null, 2048);
    private final FakeTarget c = new FakeTarget("c", null, 32768);

    private Router.Builder builder() {
        return Router.builder().target(Target.local("a", a).build()).target(Target.local("b", b).build())
                .target(Target.cloud("c", c).build()).retryDelay(Duration.ofMillis(1));
    }

    @Test
    void aFailedTargetFallsBackToTheNext() {
        a.always(Script.refuse(new ModelNotFoundException("model a-model is not installed")));
        GenerationResult r = builder().build().generate("hi");
        RoutingDecision d = r.routing().orElseThrow();
        assertThat(d.target()).isEqualTo("b");
        assertThat(d.model()).isEqualTo("b-model");
        assertThat(d.fallback()).isTrue();
        assertThat(d.continued()).isFalse();
        assertThat(d.attempts()).extracting(RoutingAttempt::target, RoutingAttempt::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", RoutingAttempt.Outcome.FAILED),
                org.assertj.core.groups.Tuple.tuple("b", RoutingAttempt.Outcome.ANSWERED));
        assertThat(d.failures().get(0).error()).get().isInstanceOf(ModelNotFoundException.class);
        // Not retryable: tried once.
        assertThat(a.calls).hasValue(1);
    }

    @Test
    void retryableFailuresAreRetriedOnTheSameTargetFirst() {
        a.then(Script.refuse(new BackendUnavailableException("connection refused")));
        RoutingDecision d = builder().retries(1).build().generate("hi").routing().orElseThrow();
        assertThat(d.target()).isEqualTo("a");
        assertThat(d.fallback()).isFalse();
        assertThat(a.calls).hasValue(2);
        assertThat(d.attempts()).extracting(RoutingAttempt::toString)
                .containsExactly("a: failed (connection refused)", "a: answered");
    }

    @Test
    void retriesAreBoundedThenTheNextTargetAnswers() {
        a.always(Script.refuse(new GenerationTimeoutException("too slow")));
        RoutingDecision d = builder().retries(2).build().generate("hi").routing().orElseThrow();
        assertThat(a.calls).hasValue(3);
        assertThat(d.target()).isEqualTo("b");
    }

    @Test
    void noRetriesMovesOnAtOnce() {
        a.always(Script.refuse(new BackendUnavailableException("down")));
        assertThat(builder().retries(0).build().generate("hi").routing().orElseThrow().target()).isEqualTo("b");
        assertThat(a.calls).hasValue(1);
    }

    @Test
    void aRateLimitedTargetIsRetriedAfterTheWaitItAskedFor() {
        a.then(Script.refuse(new FakeTarget.Busy("429 Too Many Requests", Duration.ofMillis(30))));
        Router router = builder().retryDelay(Duration.ofHours(1)).build();
        long start = System.nanoTime();
        RoutingDecision d = router.generate("hi").routing().orElseThrow();
        long waited = System.nanoTime() - start;
        assertThat(d.target()).isEqualTo("a");
        assertThat(a.calls).hasValue(2);
        // The retry came after the target's 30 ms, not after the router's own 1 hour delay.
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
    }

    @Test
    void aWaitLongerThanAllowedMovesToTheNextTargetInstead() {
        a.then(Script.refuse(new FakeTarget.Busy("429 Too Many Requests", Duration.ofMinutes(5))));
        RoutingDecision d = builder().maxRetryAfter(Duration.ofSeconds(10)).build().generate("hi").routing()
                .orElseThrow();
        assertThat(d.target()).isEqualTo("b");
        assertThat(a.calls).hasValue(1);
    }

    @Test
    void aBadRequestIsNeverRetriedNorSentElsewhere() {
        a.always(Script.refuse(new InvalidRequestException("the tool schema is not JSON")));
        assertThatThrownBy(() -> builder().build().generate("hi")).isInstanceOf(InvalidRequestException.class)
                .hasMessage("the tool schema is not JSON");
        assertThat(a.calls).hasValue(1);
        assertThat(b.calls.get() + c.calls.get()).isZero();
    }

    @Test
    void aContextOverflowGoesToATargetWithALargerContext() {
        a.always(Script.refuse(new ContextOverflowException(5000, 4096)));
        RoutingDecision d = builder().build().generate("a long prompt").routing().orElseThrow();
        assertThat(d.target()).isEqualTo("c");
        assertThat(d.attempts()).extracting(RoutingAttempt::toString).containsExactly(
                "a: failed (the prompt is 5000 tokens but the context holds 4096; shorten the prompt or load the"
                        + " model with a larger context size (contextSize / localllm.context.size))",
                "b: skipped (its context of 2048 tokens is too small for the prompt (5000 tokens needed))",
                "c: answered");
        assertThat(b.calls).hasValue(0);
        assertThat(a.calls).hasValue(1);
    }

    @Test
    void aPromptTooLongForEveryTargetIsTheCallersToFix() {
        c.always(Script.refuse(new ContextOverflowException(50_000, 32768)));
        a.always(Script.refuse(new ContextOverflowException(50_000, 4096)));
        assertThatThrownBy(() -> builder().build().generate("a very long prompt"))
                .isInstanceOf(ContextOverflowException.class).hasMessageContaining("50000 tokens");
        assertThat(b.calls).hasValue(0);
    }

    @Test
    void attemptsGetGrowingTimeBudgets() {
        a.always(Script.refuse(new GenerationTimeoutException("slow")));
        b.always(Script.refuse(new GenerationTimeoutException("slow")));
        builder().retries(1).attemptTimeout(Duration.ofSeconds(10), 2).build().generate("hi");
        assertThat(a.requests).extracting(GenerationRequest::timeout)
                .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20));
        assertThat(b.requests).extracting(GenerationRequest::timeout)
                .containsExactly(Duration.ofSeconds(40), Duration.ofSeconds(80));
        assertThat(c.lastRequest().timeout()).isEqualTo(Duration.ofSeconds(160));
    }

    @Test
    void theRequestsOwnTimeoutBoundsEveryAttempt() {
        a.always(Script.refuse(new GenerationTimeoutException("slow")));
        builder().retries(0).attemptTimeout(Duration.ofSeconds(10), 2).build()
                .generate(GenerationRequest.builder().prompt("hi").timeout(Duration.ofSeconds(5)).build());
        assertThat(a.lastRequest().timeout()).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(b.lastRequest().timeout()).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void whenTheRequestsTimeIsUpNoFurtherTargetIsTried() {
        a.always(Script.stalling());
        assertThatThrownBy(() -> builder().retries(0).build()
                .generate(GenerationRequest.builder().prompt("hi").timeout(Duration.ofMillis(50)).build()))
                .isInstanceOfSatisfying(GenerationTimeoutException.class, e -> {
                    assertThat(e).hasMessageStartingWith("no target of router 'router' answered within the request's"
                            + " timeout of PT0.05S; a: failed (a-model did not finish within PT0.05S");
                    assertThat(e.isRetryable()).isTrue();
                });
        assertThat(b.calls.get() + c.calls.get()).isZero();
    }

    @Test
    void aStallEndsWhenTheAttemptsBudgetRunsOutAndTheNextTargetAnswers() {
        a.always(Script.stalling());
        RoutingDecision d = builder().retries(0).attemptTimeout(Duration.ofMillis(50), 1).build().generate("hi")
                .routing().orElseThrow();
        assertThat(d.target()).isEqualTo("b");
        assertThat(d.failures().get(0).error()).get().isInstanceOf(GenerationTimeoutException.class);
        // The engine's timer cancels it right after it reports the timeout.
        Await.until(() -> a.inFlight.get() == 0, "the stalled attempt is cancelled");
    }

    @Test
    void aTargetThatThrowsSomethingElseIsAFailureToo() {
        io.github.localllm.LanguageModel broken = new io.github.localllm.LanguageModel() {
            @Override
            public GenerationResult generate(GenerationRequest request) {
                throw new IllegalStateException("bug in a third-party engine");
            }

            @Override
            public io.github.localllm.GenerationStream stream(GenerationRequest request) {
                throw new IllegalStateException("bug in a third-party engine");
            }

            @Override
            public io.github.localllm.EmbeddingResult embed(io.github.localllm.EmbeddingRequest request) {
                throw new IllegalStateException("bug in a third-party engine");
            }
        };
        Router router = Router.builder().target(Target.local("broken", broken).build())
                .target(Target.local("b", b).build()).build();
        RoutingDecision d = router.generate("hi").routing().orElseThrow();
        assertThat(d.target()).isEqualTo("b");
        assertThat(d.failures().get(0).detail()).isEqualTo("target 'broken' failed unexpectedly:"
                + " java.lang.IllegalStateException: bug in a third-party engine");
    }

    @Test
    void whenEveryTargetFailsTheExceptionNamesEach() {
        a.always(Script.refuse(new ModelNotFoundException("a: not installed")));
        b.always(Script.refuse(new GenerationException("b: crashed")));
        c.always(Script.refuse(new BackendUnavailableException("c: 503")));
        Router router = builder().retries(0).build();
        assertThatThrownBy(() -> router.generate("hi")).isInstanceOfSatisfying(NoTargetAvailableException.class, e -> {
            assertThat(e).hasMessage("no target of router 'router' answered: a: failed (a: not installed); b: failed"
                    + " (b: crashed); c: failed (c: 503) [prefer-local ranked [a, b, c]]; check the targets named"
                    + " above, or add another target");
            assertThat(e.attempts()).hasSize(3);
            assertThat(e.getCause()).hasMessage("c: 503");
            assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("a: not installed",
                    "b: crashed");
            assertThat(e.isRetryable()).isTrue();
        });
    }

    @Test
    void failuresNoRetryCanHelpAreNotRetryable() {
        a.always(Script.refuse(new ModelNotFoundException("a: not installed")));
        b.always(Script.refuse(new ModelNotFoundException("b: not installed")));
        c.always(Script.refuse(new ModelNotFoundException("c: not installed")));
        assertThatThrownBy(() -> builder().build().generate("hi"))
                .isInstanceOfSatisfying(NoTargetAvailableException.class, e -> assertThat(e.isRetryable()).isFalse());
    }

    @Test
    void embeddingsFallBackToo() {
        a.always(Script.refuse(new BackendUnavailableException("down")));
        assertThat(builder().retries(0).build().embed(io.github.localllm.EmbeddingRequest.of("x")).model())
                .isEqualTo("b-model");
    }
}
