package io.github.localllm.hardware;

import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.MemoryModel;
import java.util.Objects;

/**
 * What to plan: a model, the context wanted, parallel sequences, the engine, and the speeds measured on
 * this machine that predictions are corrected by.
 *
 * @param model the model's memory model
 * @param targetContext tokens per sequence wanted, or {@code null} for the model's trained maximum
 * @param parallel sequences decoded in parallel
 * @param engine the engine the plan is for
 * @param calibrations measured speeds ({@link SpeedCalibrations#none()} for the uncalibrated model)
 */
public record FitRequest(MemoryModel model, Integer targetContext, int parallel, InferenceEngine engine,
                         SpeedCalibrations calibrations) {

    /** Checks the parts. */
    public FitRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(calibrations, "calibrations");
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1, got " + parallel);
        }
        if (targetContext != null && targetContext < 1) {
            throw new IllegalArgumentException("target context must be positive, got " + targetContext);
        }
    }

    /**
     * A request corrected by the user's measurements ({@link SpeedCalibrations#user()}).
     *
     * @param model the model's memory model
     * @param targetContext tokens per sequence wanted, or {@code null} for the trained maximum
     * @param parallel sequences decoded in parallel
     * @param engine the engine the plan is for
     */
    public FitRequest(MemoryModel model, Integer targetContext, int parallel, InferenceEngine engine) {
        this(model, targetContext, parallel, engine, SpeedCalibrations.user());
    }

    /**
     * @param model the model's memory model
     * @return a builder: trained context, 1 sequence, {@link InferenceEngine#preferred()} unless an engine is set,
     *         the user's speed measurements ({@link SpeedCalibrations#user()}) unless others are set
     */
    public static Builder builder(MemoryModel model) {
        return new Builder(model);
    }

    /**
     * @param file a GGUF header, of a local file or of a remote one read with {@link GgufFile#read(java.net.URI)}
     * @return a builder for that model
     */
    public static Builder builder(GgufFile file) {
        return new Builder(MemoryModel.of(file));
    }

    /** @return a builder preset to this request */
    public Builder toBuilder() {
        return new Builder(model).targetContext(targetContext).parallel(parallel).engine(engine)
                .calibrations(calibrations);
    }

    /** Builder for {@link FitRequest}. */
    public static final class Builder {
        private final MemoryModel model;
        private Integer targetContext;
        private int parallel = 1;
        private InferenceEngine engine;
        private SpeedCalibrations calibrations;

        private Builder(MemoryModel model) {
            this.model = model;
        }

        /** @param tokens context per sequence, or {@code null} for the trained maximum @return this builder */
        public Builder targetContext(Integer tokens) {
            this.targetContext = tokens;
            return this;
        }

        /** @param n parallel sequences @return this builder */
        public Builder parallel(int n) {
            this.parallel = n;
            return this;
        }

        /**
         * @param engine the engine, or {@code null} for {@link InferenceEngine#preferred()}
         * @return this builder
         */
        public Builder engine(InferenceEngine engine) {
            this.engine = engine;
            return this;
        }

        /**
         * @param store measured speeds to correct the prediction by, or {@code null} for the user's
         * @return this builder
         */
        public Builder calibrations(SpeedCalibrations store) {
            this.calibrations = store;
            return this;
        }

        /** @return the request */
        public FitRequest build() {
            // Looked up only when needed: finding the installed engines instantiates every provider.
            return new FitRequest(model, targetContext, parallel, engine != null ? engine : InferenceEngine.preferred(),
                    calibrations != null ? calibrations : SpeedCalibrations.user());
        }
    }
}
