package io.github.localllm;

import java.util.List;
import java.util.Objects;

/**
 * The vectors of an {@link EmbeddingRequest}, in the order of its inputs.
 *
 * @param embeddings one per input
 * @param promptTokens tokens of all inputs together
 * @param model the model that embedded them
 */
public record EmbeddingResult(List<Embedding> embeddings, int promptTokens, String model) {

    /** Copies the list. */
    public EmbeddingResult {
        embeddings = List.copyOf(embeddings);
        Objects.requireNonNull(model, "model");
    }

    /** @return the first vector, for single-input requests */
    public Embedding first() {
        return embeddings.get(0);
    }
}
