package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.Tokenizer;
import io.github.localllm.spi.ModelLoadRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddingAndTokenizerTest {
    private static ModelInstance model;
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        model = new LlamaCppBackend().load(ModelLoadRequest.ofFile(TestModels.tiny(),
                LoadOptions.builder().contextSize(256).threads(1).build()));
        tokenizer = model.tokenizer().orElseThrow();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hello world", "  two  spaces, tabs\tand\nnewlines\n", "Digits 0123456789 and $%&*()!?",
            "MiXeD CaSe: {json: [1, 2]}", "a"})
    void asciiTextRoundTrips(String text) {
        int[] tokens = tokenizer.tokenize(text);
        assertThat(tokens).isNotEmpty();
        assertThat(tokenizer.detokenize(tokens)).isEqualTo(text);
        assertThat(tokenizer.countTokens(text)).isEqualTo(tokens.length);
    }

    @Test
    void anIdOutsideTheVocabularyIsRefused() {
        // llama.cpp aborts the process on such an id; the SDK checks first.
        assertThatThrownBy(() -> tokenizer.detokenize(new int[] {1, 1 << 20}))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("vocabulary");
        assertThatThrownBy(() -> tokenizer.detokenize(new int[] {-1})).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void embeddingsHaveTheModelsWidthAndAreNormalized() {
        EmbeddingResult result = model.embed(new EmbeddingRequest(
                List.of("The cat sat on the mat", "Stock prices fell sharply", "The cat sat on the mat"), true));
        assertThat(result.embeddings()).hasSize(3);
        for (Embedding e : result.embeddings()) {
            assertThat(e.dimension()).isEqualTo(model.info().embeddingLength());
            assertThat(e.norm()).isCloseTo(1.0, within(1e-4));
        }
        assertThat(result.embeddings().get(0)).isEqualTo(result.embeddings().get(2));
        assertThat(result.embeddings().get(0).cosineSimilarity(result.embeddings().get(1))).isLessThan(0.9999);
        assertThat(result.promptTokens()).isPositive();
    }

    @Test
    void unnormalizedEmbeddingsPointTheSameWay() {
        Embedding raw = model.embed(new EmbeddingRequest(List.of("Some text"), false)).first();
        Embedding unit = model.embed(new EmbeddingRequest(List.of("Some text"), true)).first();
        assertThat(raw.dimension()).isEqualTo(unit.dimension());
        assertThat(raw.cosineSimilarity(unit)).isCloseTo(1.0, within(1e-5));
    }
}
