package io.github.localllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelFit;
import io.github.localllm.registry.RepoFile;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** FindModel's choice among planned repositories, as the catalog recommends. */
class CandidateTest {

    private static Candidate planned(String repository, boolean runnable, String level, double tokensPerSecond) {
        GgufVariant v = new GgufVariant(repository, "main", Optional.of("Q4_K_M"),
                List.of(new RepoFile("m-Q4_K_M.gguf", 1_000, Optional.empty())), Optional.empty());
        ModelFit fit = new ModelFit(runnable, level, "llama.cpp", 0, 4096, 4096, 1_000,
                tokensPerSecond < 0 ? OptionalDouble.empty() : OptionalDouble.of(tokensPerSecond), "plan");
        return new Candidate(repository, 0, Optional.empty(), Optional.of(v), Optional.of(fit), "");
    }

    private static final Candidate MARGINAL_FAST = planned("a/marginal", true, "MARGINAL", 50);
    private static final Candidate OPTIMAL_SLOW = planned("b/slow", true, "OPTIMAL", 3);
    private static final Candidate CONSTRAINED_FAST = planned("c/fast", true, "CONSTRAINED", 12);
    private static final Candidate TOO_BIG = planned("d/big", false, "INCOMPATIBLE", -1);

    @Test
    void theFirstThatRunsWellAtInteractiveSpeedWins() {
        assertThat(Candidate.choose(List.of(TOO_BIG, MARGINAL_FAST, OPTIMAL_SLOW, CONSTRAINED_FAST), true))
                .hasValue(CONSTRAINED_FAST);
    }

    @Test
    void theSpeedFloorStepsDownUntilSomethingRunsWell() {
        assertThat(Candidate.choose(List.of(MARGINAL_FAST, OPTIMAL_SLOW), true)).hasValue(OPTIMAL_SLOW);
    }

    @Test
    void embeddingsHaveNoSpeedFloorAndAnUnknownSpeedIsNoObstacle() {
        assertThat(Candidate.choose(List.of(OPTIMAL_SLOW, CONSTRAINED_FAST), false)).hasValue(OPTIMAL_SLOW);
        Candidate unknown = planned("e/unknown", true, "COMFORTABLE", -1);
        assertThat(Candidate.choose(List.of(OPTIMAL_SLOW, unknown), true)).hasValue(unknown);
    }

    @Test
    void aMarginalFitIsTakenOnlyWhenNothingElseRunsAndNothingIsChosenWhenNothingRuns() {
        assertThat(Candidate.choose(List.of(TOO_BIG, MARGINAL_FAST), true)).hasValue(MARGINAL_FAST);
        assertThat(Candidate.choose(List.of(TOO_BIG, Candidate.unusable("f/gated", 9, "gated")), true)).isEmpty();
    }
}
