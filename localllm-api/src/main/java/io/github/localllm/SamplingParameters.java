package io.github.localllm;

/**
 * How the next token is chosen. Every field is optional: {@code null} means the
 * engine's default. A temperature of {@code 0} means greedy decoding, which gives the
 * same text on every run; so does any temperature with a fixed {@code seed} on the same
 * engine and model.
 *
 * @param temperature randomness, {@code 0} for greedy; 0 to 2
 * @param topK keep only the K most likely tokens; {@code 0} disables
 * @param topP keep the smallest set of tokens whose probabilities add up to P; 0 to 1
 * @param minP drop tokens less likely than P times the most likely one; 0 to 1
 * @param repeatPenalty divide the odds of recently seen tokens by this; {@code 1} disables
 * @param repeatLastN how many recent tokens the repeat penalty looks at
 * @param frequencyPenalty lower a token's odds by this times how often it appeared; -2 to 2
 * @param presencePenalty lower a token's odds by this if it appeared at all; -2 to 2
 * @param seed seed of the random sampler
 */
public record SamplingParameters(Double temperature, Integer topK, Double topP, Double minP,
                                 Double repeatPenalty, Integer repeatLastN, Double frequencyPenalty,
                                 Double presencePenalty, Long seed) {

    private static final SamplingParameters DEFAULTS = builder().build();

    /** Rejects values no engine accepts. */
    public SamplingParameters {
        range("temperature", temperature, 0, 2);
        range("topP", topP, 0, 1);
        range("minP", minP, 0, 1);
        range("repeatPenalty", repeatPenalty, 0, Double.MAX_VALUE);
        range("frequencyPenalty", frequencyPenalty, -2, 2);
        range("presencePenalty", presencePenalty, -2, 2);
        if (topK != null && topK < 0) {
            throw new InvalidRequestException("topK must be 0 (disabled) or more, was " + topK);
        }
        if (repeatLastN != null && repeatLastN < -1) {
            throw new InvalidRequestException("repeatLastN must be -1 (whole context) or more, was " + repeatLastN);
        }
    }

    private static void range(String name, Double value, double min, double max) {
        if (value != null && (value.isNaN() || value < min || value > max)) {
            throw new InvalidRequestException(name + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** @return the engine's defaults for everything */
    public static SamplingParameters defaults() {
        return DEFAULTS;
    }

    /** @return greedy decoding: always the most likely token, the same text on every run */
    public static SamplingParameters greedy() {
        return builder().temperature(0.0).build();
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        return new Builder().temperature(temperature).topK(topK).topP(topP).minP(minP)
                .repeatPenalty(repeatPenalty).repeatLastN(repeatLastN).frequencyPenalty(frequencyPenalty)
                .presencePenalty(presencePenalty).seed(seed);
    }

    /** Builds {@link SamplingParameters}. */
    public static final class Builder {
        private Double temperature;
        private Integer topK;
        private Double topP;
        private Double minP;
        private Double repeatPenalty;
        private Integer repeatLastN;
        private Double frequencyPenalty;
        private Double presencePenalty;
        private Long seed;

        private Builder() {
        }

        /** @param v randomness, 0 for greedy @return this */
        public Builder temperature(Double v) {
            temperature = v;
            return this;
        }

        /** @param v top-K cut-off @return this */
        public Builder topK(Integer v) {
            topK = v;
            return this;
        }

        /** @param v nucleus cut-off @return this */
        public Builder topP(Double v) {
            topP = v;
            return this;
        }

        /** @param v min-P cut-off @return this */
        public Builder minP(Double v) {
            minP = v;
            return this;
        }

        /** @param v repeat penalty @return this */
        public Builder repeatPenalty(Double v) {
            repeatPenalty = v;
            return this;
        }

        /** @param v window of the repeat penalty @return this */
        public Builder repeatLastN(Integer v) {
            repeatLastN = v;
            return this;
        }

        /** @param v frequency penalty @return this */
        public Builder frequencyPenalty(Double v) {
            frequencyPenalty = v;
            return this;
        }

        /** @param v presence penalty @return this */
        public Builder presencePenalty(Double v) {
            presencePenalty = v;
            return this;
        }

        /** @param v sampler seed @return this */
        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        /** @return the parameters @throws InvalidRequestException if a value is out of range */
        public SamplingParameters build() {
            return new SamplingParameters(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                    frequencyPenalty, presencePenalty, seed);
        }
    }
}
