package io.github.localllm;

import java.util.List;

/**
 * Texts to turn into vectors.
 *
 * @param inputs the texts, in order; none may be empty
 * @param normalize scale each vector to length 1, so that a dot product is the cosine similarity
 */
public record EmbeddingRequest(List<String> inputs, boolean normalize) {

    /** Checks there is something to embed. */
    public EmbeddingRequest {
        if (inputs == null || inputs.isEmpty()) {
            throw new InvalidRequestException("nothing to embed; give at least one text");
        }
        inputs = List.copyOf(inputs);
        for (String input : inputs) {
            if (input.isEmpty()) {
                throw new InvalidRequestException("cannot embed an empty text; drop it or give it content");
            }
        }
    }

    /** @param inputs texts @return a request for normalized vectors */
    public static EmbeddingRequest of(String... inputs) {
        return new EmbeddingRequest(List.of(inputs), true);
    }
}
