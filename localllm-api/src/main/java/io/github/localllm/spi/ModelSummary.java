package io.github.localllm.spi;

import io.github.localllm.ModelRef;
import java.time.Instant;
import java.util.Objects;

/**
 * A model an engine has available, loaded or not, as its model list reports it. Engines build it
 * with {@link #builder(ModelRef)}; unknown parts stay at their "unknown" values.
 *
 * @param ref how to load it: {@link io.github.localllm.spi.InferenceBackend#load} takes this reference
 * @param sizeBytes its size on disk, or {@code -1} if unknown
 * @param architecture its architecture, e.g. {@code qwen2}, or empty
 * @param parameterSize the parameter count as the engine states it, e.g. {@code 7.6B}, or empty
 * @param quantization its weight format, e.g. {@code Q4_K_M}, or empty
 * @param contextLength the longest context it supports, or {@code -1} if unknown
 * @param modifiedAt when it was last changed, or {@code null} if unknown
 * @param digest a content digest such as {@code sha256:...}, or empty
 * @param loaded whether it is in memory now
 */
public record ModelSummary(ModelRef ref, long sizeBytes, String architecture, String parameterSize,
                           String quantization, int contextLength, Instant modifiedAt, String digest,
                           boolean loaded) {

    /** Checks the reference is present. */
    public ModelSummary {
        Objects.requireNonNull(ref, "ref");
        architecture = architecture == null ? "" : architecture;
        parameterSize = parameterSize == null ? "" : parameterSize;
        quantization = quantization == null ? "" : quantization;
        digest = digest == null ? "" : digest;
    }

    /** @return the name to show and to load it by */
    public String name() {
        return ref.text();
    }

    /** @param ref how to load it @return a builder */
    public static Builder builder(ModelRef ref) {
        return new Builder(ref);
    }

    /** Builds {@link ModelSummary}. */
    public static final class Builder {
        private final ModelRef ref;
        private long sizeBytes = -1;
        private String architecture = "";
        private String parameterSize = "";
        private String quantization = "";
        private int contextLength = -1;
        private Instant modifiedAt;
        private String digest = "";
        private boolean loaded;

        private Builder(ModelRef ref) {
            this.ref = Objects.requireNonNull(ref, "ref");
        }

        /** @param v size on disk @return this */
        public Builder sizeBytes(long v) {
            sizeBytes = v;
            return this;
        }

        /** @param v its architecture @return this */
        public Builder architecture(String v) {
            architecture = v;
            return this;
        }

        /** @param v parameter count as stated @return this */
        public Builder parameterSize(String v) {
            parameterSize = v;
            return this;
        }

        /** @param v weight format @return this */
        public Builder quantization(String v) {
            quantization = v;
            return this;
        }

        /** @param v longest context @return this */
        public Builder contextLength(int v) {
            contextLength = v;
            return this;
        }

        /** @param v last change @return this */
        public Builder modifiedAt(Instant v) {
            modifiedAt = v;
            return this;
        }

        /** @param v content digest @return this */
        public Builder digest(String v) {
            digest = v;
            return this;
        }

        /** @param v in memory now @return this */
        public Builder loaded(boolean v) {
            loaded = v;
            return this;
        }

        /** @return the summary */
        public ModelSummary build() {
            return new ModelSummary(ref, sizeBytes, architecture, parameterSize, quantization, contextLength,
                    modifiedAt, digest, loaded);
        }
    }
}
