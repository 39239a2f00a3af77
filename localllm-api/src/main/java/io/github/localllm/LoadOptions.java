package io.github.localllm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How an engine loads a model: the settings every engine understands, plus each engine's own
 * typed {@link EngineOptions}. Each portable field is optional ({@code null}: the engine chooses
 * from the model and the machine); {@link ModelInfo#options()} reports the values in effect.
 * Which portable fields an engine honours is in its
 * {@link io.github.localllm.spi.EngineCapabilities#loadOptions()}.
 *
 * @param contextSize tokens of context for each sequence (prompt plus answer)
 * @param gpuLayers layers offloaded to the GPU; {@code 0} for CPU only, {@code -1} for all
 * @param threads CPU threads for generation
 * @param keepAlive how long a server keeps the model loaded after its last request; {@link Duration#ZERO}
 *        unloads it at once, a negative duration keeps it until it is unloaded
 * @param engineOptions settings of particular engines, at most one per type
 */
public record LoadOptions(Integer contextSize, Integer gpuLayers, Integer threads, Duration keepAlive,
                          List<EngineOptions> engineOptions) {

    /** The portable settings, by name, for engines to say which they honour. */
    public enum Field {
        /** {@link LoadOptions#contextSize()}. */
        CONTEXT_SIZE,
        /** {@link LoadOptions#gpuLayers()}. */
        GPU_LAYERS,
        /** {@link LoadOptions#threads()}. */
        THREADS,
        /** {@link LoadOptions#keepAlive()}. */
        KEEP_ALIVE
    }

    private static final LoadOptions DEFAULTS = builder().build();

    /** Rejects sizes that cannot work. */
    public LoadOptions {
        positive("contextSize", contextSize);
        positive("threads", threads);
        if (gpuLayers != null && gpuLayers < -1) {
            throw new InvalidRequestException("gpuLayers must be -1 (all), 0 (CPU only) or a layer count, was "
                    + gpuLayers);
        }
        engineOptions = engineOptions == null ? List.of() : List.copyOf(engineOptions);
        for (int i = 0; i < engineOptions.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (engineOptions.get(i).getClass() == engineOptions.get(j).getClass()) {
                    throw new InvalidRequestException("two " + engineOptions.get(i).getClass().getSimpleName()
                            + " were given; pass each engine's options once");
                }
            }
        }
    }

    private static void positive(String name, Integer value) {
        if (value != null && value <= 0) {
            throw new InvalidRequestException(name + " must be positive, was " + value
                    + "; leave it unset to let the engine choose");
        }
    }

    /** @return all choices left to the engine */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param type an engine's options type
     * @param <T> that type
     * @return the options of that type in this request
     */
    public <T extends EngineOptions> Optional<T> engineOptions(Class<T> type) {
        return engineOptions.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        Builder b = new Builder().contextSize(contextSize).gpuLayers(gpuLayers).threads(threads).keepAlive(keepAlive);
        b.engineOptions.addAll(engineOptions);
        return b;
    }

    /** Builds {@link LoadOptions}. */
    public static final class Builder {
        private Integer contextSize;
        private Integer gpuLayers;
        private Integer threads;
        private Duration keepAlive;
        private final List<EngineOptions> engineOptions = new ArrayList<>();

        private Builder() {
        }

        /** @param v context tokens, or {@code null} to let the engine choose @return this */
        public Builder contextSize(Integer v) {
            contextSize = v;
            return this;
        }

        /** @param v GPU layers, {@code 0} none, {@code -1} all @return this */
        public Builder gpuLayers(Integer v) {
            gpuLayers = v;
            return this;
        }

        /** @param v CPU threads @return this */
        public Builder threads(Integer v) {
            threads = v;
            return this;
        }

        /** @param v how long a server keeps the model loaded when idle @return this */
        public Builder keepAlive(Duration v) {
            keepAlive = v;
            return this;
        }

        /**
         * Adds or replaces one engine's options.
         *
         * @param options settings for one engine
         * @return this
         */
        public Builder engineOptions(EngineOptions options) {
            Objects.requireNonNull(options, "options");
            engineOptions.removeIf(o -> o.getClass() == options.getClass());
            engineOptions.add(options);
            return this;
        }

        /** @return the options @throws InvalidRequestException if a size is zero or negative */
        public LoadOptions build() {
            return new LoadOptions(contextSize, gpuLayers, threads, keepAlive, engineOptions);
        }
    }
}
