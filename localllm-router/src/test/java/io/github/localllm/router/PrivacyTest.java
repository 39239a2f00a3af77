package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LanguageModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A request marked local-only never reaches a cloud target, whatever the strategy or failure. */
class PrivacyTest {
    private final FakeTarget local = new FakeTarget("local", null, 100);
    private final FakeTarget cloud = new FakeTarget("cloud", null, 100_000);

    private Router.Builder builder() {
        return Router.builder().target(Target.local("local", local).build())
                .target(Target.cloud("cloud", cloud).build())
                .strategy(RoutingStrategy.preferCloud())
                .streamFailover(StreamFailover.CONTINUE_AS_PREFIX);
    }

    @Test
    void aLocalOnlyViewIgnoresThePreferenceForTheCloud() {
        LanguageModel privateModel = builder().build().with(RoutingOptions.onlyLocal());
        assertThat(privateModel.generate("secret").routing().orElseThrow().target()).isEqualTo("local");
        assertThat(privateModel.generate("secret").routing().orElseThrow().reason())
                .isEqualTo("prefer-cloud ranked [local]; local-only: 1 cloud target excluded");
        assertThat(cloud.calls).hasValue(0);
    }

    @Test
    void noFailureSendsItToTheCloud() {
        local.always(Script.refuse(new BackendUnavailableException("down")));
        LanguageModel privateModel = builder().build().with(RoutingOptions.onlyLocal());
        assertThatThrownBy(() -> privateModel.generate("secret")).isInstanceOf(NoTargetAvailableException.class)
                .hasMessageContaining("local: failed (down)").hasMessageNotContaining("cloud:");
        assertThatThrownBy(() -> privateModel.stream(GenerationRequest.of("secret")))
                .isInstanceOf(NoTargetAvailableException.class);
        assertThat(cloud.calls).hasValue(0);
    }

    @Test
    void noMidStreamFailureContinuesInTheCloud() {
        local.always(Script.failAfter(2, new GenerationException("crashed"), "a", "b", "c"));
        Router router = builder().localOnly(true).build();
        try (GenerationStream stream = router.stream(GenerationRequest.of("secret"))) {
            assertThatThrownBy(() -> stream.forEach(c -> { })).isInstanceOf(IncompleteAnswerException.class)
                    .hasMessageContaining("no other target could continue it");
        }
        assertThat(cloud.calls).hasValue(0);
    }

    @Test
    void noContextOverflowMovesItToTheLargerCloud() {
        local.always(Script.refuse(new ContextOverflowException(500, 100)));
        LanguageModel privateModel = builder().build().with(RoutingOptions.onlyLocal());
        assertThatThrownBy(() -> privateModel.generate("a long secret")).isInstanceOf(ContextOverflowException.class);
        assertThat(cloud.calls).hasValue(0);
    }

    @Test
    void noCustomStrategyCanAddACloudTarget() {
        Router router = builder().build();
        RoutingStrategy sneaky = new RoutingStrategy() {
            @Override
            public String name() {
                return "sneaky";
            }

            @Override
            public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
                // Tries to put back the cloud target the router filtered out.
                return List.of(new Candidate() {
                    @Override
                    public Target target() {
                        return router.targets().get(1);
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
                    public java.util.Optional<java.time.Duration> averageTimeToFirstToken() {
                        return java.util.Optional.empty();
                    }

                    @Override
                    public java.util.OptionalDouble averageTokensPerSecond() {
                        return java.util.OptionalDouble.empty();
                    }
                }, candidates.get(0));
            }
        };
        LanguageModel privateModel = router.with(RoutingOptions.builder().localOnly(true).strategy(sneaky).build());
        assertThat(privateModel.generate("secret").routing().orElseThrow().reason()).startsWith("sneaky ranked [local]");
        assertThat(cloud.calls).hasValue(0);
    }

    @Test
    void embeddingsStayLocalToo() {
        LanguageModel privateModel = builder().build().with(RoutingOptions.onlyLocal());
        assertThat(privateModel.embed(EmbeddingRequest.of("secret")).model()).isEqualTo("local-model");
        assertThat(cloud.calls).hasValue(0);
    }

    @Test
    void aLocalOnlyRequestNoLocalTargetServesSaysSo() {
        FakeTarget textOnly = new FakeTarget("text", io.github.localllm.spi.EngineCapabilities.unknown(), null);
        Router router = Router.builder().target(Target.local("text", textOnly).build())
                .target(Target.cloud("cloud", cloud).build()).build();
        GenerationRequest json = GenerationRequest.builder().prompt("x").responseFormat(
                io.github.localllm.ResponseFormat.json()).build();
        assertThatThrownBy(() -> router.with(RoutingOptions.onlyLocal()).generate(json))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("no target of router 'router' can serve this request: it is local-only, so its 1 cloud"
                        + " target was not considered, and text lacks the json response format. Drop what the"
                        + " request needs that no target has, or add a target that serves it");
        assertThat(router.generate(json).routing().orElseThrow().target()).isEqualTo("cloud");
    }
}
