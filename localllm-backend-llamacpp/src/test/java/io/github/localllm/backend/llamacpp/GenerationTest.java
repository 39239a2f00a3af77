package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ChatMessage;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.KvCacheType;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.SamplingParameters;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.gguf.SyntheticModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenerationTest {
    private static LlamaCppBackend backend;
    private static ModelInstance model;

    @BeforeAll
    static void load() {
        backend = new LlamaCppBackend();
        model = backend.load(ModelLoadRequest.ofFile(TestModels.tiny(), LoadOptions.builder().contextSize(256).threads(1).build()));
    }

    @AfterAll
    static void close() {
        model.close();
        backend.close();
    }

    private static GenerationRequest.Builder greedy(String prompt, int maxTokens) {
        return GenerationRequest.builder().prompt(prompt).raw(true).maxTokens(maxTokens)
                .sampling(SamplingParameters.greedy());
    }

    @Test
    void greedyDecodingGivesTheSameTextEveryRun() {
        GenerationResult first = model.generate(greedy("Hello world", 24).build());
        GenerationResult second = model.generate(greedy("Hello world", 24).build());
        assertThat(first.text()).isNotEmpty().isEqualTo(second.text());
        assertThat(first.usage().completionTokens()).isPositive();
    }

    @Test
    void aRequestPastItsTimeoutStopsWithARetryableTimeoutAndTheModelServesTheNext() {
        // A budget far shorter than 200 tokens take, so the check at the first tokens must fire.
        GenerationRequest slow = greedy("Hello world", 200).timeout(java.time.Duration.ofNanos(1)).build();
        assertThatThrownBy(() -> model.generate(slow))
                .isInstanceOfSatisfying(GenerationTimeoutException.class, e -> {
                    assertThat(e.getMessage()).contains("did not finish within PT0.000000001S")
                            .contains("Raise the request's timeout");
                    assertThat(e.isRetryable()).isTrue();
                });
        try (GenerationStream stream = model.stream(slow)) {
            assertThatThrownBy(() -> stream.iterator().hasNext()).isInstanceOf(GenerationTimeoutException.class);
            assertThatThrownBy(stream::result).isInstanceOf(GenerationTimeoutException.class);
        }
        assertThat(model.generate(greedy("Hello world", 8).build()).text()).isNotEmpty();
    }

    @Test
    void aFixedSeedGivesTheSameTextEveryRun() {
        GenerationRequest request = GenerationRequest.builder().prompt("Once").raw(true).maxTokens(24)
                .sampling(SamplingParameters.builder().temperature(1.0).seed(1234L).build()).build();
        assertThat(model.generate(request).text()).isEqualTo(model.generate(request).text());
    }

    @Test
    void samplingParametersReachTheEngine() {
        String greedyText = model.generate(greedy("Sample", 24).build()).text();
        // Top-k 1 leaves only the most likely token, whatever the temperature: greedy again.
        GenerationRequest topK1 = GenerationRequest.builder().prompt("Sample").raw(true).maxTokens(24)
                .sampling(SamplingParameters.builder().temperature(2.0).topK(1).seed(7L).build()).build();
        assertThat(model.generate(topK1).text()).isEqualTo(greedyText);
        // A high temperature with different seeds explores different tokens.
        List<String> texts = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            texts.add(model.generate(GenerationRequest.builder().prompt("Sample").raw(true).maxTokens(24)
                    .sampling(SamplingParameters.builder().temperature(2.0).seed(seed).build()).build()).text());
        }
        assertThat(texts).doesNotHaveDuplicates();
    }

    @Test
    void aQuantizedAttentionCacheStillGenerates() {
        Path file = TestModels.write(SyntheticModel.builder().name("wide-heads").embeddingLength(128).headCount(2)
                .build(), "wide-heads.gguf");
        ModelInstance q8 = backend.load(ModelLoadRequest.ofFile(file,
                LoadOptions.builder().contextSize(256).threads(1)
                        .engineOptions(LlamaCppOptions.builder().kvCacheType(KvCacheType.Q8_0).build()).build()));
        try {
            assertThat(q8.info().options().engineOptions(LlamaCppOptions.class).orElseThrow().kvCacheType())
                    .isEqualTo(KvCacheType.Q8_0);
            assertThat(q8.generate(greedy("Hello world", 8).build()).usage().completionTokens()).isPositive();
        } finally {
            q8.close();
        }
    }

    @Test
    void maxTokensEndsWithLength() {
        // Greedy decoding of this prompt on the tiny synthetic model does not reach an end-of-sequence token
        // within 5 tokens (some prompts do: the vocabulary is small).
        GenerationResult result = model.generate(greedy("Async", 5).build());
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(result.usage().completionTokens()).isEqualTo(5);
    }

    @Test
    void aStopSequenceEndsGenerationAndIsNotPartOfTheText() {
        String full = model.generate(greedy("Hello world", 40).build()).text();
        assertThat(full.length()).isGreaterThan(6);
        String stop = full.substring(3, 5);
        String expected = full.substring(0, full.indexOf(stop));
        GenerationResult result = model.generate(greedy("Hello world", 40).stop(stop).build());
        assertThat(result.text()).isEqualTo(expected);
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        StringBuilder streamed = new StringBuilder();
        try (GenerationStream stream = model.stream(greedy("Hello world", 40).stop(stop).build())) {
            stream.forEach(c -> streamed.append(c.text()));
            assertThat(stream.result().text()).isEqualTo(expected);
        }
        assertThat(streamed).hasToString(expected);
    }

    @Test
    void streamedChunksAddUpToTheResult() {
        List<GenerationChunk> chunks = new ArrayList<>();
        GenerationResult result;
        try (GenerationStream stream = model.stream(greedy("Stream this", 20).build())) {
            stream.forEach(chunks::add);
            result = stream.result();
        }
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(chunks.get(i).index()).isEqualTo(i);
            joined.append(chunks.get(i).text());
        }
        assertThat(joined.toString()).isEqualTo(result.text());
        assertThat(result.text()).isEqualTo(model.generate(greedy("Stream this", 20).build()).text());
    }

    @Test
    void metricsAreMeasured() {
        GenerationResult result = model.generate(greedy("Measure me", 16).build());
        assertThat(result.usage().promptTokens()).isPositive();
        assertThat(result.metrics().timeToFirstToken()).isPositive();
        assertThat(result.metrics().totalTime()).isGreaterThanOrEqualTo(result.metrics().timeToFirstToken());
        assertThat(result.metrics().generationTokensPerSecond()).isPositive();
        assertThat(result.metrics().loadTime()).isEqualTo(model.info().loadTime()).isPositive();
        assertThat(result.model()).isEqualTo(model.info().name());
    }

    @Test
    void chatUsesTheModelsTemplate() {
        GenerationResult raw = model.generate(greedy("Hi", 4).build());
        GenerationResult chat = model.generate(GenerationRequest.builder().system("Be brief.").user("Hi")
                .maxTokens(4).sampling(SamplingParameters.greedy()).build());
        // The ChatML template wraps both messages in control tokens and opens the assistant turn.
        int templated = model.tokenizer().orElseThrow()
                .countTokens("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\n");
        assertThat(chat.usage().promptTokens()).isEqualTo(templated);
        assertThat(chat.usage().promptTokens()).isGreaterThan(raw.usage().promptTokens());
    }

    @Test
    void aPromptIsTemplatedAsAUserMessageUnlessRaw() {
        GenerationResult templated = model.generate(GenerationRequest.builder().prompt("Hi").maxTokens(3)
                .sampling(SamplingParameters.greedy()).build());
        GenerationResult asChat = model.generate(GenerationRequest.builder().messages(List.of(ChatMessage.user("Hi")))
                .maxTokens(3).sampling(SamplingParameters.greedy()).build());
        assertThat(templated.usage().promptTokens()).isEqualTo(asChat.usage().promptTokens());
        assertThat(templated.text()).isEqualTo(asChat.text());
    }
}
