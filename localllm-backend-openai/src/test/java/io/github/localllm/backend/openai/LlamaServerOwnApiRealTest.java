package io.github.localllm.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.ResponseFormat;
import io.github.localllm.Tokenizer;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * llama.cpp's own routes and the b10470 grammar dialect against the real {@code llama-server}
 * (b10470, stories260K, {@code --metrics}, two slots sharing 512 tokens): the values the captures
 * 20 to 25 were taken from. Skipped with the reason when the server or the model is absent (see
 * {@link LlamaServerProcess}), failed under {@code CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LlamaServerOwnApiRealTest {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaServerOwnApiRealTest.class);

    private String unavailable;
    private LlamaServerProcess server;
    private ModelInstance model;

    @BeforeAll
    void start() throws Exception {
        StringBuilder why = new StringBuilder();
        Path binary = LlamaServerProcess.binary(why);
        Path file = LlamaServerProcess.model(why);
        if (binary == null || file == null) {
            unavailable = "no real llama-server to test against: " + why;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(unavailable + " (CI=true: the integration test must run)");
            }
            LOG.warn("skipping: {}", unavailable);
            return;
        }
        server = LlamaServerProcess.start(binary, file, "-c", "512", "-t", "2", "-tb", "2", "-np", "2", "--jinja",
                "--metrics");
        model = OpenAiBackend.builder(server.openAiBase()).build()
                .load(new ModelLoadRequest(ModelRef.name("stories260K-f16"), LoadOptions.defaults()));
    }

    @AfterAll
    void stop() {
        if (model != null) {
            model.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void noThreadLeft() {
        Servers.assertNoThreadLeft();
    }

    private void requireServer() {
        Assumptions.assumeTrue(unavailable == null, () -> unavailable);
    }

    @Test
    void theTokenizerIsTheServersWithTheInProcessSemantics() {
        requireServer();
        Tokenizer tokenizer = model.tokenizer().orElseThrow();

        assertThat(tokenizer.tokenize("Once upon a time")).containsExactly(403, 407, 261, 378);
        assertThat(tokenizer.tokenize("<s>Once")).containsExactly(1, 403);
        assertThat(tokenizer.detokenize(tokenizer.tokenize("Once upon a time"))).isEqualTo(" Once upon a time");
        assertThat(tokenizer.detokenize(new int[] {198, 164})).isEqualTo("á");
        assertThat(tokenizer.tokenize("")).isEmpty();
        // stories260K has 512 tokens: 512 is past the end, refused before the server's range-check 500.
        assertThatThrownBy(() -> tokenizer.detokenize(new int[] {403, 512})).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("512 tokens");
    }

    @Test
    void propsSlotsAndMetricsAreTheServers() {
        requireServer();
        LlamaServerModel llama = model.unwrap(LlamaServerModel.class).orElseThrow();
        GenerationResult result = model.generate(GenerationRequest.builder().user("Once upon a time").maxTokens(8)
                .temperature(0).build());

        LlamaServerProps props = llama.props();
        assertThat(props.contextSize()).isEqualTo(256).isEqualTo(model.info().options().contextSize());
        assertThat(props.totalSlots()).isEqualTo(2);
        assertThat(props.chatTemplate()).contains("<|im_start|>").isEqualTo(model.info().chatTemplate());
        assertThat(props.buildNumber()).isEqualTo(10470);
        assertThat(props.metricsEndpoint()).isTrue();
        assertThat(llama.slots()).hasSize(2).allSatisfy(s -> assertThat(s.contextSize()).isEqualTo(256))
                .anySatisfy(s -> assertThat(s.task()).isNotNegative());
        ServerMetrics metrics = llama.metrics();
        assertThat(metrics.predictedTokens()).isGreaterThanOrEqualTo(result.usage().completionTokens());
        assertThat(metrics.promptTokens()).isPositive();
        assertThat(metrics.requestsProcessing()).isZero();
        assertThat(metrics.samples()).containsKey("llamacpp:n_decode_total");
    }

    @Test
    void grammarsAreCheckedInTheB10470DialectAndSentAsLlamaCppExpects() {
        requireServer();
        assertThat(model.info().capabilities().grammarDialect()).isEqualTo("llama.cpp b10470");
        GenerationRequest.Builder base = GenerationRequest.builder().user("Hi").maxTokens(8).temperature(0);

        // Token terminals: <[403]> is " Once", the only token the first position allows.
        assertThat(model.generate(base.responseFormat(ResponseFormat.grammar("root ::= <[403]> \"x\"")).build()).text())
                .isEqualTo(" Oncex");
        assertThat(model.generate(base.responseFormat(ResponseFormat.grammar("root ::= !<[403]> \"x\"")).build()).text())
                .endsWith("x").doesNotStartWith(" Once");
        // A typo is caught before sending, with its place...
        assertThatThrownBy(() -> model.generate(base.responseFormat(ResponseFormat.grammar("root ::= <[403] \"x\"")).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("line 1, column 16").hasMessageContaining("expected ']>'");
        // ... and what only the vocabulary tells (a <text> that is not one token) is the server's 400.
        assertThatThrownBy(() -> model.generate(base.responseFormat(ResponseFormat.grammar("root ::= <notatoken>")).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("failed to parse grammar");
    }
}
