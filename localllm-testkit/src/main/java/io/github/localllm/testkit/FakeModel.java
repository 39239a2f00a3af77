package io.github.localllm.testkit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A model a fake server has: what its listings report and whether it starts loaded.
 *
 * @param name the name clients use (Ollama {@code llama3.2:latest}; a name without a tag also
 *             matches {@code :latest}, as on Ollama), LM Studio's model key, the OpenAI model id
 * @param sizeBytes the size of the model file
 * @param quantization e.g. {@code Q4_K_M}
 * @param contextLength the longest context the model supports
 * @param loaded whether it is in memory when the server starts
 * @param family the architecture, e.g. {@code llama}, {@code qwen2}
 * @param parameterSize e.g. {@code 3.2B}
 * @param embedding whether it is an embedding model (it then cannot generate)
 * @param modifiedAt when it was downloaded, as listings report it
 * @param capabilities what Ollama's {@code /api/show} lists ({@code completion}, {@code tools},
 *                     {@code thinking}, {@code vision}, {@code embedding}, ...); the fake Ollama refuses
 *                     tools and thinking to a model without them, as the server does
 */
public record FakeModel(String name, long sizeBytes, String quantization, int contextLength, boolean loaded,
        String family, String parameterSize, boolean embedding, Instant modifiedAt, List<String> capabilities) {

    /** Checks the values. */
    public FakeModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(parameterSize, "parameterSize");
        Objects.requireNonNull(modifiedAt, "modifiedAt");
        if (name.isBlank() || sizeBytes <= 0 || contextLength <= 0) {
            throw new IllegalArgumentException("a model needs a name, a positive size and a positive context length");
        }
        capabilities = capabilities == null || capabilities.isEmpty()
                ? (embedding ? List.of("embedding") : List.of("completion", "tools")) : List.copyOf(capabilities);
    }

    /** A chat model with the builder's defaults. */
    public static FakeModel of(String name) {
        return builder(name).build();
    }

    /** An embedding model with the builder's defaults. */
    public static FakeModel embedding(String name) {
        return builder(name).embedding(true).family("bert").parameterSize("137M").sizeBytes(274_290_560L).build();
    }

    /** A builder for a model with this name and the defaults listed on {@link Builder}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The same model, loaded or not. */
    public FakeModel withLoaded(boolean isLoaded) {
        return new FakeModel(name, sizeBytes, quantization, contextLength, isLoaded, family, parameterSize, embedding,
                modifiedAt, capabilities);
    }

    /**
     * Builds a {@link FakeModel}. Defaults: 2,019,393,189 bytes, {@code Q4_K_M}, context 4096,
     * not loaded, family {@code llama}, {@code 3.2B}, a chat model, modified 2025-05-04T17:37:44.706015396Z
     * (the values of {@code llama3.2:latest} in Ollama's documented {@code /api/tags} answer), capabilities
     * {@code completion} and {@code tools} (those of {@code llama3.2}), or {@code embedding} for an
     * embedding model.
     */
    public static final class Builder {
        private final String name;
        private long sizeBytes = 2_019_393_189L;
        private String quantization = "Q4_K_M";
        private int contextLength = 4096;
        private boolean loaded;
        private String family = "llama";
        private String parameterSize = "3.2B";
        private boolean embedding;
        private Instant modifiedAt = Instant.parse("2025-05-04T17:37:44.706015396Z");
        private List<String> capabilities = List.of();

        private Builder(String name) {
            this.name = name;
        }

        /** The model file's size in bytes. */
        public Builder sizeBytes(long bytes) {
            this.sizeBytes = bytes;
            return this;
        }

        /** The quantization, e.g. {@code Q4_K_M}. */
        public Builder quantization(String q) {
            this.quantization = q;
            return this;
        }

        /** The longest context the model supports, in tokens. */
        public Builder contextLength(int tokens) {
            this.contextLength = tokens;
            return this;
        }

        /** Whether the model is loaded when the server starts. */
        public Builder loaded(boolean isLoaded) {
            this.loaded = isLoaded;
            return this;
        }

        /** The architecture family, e.g. {@code qwen2}. */
        public Builder family(String f) {
            this.family = f;
            return this;
        }

        /** The parameter count as listings show it, e.g. {@code 7.6B}. */
        public Builder parameterSize(String size) {
            this.parameterSize = size;
            return this;
        }

        /** Whether this is an embedding model. */
        public Builder embedding(boolean isEmbedding) {
            this.embedding = isEmbedding;
            return this;
        }

        /** When the model was downloaded. */
        public Builder modifiedAt(Instant when) {
            this.modifiedAt = when;
            return this;
        }

        /** What {@code /api/show} lists, e.g. {@code "completion", "tools", "thinking", "vision"}. */
        public Builder capabilities(String... names) {
            this.capabilities = List.of(names);
            return this;
        }

        /** The model. */
        public FakeModel build() {
            return new FakeModel(name, sizeBytes, quantization, contextLength, loaded, family, parameterSize, embedding,
                    modifiedAt, capabilities);
        }
    }
}
