package io.github.localllm.gguf;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A model's architecture hyperparameters, as a Hugging Face {@code config.json} or a GGUF header states
 * them: enough for {@link MemoryModel#fromShape} to estimate a load before the file (or even its
 * header) is at hand. Names follow the GGUF keys ({@code <arch>.block_count} and so on).
 *
 * @param architecture the GGUF {@code general.architecture}, e.g. {@code qwen2}; it decides which
 *        layers use a sliding window
 * @param blockCount repeating layers ({@code num_hidden_layers})
 * @param embeddingLength the residual width ({@code hidden_size})
 * @param headCount attention (query) heads ({@code num_attention_heads})
 * @param headCountKv key/value heads ({@code num_key_value_heads}); equal to {@code headCount} without
 *        grouped-query attention
 * @param keyLength the width of one key head ({@code head_dim}); {@code embeddingLength / headCount} in
 *        most models, wider in Gemma
 * @param valueLength the width of one value head, usually {@code keyLength}
 * @param feedForwardLength the feed-forward width ({@code intermediate_size})
 * @param vocabularySize the token embedding's rows ({@code vocab_size}, padding rows included)
 * @param contextLength the trained context, if stated
 * @param slidingWindow the attention window of sliding-window layers, if the model has them
 * @param tiedEmbeddings whether the file has no output matrix of its own and the token embedding serves
 *        as one ({@code tie_word_embeddings}; also models without a language-model head, like BERT)
 */
public record ModelShape(String architecture, int blockCount, long embeddingLength, long headCount, long headCountKv,
                         long keyLength, long valueLength, long feedForwardLength, long vocabularySize,
                         OptionalLong contextLength, OptionalLong slidingWindow, boolean tiedEmbeddings) {

    /** Checks that the architecture is named and every size is positive. */
    public ModelShape {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(contextLength, "contextLength");
        Objects.requireNonNull(slidingWindow, "slidingWindow");
        if (architecture.isBlank()) {
            throw new IllegalArgumentException("architecture must not be blank");
        }
        positive("blockCount", blockCount);
        positive("embeddingLength", embeddingLength);
        positive("headCount", headCount);
        positive("headCountKv", headCountKv);
        positive("keyLength", keyLength);
        positive("valueLength", valueLength);
        positive("feedForwardLength", feedForwardLength);
        positive("vocabularySize", vocabularySize);
        contextLength.ifPresent(n -> positive("contextLength", n));
        slidingWindow.ifPresent(n -> positive("slidingWindow", n));
    }

    /**
     * A shape whose key and value heads are {@code embeddingLength / headCount} wide, as in most models.
     *
     * @param architecture the GGUF {@code general.architecture}
     * @param blockCount repeating layers
     * @param embeddingLength the residual width
     * @param headCount attention heads
     * @param headCountKv key/value heads
     * @param feedForwardLength the feed-forward width
     * @param vocabularySize the vocabulary size
     * @param contextLength the trained context, if stated
     * @param tiedEmbeddings whether the token embedding doubles as the output matrix
     * @return the shape, without a sliding window
     */
    public static ModelShape of(String architecture, int blockCount, long embeddingLength, long headCount,
                                long headCountKv, long feedForwardLength, long vocabularySize,
                                OptionalLong contextLength, boolean tiedEmbeddings) {
        positive("headCount", headCount);
        long head = embeddingLength / headCount;
        return new ModelShape(architecture, blockCount, embeddingLength, headCount, headCountKv, head, head,
                feedForwardLength, vocabularySize, contextLength, OptionalLong.empty(), tiedEmbeddings);
    }

    /** @return the weights of one repeating layer: attention, feed-forward and two norms */
    public long layerParameterCount() {
        long e = embeddingLength;
        long query = headCount * keyLength;
        long attention = e * query + e * headCountKv * keyLength + e * headCountKv * valueLength
                + headCount * valueLength * e;
        // Gated feed-forward (gate, up, down): every architecture the in-process engine runs from this
        // catalog has one except BERT, whose two matrices make this an overestimate of a third.
        return attention + 3 * e * feedForwardLength + 2 * e;
    }

    /** @return the token embedding's weights */
    public long embeddingParameterCount() {
        return vocabularySize * embeddingLength;
    }

    /** @return all weights the file stores: layers, the embedding, the output matrix unless tied, the output norm */
    public long parameterCount() {
        return blockCount * layerParameterCount() + embeddingParameterCount()
                + (tiedEmbeddings ? 0 : embeddingParameterCount()) + embeddingLength;
    }

    /**
     * The bytes this shape's weights take in a GGUF file of the given quantization, with each matrix typed
     * as {@code llama-quantize} types it (the output matrix, or a tied token embedding, at Q6_K in a K-quant
     * file; more bits for some layers' {@code attn_v} and {@code ffn_down}; 32-wide fallbacks for rows that
     * 256 does not divide). The header (tokenizer tables, a few MB) and bias vectors are not included, and
     * an architecture with fused or ungated matrices (phi3's fused QKV, BERT's two-matrix feed-forward) is
     * counted as if it had llama's seven matrices per layer. Whether the file stores an output matrix of its
     * own ({@link #tiedEmbeddings}) changes the result by one {@code vocabularySize × embeddingLength} matrix,
     * which is what lets a file's real size tell whether the flag is right.
     *
     * @param quantization a llama.cpp file type as catalogs spell it, e.g. {@code Q4_K_M}, {@code Q8_0},
     *        {@code F16}
     * @return the tensor bytes, or empty for a quantization this does not know
     */
    public OptionalLong weightBytes(String quantization) {
        return QuantRecipe.of(quantization).map(r -> OptionalLong.of(r.weightBytes(this))).orElse(OptionalLong.empty());
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
