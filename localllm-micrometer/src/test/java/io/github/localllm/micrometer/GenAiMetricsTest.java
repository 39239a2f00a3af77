package io.github.localllm.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;
import io.github.localllm.Usage;
import io.github.localllm.router.Locality;
import io.github.localllm.router.RequestMetrics;
import io.github.localllm.router.Router;
import io.github.localllm.router.Target;
import io.github.localllm.spi.ChunkFeed;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A router's attempts become OpenTelemetry GenAI meters in a Micrometer registry. */
class GenAiMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Answers "a b" with 5 prompt and 2 generated tokens; fails instead while {@code failing} is set. */
    private static final class TwoTokens implements LanguageModel {
        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public GenerationResult generate(GenerationRequest request) {
            try (GenerationStream s = stream(request)) {
                return s.result();
            }
        }

        @Override
        public GenerationStream stream(GenerationRequest request) {
            if (failing.get()) {
                throw new GenerationException("the engine broke");
            }
            int[] sent = {0};
            return ChunkFeed.builder("two").pull(f -> {
                if (sent[0] < 2) {
                    return f.text(sent[0]++ == 0 ? "a" : " b");
                }
                f.finish(FinishReason.STOP, new Usage(5, 2));
                return false;
            }).build().stream();
        }

        @Override
        public EmbeddingResult embed(EmbeddingRequest request) {
            throw new AssertionError("the metrics test never asks to embed");
        }
    }

    @Test
    void answersAndFailuresBecomeGenAiMeters() {
        TwoTokens local = new TwoTokens();
        TwoTokens cloud = new TwoTokens();
        Router router = Router.builder().name("main")
                .target(Target.local("gpu", local).build())
                .target(Target.cloud("openai", cloud).build())
                .retries(0)
                .metricsListener(GenAiMetrics.of(registry))
                .build();
        router.generate(GenerationRequest.builder().user("hi").build());
        try (GenerationStream s = router.stream(GenerationRequest.builder().user("hi").build())) {
            s.result();
        }
        local.failing.set(true);
        router.generate(GenerationRequest.builder().user("hi").build());

        Timer answered = registry.get(GenAiMetrics.OPERATION_DURATION).tag("localllm.target", "gpu")
                .tag("localllm.outcome", "answered").timer();
        assertThat(answered.count()).isEqualTo(2);
        assertThat(answered.getId().getTag("gen_ai.operation.name")).isEqualTo("chat");
        // A LanguageModel that is no ModelInstance says neither its engine nor its model: the target's name stands in.
        assertThat(answered.getId().getTag("gen_ai.provider.name")).isEqualTo("gpu");
        assertThat(answered.getId().getTag("gen_ai.response.model")).isEqualTo("two");
        assertThat(answered.getId().getTag("localllm.locality")).isEqualTo("local");
        assertThat(answered.getId().getTag("localllm.router")).isEqualTo("main");
        assertThat(answered.getId().getTag("error.type")).isEmpty();

        Timer failed = registry.get(GenAiMetrics.OPERATION_DURATION).tag("localllm.outcome", "failed").timer();
        assertThat(failed.count()).isEqualTo(1);
        assertThat(failed.getId().getTag("error.type")).isEqualTo("GenerationException");

        DistributionSummary input = registry.get(GenAiMetrics.TOKEN_USAGE).tag("gen_ai.token.type", "input")
                .tag("localllm.target", "gpu").summary();
        assertThat(input.count()).isEqualTo(2);
        assertThat(input.totalAmount()).isEqualTo(10);
        assertThat(input.getId().getBaseUnit()).isEqualTo("{token}");
        DistributionSummary output = registry.get(GenAiMetrics.TOKEN_USAGE).tag("gen_ai.token.type", "output")
                .tag("localllm.target", "openai").summary();
        assertThat(output.count()).isEqualTo(1);
        assertThat(output.totalAmount()).isEqualTo(2);

        // Only the streamed answer has a time to first chunk.
        Timer firstChunk = registry.get(GenAiMetrics.TIME_TO_FIRST_CHUNK).tag("localllm.target", "gpu").timer();
        assertThat(firstChunk.count()).isEqualTo(1);
        assertThat(registry.get(GenAiMetrics.TIME_TO_FIRST_CHUNK).tag("localllm.target", "openai").timer().count())
                .isZero();
    }

    @Test
    void bucketsAreTheConventionsExplicitBoundaries() {
        GenAiMetrics metrics = GenAiMetrics.of(registry);
        metrics.onRequest(new RequestMetrics("r", "t", "ollama", "qwen", Locality.LOCAL,
                RequestMetrics.Operation.EMBEDDINGS, RequestMetrics.Outcome.ANSWERED, false, false, "", 300, 0,
                Duration.ofMillis(150), Optional.empty(), 0));
        Timer duration = registry.get(GenAiMetrics.OPERATION_DURATION).timer();
        assertThat(duration.getId().getTag("gen_ai.operation.name")).isEqualTo("embeddings");
        assertThat(duration.getId().getTag("gen_ai.provider.name")).isEqualTo("ollama");
        List<Double> bounds = java.util.Arrays.stream(duration.takeSnapshot().histogramCounts())
                .map(c -> c.bucket(java.util.concurrent.TimeUnit.SECONDS)).toList();
        assertThat(bounds).hasSize(14).startsWith(0.01, 0.02).endsWith(81.92);
        var counts = duration.takeSnapshot().histogramCounts();
        assertThat(counts[3].count()).isZero();
        assertThat(counts[4].count()).isEqualTo(1);
        DistributionSummary tokens = registry.get(GenAiMetrics.TOKEN_USAGE).summary();
        assertThat(tokens.takeSnapshot().histogramCounts()).hasSize(14);
        assertThat(tokens.takeSnapshot().histogramCounts()[13].bucket()).isEqualTo(67108864);
        // No output tokens reported: nothing recorded for them, and no first chunk for a whole answer.
        assertThat(registry.find(GenAiMetrics.TOKEN_USAGE).tag("gen_ai.token.type", "output").summary().count())
                .isZero();
        assertThat(registry.find(GenAiMetrics.TIME_TO_FIRST_CHUNK).timer().count()).isZero();
    }
}
