package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationRequest;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.ResponseFormat;
import io.github.localllm.SamplingParameters;
import io.github.localllm.Tokenizer;
import io.github.localllm.backend.llamaserver.internal.PortChooser;
import io.github.localllm.backend.llamaserver.internal.RestartPolicy;
import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import io.github.localllm.backend.openai.LlamaServerModel;
import io.github.localllm.backend.openai.ServerMetrics;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only llama-server offers, on the managed engine with the real b10470 binary and stories260K:
 * its tokenizer, {@link LlamaServerModel} (props, slots, metrics) reached with {@code unwrap},
 * embeddings only when started for them, grammars in the b10470 dialect; all of it still working
 * after the server was killed and restarted.
 */
@ExtendWith(NoOrphans.class)
class LlamaServerApiTest {
    private static final GenerationRequest SHORT = GenerationRequest.builder().prompt("Once upon a time")
            .sampling(SamplingParameters.greedy()).maxTokens(4).build();
    @TempDir
    Path dir;

    @AfterEach
    void nothingRuns() {
        assertThat(ServerProcess.running()).as("servers still running after the test").isEmpty();
    }

    private ModelInstance load(LlamaServerOptions options) {
        return TestEngines.backend(dir, RestartPolicy.DEFAULT, PortChooser.EPHEMERAL)
                .load(new ModelLoadRequest(ModelRef.file(TestEngines.model()), LoadOptions.builder().contextSize(256)
                        .threads(2).engineOptions(options).build()));
    }

    @Test
    void theTokenizerPropsSlotsAndMetricsAreTheServersAndSurviveARestart() {
        try (ModelInstance model = load(LlamaServerOptions.builder().parallel(2).build())) {
            Tokenizer tokenizer = model.tokenizer().orElseThrow();
            LlamaServerModel llama = model.unwrap(LlamaServerModel.class).orElseThrow();

            assertThat(tokenizer.tokenize("Once upon a time")).containsExactly(403, 407, 261, 378);
            assertThat(tokenizer.detokenize(new int[] {403, 407, 261, 378})).isEqualTo(" Once upon a time");
            assertThatThrownBy(() -> tokenizer.detokenize(new int[] {512})).isInstanceOf(InvalidRequestException.class);
            assertThat(llama.props().contextSize()).isEqualTo(256).isEqualTo(model.info().options().contextSize());
            assertThat(llama.props().totalSlots()).isEqualTo(2);
            assertThat(model.info().chatTemplate()).isNotEmpty().isEqualTo(llama.props().chatTemplate());
            assertThat(llama.slots()).hasSize(2);
            int generated = model.generate(SHORT).usage().completionTokens();
            ServerMetrics metrics = llama.metrics();
            assertThat(metrics.predictedTokens()).isEqualTo(generated);

            ManagedModel managed = model.unwrap(ManagedModel.class).orElseThrow();
            ServerProcess first = managed.server().orElseThrow();
            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
            first.awaitExit(java.time.Duration.ofSeconds(10));
            // The next calls wait for the restarted server and read its fresh counters.
            assertThat(tokenizer.tokenize("Once")).containsExactly(403);
            assertThat(llama.metrics().predictedTokens()).isZero();
            assertThat(managed.server().orElseThrow().pid()).isNotEqualTo(first.pid());
        }
    }

    @Test
    void withoutEmbeddingsTheModelSaysSoAndRefusesBeforeSendingNamingTheOption() {
        try (ModelInstance model = load(LlamaServerOptions.builder().metrics(false).build())) {
            assertThat(model.info().capabilities().embeddings()).isFalse();
            assertThat(model.info().capabilities().grammarDialect()).isEqualTo("llama.cpp b10470");
            assertThatThrownBy(() -> model.embed(EmbeddingRequest.of("Once upon a time")))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("embeddings(true)")
                    .hasMessageContaining(LlamaServerOptions.EMBEDDINGS_KEY);
            assertThatThrownBy(() -> model.unwrap(LlamaServerModel.class).orElseThrow().metrics())
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("metrics(false)");
            assertThat(model.generate(GenerationRequest.builder().user("Hi").maxTokens(8)
                    .responseFormat(ResponseFormat.grammar("root ::= <[403]> \"x\"")).build()).text()).isEqualTo(" Oncex");
        }
    }

    @Test
    void withEmbeddingsAndPoolingTheServerEmbedsAndStillGenerates() {
        try (ModelInstance model = load(LlamaServerOptions.builder().pooling(Pooling.MEAN).build())) {
            assertThat(model.info().capabilities().embeddings()).isTrue();
            EmbeddingResult result = model.embed(EmbeddingRequest.of("Once upon a time", "a dragon"));

            assertThat(result.embeddings()).hasSize(2);
            assertThat(result.embeddings().get(0).vector()).hasSize(model.info().embeddingLength());
            assertThat(model.generate(SHORT).text()).isNotEmpty();
        }
    }

    @Test
    void aClosedModelsTokenizerAndViewAreRefused() {
        ModelInstance model = load(LlamaServerOptions.builder().build());
        Tokenizer tokenizer = model.tokenizer().orElseThrow();
        LlamaServerModel llama = model.unwrap(LlamaServerModel.class).orElseThrow();
        model.close();

        assertThatThrownBy(() -> tokenizer.tokenize("Once")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(llama::props).isInstanceOf(InvalidRequestException.class).hasMessageContaining("closed");
    }
}
