package io.github.localllm.backend.llamaserver;

import io.github.localllm.ConfigurationException;
import java.util.Locale;

/**
 * How {@code llama-server} pools the vectors of a text's tokens into its embedding
 * ({@code --pooling}). Unset, the server takes the model's own choice (its GGUF
 * {@code pooling_type}). llama.cpp's {@code none} (a vector per token) and {@code rank}
 * (reranking scores) are left out: the OpenAI embeddings route this engine embeds through answers
 * neither.
 */
public enum Pooling {
    /** The average of the token vectors, what most sentence-embedding models are trained for. */
    MEAN,
    /** The vector of the first (classification) token, as BERT-style models use. */
    CLS,
    /** The vector of the last token, as decoder models used for embeddings (e.g. Qwen3-Embedding) use. */
    LAST;

    /** @return the value {@code --pooling} takes, such as {@code mean} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param text {@code mean}, {@code cls} or {@code last}, in any case
     * @return the pooling
     * @throws ConfigurationException for any other text, listing the choices
     */
    public static Pooling parse(String text) {
        String v = text.strip().toUpperCase(Locale.ROOT);
        for (Pooling p : values()) {
            if (p.name().equals(v)) {
                return p;
            }
        }
        throw new ConfigurationException("pooling must be mean, cls or last, was '" + text + "' (llama.cpp's none"
                + " and rank give no vector per text through /v1/embeddings)");
    }
}
