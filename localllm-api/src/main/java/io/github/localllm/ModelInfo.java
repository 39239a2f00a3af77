package io.github.localllm;

import io.github.localllm.spi.EngineCapabilities;
import java.time.Duration;
import java.util.Objects;

/**
 * What a loaded model is and how it was loaded. Engines build it with {@link #builder(String, String)}.
 *
 * @param name the model's name (from its metadata, else its file name; a server's model name)
 * @param backend the id of the engine running it
 * @param architecture the model architecture, e.g. {@code llama}, {@code qwen2}, or {@code unknown}
 * @param parameterCount parameters, or {@code -1} if unknown
 * @param quantization the weight format, e.g. {@code Q4_K_M}, or {@code unknown}
 * @param trainedContextLength the context the model was trained with, or {@code -1} if unknown
 * @param embeddingLength the width of its embeddings, or {@code -1} if unknown
 * @param options the load options in effect, every field the engine knows resolved
 * @param loadTime how long loading took
 * @param capabilities what this model on this engine can do (a server may say per model, e.g. vision
 *        or tools); the engine's own capabilities when it does not
 * @param chatTemplate the chat template the engine renders conversations with (a Jinja template, as
 *        llama.cpp's server reports it), or empty when the engine does not say
 */
public record ModelInfo(String name, String backend, String architecture, long parameterCount,
                        String quantization, int trainedContextLength, int embeddingLength,
                        LoadOptions options, Duration loadTime, EngineCapabilities capabilities,
                        String chatTemplate) {

    /** Checks no part is missing. */
    public ModelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(loadTime, "loadTime");
        capabilities = capabilities == null ? EngineCapabilities.unknown() : capabilities;
        chatTemplate = chatTemplate == null ? "" : chatTemplate;
    }

    /**
     * Without a chat template; kept so that code written before it existed still compiles.
     *
     * @param name the model's name
     * @param backend the engine's id
     * @param architecture the architecture
     * @param parameterCount parameters or -1
     * @param quantization the weight format
     * @param trainedContextLength trained context or -1
     * @param embeddingLength embedding width or -1
     * @param options options in effect
     * @param loadTime load time
     * @param capabilities what the model can do
     */
    public ModelInfo(String name, String backend, String architecture, long parameterCount, String quantization,
                     int trainedContextLength, int embeddingLength, LoadOptions options, Duration loadTime,
                     EngineCapabilities capabilities) {
        this(name, backend, architecture, parameterCount, quantization, trainedContextLength, embeddingLength,
                options, loadTime, capabilities, "");
    }

    /**
     * Without capabilities; kept so that code written before they existed still compiles.
     *
     * @param name the model's name
     * @param backend the engine's id
     * @param architecture the architecture
     * @param parameterCount parameters or -1
     * @param quantization the weight format
     * @param trainedContextLength trained context or -1
     * @param embeddingLength embedding width or -1
     * @param options options in effect
     * @param loadTime load time
     */
    public ModelInfo(String name, String backend, String architecture, long parameterCount, String quantization,
                     int trainedContextLength, int embeddingLength, LoadOptions options, Duration loadTime) {
        this(name, backend, architecture, parameterCount, quantization, trainedContextLength, embeddingLength,
                options, loadTime, null, "");
    }

    /**
     * @param name the model's name
     * @param backend the engine's id
     * @return a builder with every other part unknown
     */
    public static Builder builder(String name, String backend) {
        return new Builder(name, backend);
    }

    /** Builds {@link ModelInfo}. */
    public static final class Builder {
        private final String name;
        private final String backend;
        private String architecture = "unknown";
        private long parameterCount = -1;
        private String quantization = "unknown";
        private int trainedContextLength = -1;
        private int embeddingLength = -1;
        private LoadOptions options = LoadOptions.defaults();
        private Duration loadTime = Duration.ZERO;
        private EngineCapabilities capabilities;
        private String chatTemplate = "";

        private Builder(String name, String backend) {
            this.name = name;
            this.backend = backend;
        }

        /** @param v the architecture @return this */
        public Builder architecture(String v) {
            architecture = v;
            return this;
        }

        /** @param v parameters @return this */
        public Builder parameterCount(long v) {
            parameterCount = v;
            return this;
        }

        /** @param v the weight format @return this */
        public Builder quantization(String v) {
            quantization = v;
            return this;
        }

        /** @param v the trained context @return this */
        public Builder trainedContextLength(int v) {
            trainedContextLength = v;
            return this;
        }

        /** @param v the embedding width @return this */
        public Builder embeddingLength(int v) {
            embeddingLength = v;
            return this;
        }

        /** @param v the options in effect @return this */
        public Builder options(LoadOptions v) {
            options = v;
            return this;
        }

        /** @param v how long loading took @return this */
        public Builder loadTime(Duration v) {
            loadTime = v;
            return this;
        }

        /** @param v what the model can do @return this */
        public Builder capabilities(EngineCapabilities v) {
            capabilities = v;
            return this;
        }

        /** @param v the chat template the engine renders with; empty when not known @return this */
        public Builder chatTemplate(String v) {
            chatTemplate = v;
            return this;
        }

        /** @return the info */
        public ModelInfo build() {
            return new ModelInfo(name, backend, architecture, parameterCount, quantization, trainedContextLength,
                    embeddingLength, options, loadTime, capabilities, chatTemplate);
        }
    }
}
