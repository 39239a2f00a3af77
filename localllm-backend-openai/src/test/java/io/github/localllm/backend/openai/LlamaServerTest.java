package io.github.localllm.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ContextOverflowException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.ResponseFormat;
import io.github.localllm.TokenLogprob;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine against the real {@code llama-server} (llama.cpp b10470) serving the real trained
 * stories260K model: streamed and whole answers, stop sequences, the token limit, a JSON schema, a
 * grammar, raw prompts, a prompt too long, cancellation, embeddings. Skipped with the reason when
 * the server or the model is absent (see {@link LlamaServerProcess}), failed under {@code CI=true}.
 * The servers run with two threads on a 512-token context; the whole class takes a few seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LlamaServerTest {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaServerTest.class);
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8}},"
            + "\"required\":[\"name\"],\"additionalProperties\":false}";

    private Path binary;
    private Path model;
    private String unavailable;
    private LlamaServerProcess server;
    private OpenAiBackend backend;
    private ModelInstance instance;

    @BeforeAll
    void start() throws Exception {
        StringBuilder why = new StringBuilder();
        binary = LlamaServerProcess.binary(why);
        model = LlamaServerProcess.model(why);
        if (binary == null || model == null) {
            unavailable = "no real llama-server to test against: " + why;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(unavailable + " (CI=true: the integration test must run)");
            }
            LOG.warn("skipping: {}", unavailable);
            return;
        }
        server = LlamaServerProcess.start(binary, model, "-c", "512", "-t", "2", "-tb", "2", "-np", "1", "--jinja");
        backend = OpenAiBackend.builder(server.openAiBase()).build();
        instance = backend.load(new ModelLoadRequest(ModelRef.name("stories260K-f16"), LoadOptions.defaults()));
    }

    @AfterAll
    void stop() {
        if (instance != null) {
            instance.close();
        }
        if (server != null) {
            server.close();
            assertThat(server.isAlive()).isFalse();
        }
    }

    @AfterEach
    void noThreadLeft() {
        Servers.assertNoThreadLeft();
    }

    private void requireServer() {
        Assumptions.assumeTrue(unavailable == null, () -> unavailable);
    }

    private static GenerationRequest.Builder story() {
        return GenerationRequest.builder().user("Tell me a story.").temperature(0).seed(7);
    }

    @Test
    void theModelIsDescribedFromWhatTheServerSays() {
        requireServer();
        assertThat(instance.info().name()).endsWith("stories260K-f16.gguf");
        assertThat(instance.info().options().contextSize()).isEqualTo(512);
        assertThat(instance.info().trainedContextLength()).isEqualTo(512);
        assertThat(instance.info().quantization()).isEqualTo("F16");
        assertThat(instance.info().parameterCount()).isPositive();
        assertThat(instance.info().capabilities().grammarDialect()).isEqualTo("llama.cpp b10470");
        assertThat(backend.dialect()).isEqualTo(ServerDialect.LLAMA_CPP);
        assertThat(backend.info().version()).startsWith("b10470");
        EngineHealth health = backend.health();
        assertThat(health.up()).isTrue();
        assertThat(backend.models()).singleElement().satisfies(m -> assertThat(m.loaded()).isTrue());
        assertThat(backend.loadedModels()).singleElement().satisfies(m -> assertThat(m.contextSize()).isEqualTo(512));
    }

    @Test
    void aStreamedAndAWholeAnswerAgreeAtTemperatureZero() {
        requireServer();
        GenerationRequest request = story().maxTokens(40).build();
        List<String> pieces = new ArrayList<>();
        GenerationResult streamed;
        try (GenerationStream stream = instance.stream(request)) {
            for (GenerationChunk chunk : stream) {
                pieces.add(chunk.text());
            }
            streamed = stream.result();
        }
        OpenAiBackend whole = OpenAiBackend.builder(server.openAiBase())
                .completeAnswers("/v1/chat/completions", AnswerMetrics.llamaCppTimings()).build();
        GenerationResult complete;
        try (ModelInstance m = whole.load(new ModelLoadRequest(ModelRef.name("stories260K-f16"), LoadOptions.defaults()))) {
            complete = m.generate(request);
        }
        GenerationResult generated = instance.generate(request);

        LOG.info("streamed {} pieces: {} ({})", pieces.size(), streamed.text(), streamed.metrics());
        assertThat(pieces.size()).isGreaterThan(5);
        assertThat(String.join("", pieces)).isEqualTo(streamed.text());
        assertThat(streamed.text()).isNotBlank();
        assertThat(complete.text()).isEqualTo(streamed.text());
        assertThat(generated.text()).isEqualTo(streamed.text());
        assertThat(streamed.usage().promptTokens()).isPositive();
        assertThat(streamed.usage().completionTokens()).isEqualTo(complete.usage().completionTokens()).isPositive();
        assertThat(streamed.finishReason()).isEqualTo(complete.finishReason());
        assertThat(streamed.metrics().generationTokensPerSecond()).isPositive();
        assertThat(streamed.metrics().timeToFirstToken()).isPositive();
        assertThat(complete.metrics().generationTokensPerSecond()).isPositive();
    }

    @Test
    void theTokenLimitEndsTheAnswerWithLength() {
        requireServer();
        GenerationResult r = instance.generate(story().maxTokens(5).build());

        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.usage().completionTokens()).isEqualTo(5);
    }

    @Test
    void aStopSequenceEndsTheAnswerBeforeIt() {
        requireServer();
        GenerationResult free = instance.generate(story().maxTokens(40).build());
        assertThat(free.text()).as("the model's text without a stop").contains(".");

        GenerationResult stopped = instance.generate(story().maxTokens(40).stop(".").build());

        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(stopped.text()).doesNotContain(".");
        assertThat(free.text()).startsWith(stopped.text());
    }

    @Test
    void aJsonSchemaShapesTheAnswer() {
        requireServer();
        GenerationResult r = instance.generate(GenerationRequest.builder().user("Answer in JSON.").temperature(0)
                .maxTokens(200).responseFormat(ResponseFormat.jsonSchema(SCHEMA)).build());

        LOG.info("json_schema answer: {}", r.text());
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.text().replaceAll("\\s", "")).matches("\\{\"name\":\"[^\"]{0,8}\"}");
    }

    @Test
    void jsonMeansAJsonObjectOnLlamaCppToo() {
        requireServer();
        GenerationResult r = instance.generate(GenerationRequest.builder().user("Answer in JSON.").temperature(0)
                .maxTokens(200).responseFormat(ResponseFormat.json()).build());

        LOG.info("json_object answer: {}", r.text());
        assertThat(r.text().strip()).startsWith("{").endsWith("}");
    }

    @Test
    void aGrammarConstrainsTheAnswer() {
        requireServer();
        GenerationResult r = instance.generate(story().maxTokens(10)
                .responseFormat(ResponseFormat.grammar("root ::= \"yes\" | \"no\"")).build());

        assertThat(r.text()).isIn("yes", "no");
        assertThatThrownBy(() -> instance.generate(story().responseFormat(ResponseFormat.grammar("root ::= undefined-rule"))
                .build())).isInstanceOf(InvalidRequestException.class).hasMessageContaining("grammar");
    }

    @Test
    void aRawPromptIsContinuedAsIs() {
        requireServer();
        GenerationResult r = instance.generate(GenerationRequest.builder().prompt("Once upon a time").raw(true)
                .temperature(0).maxTokens(10).build());

        LOG.info("raw continuation: {}", r.text());
        assertThat(r.text()).isNotBlank();
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.usage().completionTokens()).isEqualTo(10);
    }

    /** llama.cpp reports completions' log probabilities in the chat shape, and none at all when asked for 0 alternatives. */
    @Test
    void aRawPromptsLogprobsDescribeItsTokensGreedilyChosen() {
        requireServer();
        GenerationResult r = instance.generate(GenerationRequest.builder().prompt("Once upon a time").raw(true)
                .temperature(0).maxTokens(6).logprobs(0).build());

        assertThat(r.logprobs()).hasSize(6);
        assertThat(String.join("", r.logprobs().stream().map(TokenLogprob::token).toList())).isEqualTo(r.text());
        assertThat(r.logprobs()).allSatisfy(t -> {
            assertThat(t.logprob()).isNegative();
            assertThat(t.alternatives()).isEmpty();
        });
    }

    @Test
    void aPromptLongerThanTheContextIsAContextOverflow() {
        requireServer();
        String longPrompt = "word ".repeat(700);

        assertThatThrownBy(() -> instance.stream(GenerationRequest.builder().user(longPrompt).maxTokens(5).build()))
                .isInstanceOfSatisfying(ContextOverflowException.class, e -> {
                    assertThat(e.contextSize()).isEqualTo(512);
                    assertThat(e.promptTokens()).isGreaterThan(512);
                });
    }

    @Test
    void aCancelledStreamFreesTheServerForTheNextRequest() {
        requireServer();
        GenerationStream stream = instance.stream(story().maxTokens(400).build());
        stream.iterator().next();
        stream.close();
        GenerationResult cancelled = stream.result();

        assertThat(cancelled.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(instance.generate(story().maxTokens(5).build()).finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void embeddingsNeedAServerStartedForThem() throws Exception {
        requireServer();
        assertThatThrownBy(() -> instance.embed(EmbeddingRequest.of("hello"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("--embeddings");

        try (LlamaServerProcess embedder = LlamaServerProcess.start(binary, model, "-c", "512", "-t", "2", "-np", "1",
                "--embeddings", "--pooling", "mean");
             ModelInstance m = OpenAiBackend.builder(embedder.openAiBase()).build()
                     .load(new ModelLoadRequest(ModelRef.name("stories260K-f16"), LoadOptions.defaults()))) {
            EmbeddingResult r = m.embed(EmbeddingRequest.of("Once upon a time", "a little girl", "Once upon a time"));

            assertThat(r.embeddings()).hasSize(3).allSatisfy(e -> {
                assertThat(e.dimension()).isEqualTo(64);
                assertThat(e.norm()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            });
            assertThat(r.embeddings().get(0).cosineSimilarity(r.embeddings().get(2))).isCloseTo(1.0,
                    org.assertj.core.data.Offset.offset(1e-5));
            assertThat(r.embeddings().get(0).cosineSimilarity(r.embeddings().get(1))).isLessThan(0.999);
            assertThat(r.promptTokens()).isPositive();
        }
    }

    @Test
    void aServerThatStopsIsReportedDown() throws Exception {
        requireServer();
        LlamaServerProcess other = LlamaServerProcess.start(binary, model, "-c", "256", "-t", "1", "-np", "1");
        OpenAiBackend b = OpenAiBackend.builder(other.openAiBase()).healthTimeout(Duration.ofSeconds(2)).build();
        assertThat(b.health().up()).isTrue();
        other.close();

        assertThat(b.health().up()).isFalse();
    }
}
