package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.RoutingDecision;
import org.junit.jupiter.api.Test;

class QualityStrategyTest {
    /** A fake target's model is named after it with "-model" appended. */
    private final FakeTarget small = new FakeTarget("qwen2.5:3b");
    private final FakeTarget coder = new FakeTarget("qwen2.5-coder:7b");
    private final FakeTarget cloud = new FakeTarget("gpt-4o");

    private Router router(QualityRanking ranking) {
        return Router.builder().target(Target.local("laptop", small).build())
                .target(Target.local("coder", coder).build())
                .target(Target.cloud("cloud", cloud).build())
                .strategy(RoutingStrategy.qualityOptimized(ranking)).build();
    }

    private static RoutingDecision decision(io.github.localllm.GenerationResult r) {
        return r.routing().orElseThrow();
    }

    @Test
    void theBestModelForTheTaskGoesFirstAndUnscoredTargetsLast() {
        QualityRanking ranks = QualityRanking.builder()
                .score("gpt-4o-model", 0.9).score("qwen2.5-coder:7b-model", 0.6)
                .score(TaskType.CODE, "qwen2.5-coder:7b-model", 0.95)
                .build();
        Router router = router(ranks);
        RoutingDecision chat = decision(router.generate(GenerationRequest.builder().user("hi").build()));
        assertThat(chat.target()).isEqualTo("cloud");
        assertThat(chat.strategy()).isEqualTo("quality");
        assertThat(chat.reason()).contains("[cloud, coder, laptop]");
        RoutingDecision code = decision(router.with(RoutingOptions.task(TaskType.CODE)).generate("fix this"));
        assertThat(code.target()).isEqualTo("coder");
        assertThat(code.reason()).contains("[coder, cloud, laptop]");
    }

    @Test
    void aTargetsOwnScoreWinsOverItsModelsAndTiesKeepTheGivenOrder() {
        QualityRanking ranks = QualityRanking.builder().score("qwen2.5:3b-model", 0.1).score("laptop", 0.9)
                .score("gpt-4o-model", 0.9).build();
        assertThat(decision(router(ranks).generate("x")).target()).isEqualTo("laptop");
        assertThat(decision(router(QualityRanking.builder().build()).generate("x")).target())
                .as("nothing scored: the order given").isEqualTo("laptop");
    }

    @Test
    void badScoresAreRefused() {
        assertThatThrownBy(() -> QualityRanking.builder().score("a", Double.NaN))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("must be a number");
        assertThatThrownBy(() -> QualityRanking.builder().score(TaskType.CODE, " ", 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs a target or model name");
    }
}
