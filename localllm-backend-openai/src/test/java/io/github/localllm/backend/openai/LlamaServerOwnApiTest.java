package io.github.localllm.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.Tokenizer;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeOpenAi;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp's own routes through the OpenAI-compatible engine, on the testkit's llama.cpp fake
 * (captures 20 to 24): the tokenizer, and {@link LlamaServerModel} reached with {@code unwrap}
 * through the schema-checking wrapper every loaded model has.
 */
class LlamaServerOwnApiTest {
    private static final String STORIES = "stories260K-q8_0";

    private static FakeOpenAi.Builder llamaCpp() {
        return FakeOpenAi.builder(FakeOpenAi.Flavor.LLAMA_CPP).model(FakeModel.builder(STORIES).contextLength(256)
                .quantization("Q8_0").build());
    }

    @AfterEach
    void noThreadLeft() {
        Servers.assertNoThreadLeft();
    }

    @Test
    void theTokenizerMatchesTheServersCapturedAnswers() {
        try (FakeOpenAi server = llamaCpp().start(); ModelInstance model = Servers.load(Servers.backend(server), STORIES)) {
            Tokenizer tokenizer = model.tokenizer().orElseThrow();

            assertThat(tokenizer.tokenize("Once upon a time")).containsExactly(403, 407, 261, 378);
            assertThat(tokenizer.countTokens("Once upon a time")).isEqualTo(4);
            assertThat(tokenizer.detokenize(new int[] {403, 407, 261, 378})).isEqualTo(" Once upon a time");
            // The in-process engine's semantics: no BOS added, special tokens in the text read as such.
            assertThat(server.requests("/tokenize").get(0).body())
                    .contains("\"add_special\":false").contains("\"parse_special\":true");
            assertThat(tokenizer.tokenize("<s>Once")).containsExactly(1, 403);
        }
    }

    @Test
    void idsOutsideTheVocabularyAreRefusedBeforeSending() {
        try (FakeOpenAi server = llamaCpp().start(); ModelInstance model = Servers.load(Servers.backend(server), STORIES)) {
            Tokenizer tokenizer = model.tokenizer().orElseThrow();

            assertThatThrownBy(() -> tokenizer.detokenize(new int[] {403, 32000}))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("token id 32000")
                    .hasMessageContaining("32000 tokens");
            assertThatThrownBy(() -> tokenizer.detokenize(new int[] {-1}))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("token id -1");
            assertThat(server.requests("/detokenize")).isEmpty();
        }
    }

    @Test
    void theServersRangeErrorIsAnInvalidRequestWhenTheVocabularyIsNotKnown() {
        // The model list says nothing of the vocabulary here: the server's 500 (capture 21c) is the answer.
        try (FakeOpenAi server = llamaCpp().start()) {
            OpenAiBackend backend = Servers.builder(server).dialect(ServerDialect.LLAMA_CPP).build();
            ModelInstance model = backend.instance(ModelInfo.builder("not-listed", "openai").build(), () -> { });
            assertThatThrownBy(() -> model.tokenizer().orElseThrow().detokenize(new int[] {1 << 20}))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("outside the vocabulary")
                    .hasMessageContaining("_M_range_check");
            model.close();
        }
    }

    @Test
    void propsSlotsAndMetricsAreReachedThroughTheSchemaWrapper() {
        try (FakeOpenAi server = llamaCpp().metrics(true).answer("Once", " upon").start();
             ModelInstance model = Servers.load(Servers.backend(server), STORIES)) {
            LlamaServerModel llama = model.unwrap(LlamaServerModel.class).orElseThrow();
            GenerationResult result = model.generate(GenerationRequest.builder().user("Hi").build());

            LlamaServerProps props = llama.props();
            assertThat(props.contextSize()).isEqualTo(256);
            assertThat(props.totalSlots()).isEqualTo(4);
            assertThat(props.chatTemplate()).contains("[INST]").isEqualTo(model.info().chatTemplate());
            assertThat(props.build()).isEqualTo("b10470-34af94cd9");
            assertThat(props.buildNumber()).isEqualTo(10470);
            assertThat(props.metricsEndpoint()).isTrue();
            List<SlotState> slots = llama.slots();
            assertThat(slots).hasSize(4).allSatisfy(s -> assertThat(s.contextSize()).isEqualTo(256));
            assertThat(slots.get(0).task()).isZero();
            assertThat(slots.get(0).tokens()).isEqualTo(result.usage().promptTokens() + result.usage().completionTokens());
            assertThat(slots.get(1).task()).isEqualTo(-1);
            ServerMetrics metrics = llama.metrics();
            assertThat(metrics.predictedTokens()).isEqualTo(result.usage().completionTokens());
            assertThat(metrics.requestsProcessing()).isZero();
            assertThat(metrics.kvCacheUsage()).isEmpty();
            assertThat(metrics.samples()).containsKey("llamacpp:n_decode_total");
            assertThat(model.unwrap(ModelInstance.class)).containsSame(model);
        }
    }

    @Test
    void metricsOfAServerStartedWithoutThemAreRefusedNamingTheFlag() {
        try (FakeOpenAi server = llamaCpp().start(); ModelInstance model = Servers.load(Servers.backend(server), STORIES)) {
            LlamaServerModel llama = model.unwrap(LlamaServerModel.class).orElseThrow();

            assertThat(llama.props().metricsEndpoint()).isFalse();
            assertThatThrownBy(llama::metrics).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("--metrics");
        }
    }

    @Test
    void otherServersHaveNeitherTokenizerNorLlamaServerModel() {
        try (FakeOpenAi server = FakeOpenAi.builder(FakeOpenAi.Flavor.VLLM).model(Servers.MODEL).start();
             ModelInstance model = Servers.load(server)) {
            assertThat(model.tokenizer()).isEmpty();
            assertThat(model.unwrap(LlamaServerModel.class)).isEmpty();
            assertThat(model.info().chatTemplate()).isEmpty();
        }
    }

    @Test
    void aDeadServerIsUnavailableAndAClosedModelIsRefused() {
        FakeOpenAi server = llamaCpp().metrics(true).start();
        OpenAiBackend backend = Servers.builder(server).connectTimeout(Duration.ofMillis(500)).build();
        ModelInstance model = Servers.load(backend, STORIES);
        Tokenizer tokenizer = model.tokenizer().orElseThrow();
        LlamaServerModel llama = model.unwrap(LlamaServerModel.class).orElseThrow();
        server.close();

        assertThatThrownBy(() -> tokenizer.tokenize("Once")).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> tokenizer.detokenize(new int[] {403})).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(llama::props).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(llama::slots).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(llama::metrics).isInstanceOf(BackendUnavailableException.class);
        model.close();
        assertThatThrownBy(() -> tokenizer.tokenize("Once")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(llama::metrics).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void malformedMetricsAreAGenerationErrorNamingTheLine() throws Exception {
        String body = "# TYPE llamacpp:prompt_tokens_total counter\nllamacpp:prompt_tokens_total fifty\n";
        try (RawServer raw = RawServer.answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)) {
            OpenAiBackend backend = OpenAiBackend.builder(URI.create(raw.uri() + "/v1")).dialect(ServerDialect.LLAMA_CPP)
                    .retryPolicy(io.github.localllm.http.RetryPolicy.none()).build();
            ModelInstance model = backend.instance(ModelInfo.builder("m", "openai").build(), () -> { });
            assertThatThrownBy(() -> model.unwrap(LlamaServerModel.class).orElseThrow().metrics())
                    .isInstanceOf(GenerationException.class).hasMessageContaining("line 2")
                    .hasMessageContaining("'fifty' is not a number");
            model.close();
        }
    }

    @Test
    void aPromptLongerThanTheContextIsCountedAndRefusedBeforeGenerating() {
        try (FakeOpenAi server = llamaCpp().start(); ModelInstance model = Servers.load(Servers.backend(server), STORIES)) {
            model.generate(GenerationRequest.builder().user("Once upon a time").build());
            // Fewer bytes than the context: nothing to count.
            assertThat(server.requests("/tokenize")).isEmpty();

            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("Once upon a time ".repeat(80).strip()).build()))
                    .isInstanceOfSatisfying(io.github.localllm.ContextOverflowException.class, e -> {
                        assertThat(e.promptTokens()).isEqualTo(320);
                        assertThat(e.contextSize()).isEqualTo(256);
                    });
            assertThat(server.requests("/tokenize")).hasSize(1);
            assertThat(server.requests("/v1/chat/completions")).hasSize(1);
            // Long in bytes but short in tokens: counted, then sent.
            assertThat(model.generate(GenerationRequest.builder().user("x".repeat(300)).build()).text()).isNotEmpty();
            assertThat(server.requests("/v1/chat/completions")).hasSize(2);
        }
    }
}
