package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void vectorIsCopiedInAndOut() {
        float[] source = {1f, 2f};
        Embedding e = new Embedding(source);
        source[0] = 99f;
        e.vector()[1] = 99f;

        assertThat(e.vector()).containsExactly(1f, 2f);
    }

    @Test
    void equalityIsByContent() {
        assertThat(new Embedding(new float[] {1f, 2f}))
                .isEqualTo(new Embedding(new float[] {1f, 2f}))
                .hasSameHashCodeAs(new Embedding(new float[] {1f, 2f}))
                .isNotEqualTo(new Embedding(new float[] {1f, 3f}))
                .hasToString("Embedding[dimension=2]");
    }

    @Test
    void normIsEuclideanLength() {
        assertThat(new Embedding(new float[] {3f, 4f}).norm()).isEqualTo(5.0);
        assertThat(new Embedding(new float[] {3f, 4f}).dimension()).isEqualTo(2);
    }

    @Test
    void cosineSimilarity() {
        Embedding x = new Embedding(new float[] {1f, 0f});
        assertThat(x.cosineSimilarity(new Embedding(new float[] {5f, 0f}))).isCloseTo(1.0, within(1e-9));
        assertThat(x.cosineSimilarity(new Embedding(new float[] {0f, 2f}))).isCloseTo(0.0, within(1e-9));
        assertThat(x.cosineSimilarity(new Embedding(new float[] {-1f, 0f}))).isCloseTo(-1.0, within(1e-9));
        assertThat(x.cosineSimilarity(new Embedding(new float[] {1f, 1f})))
                .isCloseTo(Math.sqrt(0.5), within(1e-9));
    }

    @Test
    void cosineWithZeroVectorIsZeroNotNaN() {
        assertThat(new Embedding(new float[] {0f, 0f}).cosineSimilarity(new Embedding(new float[] {1f, 1f})))
                .isZero();
    }

    @Test
    void cosineOfDifferentDimensionsIsRejected() {
        assertThatThrownBy(() -> new Embedding(new float[] {1f}).cosineSimilarity(new Embedding(new float[2])))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("dimension 1 and 2")
                .hasMessageContaining("same model");
    }

    @Test
    void requestNeedsNonEmptyTexts() {
        assertThatThrownBy(() -> EmbeddingRequest.of())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("nothing to embed");
        assertThatThrownBy(() -> new EmbeddingRequest(null, true))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> EmbeddingRequest.of("a", ""))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("empty text");
    }

    @Test
    void requestCopiesInputsAndNormalizesByDefault() {
        List<String> inputs = new ArrayList<>(List.of("a"));
        EmbeddingRequest request = new EmbeddingRequest(inputs, false);
        inputs.add("b");

        assertThat(request.inputs()).containsExactly("a");
        assertThat(EmbeddingRequest.of("x").normalize()).isTrue();
    }

    @Test
    void resultFirstIsTheFirstVector() {
        Embedding a = new Embedding(new float[] {1f});
        EmbeddingResult result = new EmbeddingResult(List.of(a, new Embedding(new float[] {2f})), 2, "m");
        assertThat(result.first()).isEqualTo(a);
    }
}
