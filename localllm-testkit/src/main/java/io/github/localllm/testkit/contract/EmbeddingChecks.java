package io.github.localllm.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInstance;
import java.util.List;

/** Embeddings: one dimension, unit length when asked, the same vector for the same text; a clear refusal otherwise. */
final class EmbeddingChecks {
    private static final List<String> TEXTS = List.of("The sky is blue.", "Grass is green.", "The sky is blue.");

    private final EngineContract contract;
    private final ModelInstance model;

    EmbeddingChecks(EngineContract contract) {
        this.contract = contract;
        this.model = contract.sharedModel();
    }

    void consistent() {
        assumeTrue(contract.capabilities().embeddings(), "the model does not report embeddings");
        EmbeddingResult result = model.embed(new EmbeddingRequest(TEXTS, true));
        assertThat(result.embeddings()).as("one vector per text").hasSize(TEXTS.size());
        int dimension = result.first().dimension();
        assertThat(dimension).as("dimension").isPositive();
        if (model.info().embeddingLength() > 0) {
            assertThat(dimension).as("dimension against the model's embedding length")
                    .isEqualTo(model.info().embeddingLength());
        }
        for (Embedding e : result.embeddings()) {
            assertThat(e.dimension()).as("every vector's dimension").isEqualTo(dimension);
            assertThat(e.norm()).as("length of a vector asked to be normalized").isCloseTo(1.0, within(1e-3));
        }
        assertThat(result.embeddings().get(0).cosineSimilarity(result.embeddings().get(2)))
                .as("similarity of two vectors of the same text").isCloseTo(1.0, within(1e-4));
        assertThat(result.model()).as("the result's model against the loaded model's name").isEqualTo(model.info().name());
        if (contract.reportsUsage()) {
            assertThat(result.promptTokens()).as("tokens embedded").isPositive();
        }

        EmbeddingResult raw = model.embed(new EmbeddingRequest(List.of(TEXTS.get(1)), false));
        assertThat(raw.first().dimension()).as("dimension of a vector not normalized").isEqualTo(dimension);
        assertThat(raw.first().cosineSimilarity(result.embeddings().get(1)))
                .as("direction of a text's vector, normalized or not").isCloseTo(1.0, within(1e-4));

        // Refused when the request is made, before any engine sees it.
        assertThatThrownBy(() -> EmbeddingRequest.of("")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> new EmbeddingRequest(List.of(), true)).isInstanceOf(InvalidRequestException.class);
    }

    void refusedWithoutCapability() {
        assumeFalse(contract.capabilities().embeddings(), "the model reports embeddings; there is nothing to refuse");
        long before = contract.requestsReceived();
        assertThatThrownBy(() -> model.embed(EmbeddingRequest.of("The sky is blue.")))
                .as("embed() on a model without embeddings").isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("the refusal's message").containsIgnoringCase("embed"));
        if (before >= 0) {
            assertThat(contract.requestsReceived()).as("requests the server received for a refused embedding")
                    .isEqualTo(before);
        }
    }
}
