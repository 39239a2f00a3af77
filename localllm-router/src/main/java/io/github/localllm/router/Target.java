package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import io.github.localllm.LanguageModel;
import io.github.localllm.LocalLlm;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.InferenceBackend;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One place a {@link Router} can send a request: a model with a name, where it runs, what it can do
 * and what it costs. Built with {@link #local(String, LanguageModel)} or
 * {@link #cloud(String, LanguageModel)}.
 *
 * <p>What a {@link ModelInstance} (or a {@link LocalLlm}) reports about itself is taken when the target is
 * built: its capabilities ({@code info().capabilities()}) and the context it was loaded with. Any
 * other {@link LanguageModel}, such as another router, says nothing: the router then sends it every
 * request and lets it refuse what it cannot serve, unless {@link Builder#capabilities} says more.
 *
 * @param name the name decisions, events and messages use; unique within a router
 * @param model the model requests go to
 * @param locality where it runs: cloud targets never get a request marked local-only
 * @param capabilities what it can serve; empty when not known (requests are not filtered for it)
 * @param price what it charges; empty when not known (a local target is then free, a cloud one ranked
 *        last by cost)
 * @param maxConcurrent the most requests it runs at once, 0 for no limit
 * @param maxQueued the most requests that wait for it when it runs {@code maxConcurrent}; beyond them
 *        the router rejects the request or moves on ({@link WhenBusy})
 * @param contextSize its context window in tokens, when known: a prompt too long for another target's
 *        context goes to one whose context is larger
 * @param engine the engine running the model, when known: a local target asks it which models it holds
 *        in memory ({@link InferenceBackend#loadedModels()}), off the request path, so that a target whose
 *        model is loaded goes before one that must load it first ({@link Candidate#loaded()}). Taken from a
 *        {@link LocalLlm} model; give it with {@link Builder#engine} for a {@link ModelInstance}
 */
public record Target(String name, LanguageModel model, Locality locality, Optional<EngineCapabilities> capabilities,
                     Optional<Price> price, int maxConcurrent, int maxQueued, OptionalInt contextSize,
                     Optional<InferenceBackend> engine) {

    /** Checks the values. */
    public Target {
        if (name == null || name.isBlank()) {
            throw new ConfigurationException("a target needs a name; give each one its own, e.g. \"ollama\"");
        }
        Objects.requireNonNull(model, () -> "target '" + name + "' has no model");
        Objects.requireNonNull(locality, "locality");
        capabilities = capabilities == null ? Optional.empty() : capabilities;
        price = price == null ? Optional.empty() : price;
        contextSize = contextSize == null ? OptionalInt.empty() : contextSize;
        engine = engine == null ? Optional.empty() : engine;
        if (maxConcurrent < 0) {
            throw new ConfigurationException("target '" + name + "': maxConcurrent cannot be negative, was "
                    + maxConcurrent + "; use 0 for no limit");
        }
        if (maxQueued < 0) {
            throw new ConfigurationException("target '" + name + "': maxQueued cannot be negative, was " + maxQueued
                    + "; use 0 for no queue");
        }
        if (maxQueued > 0 && maxConcurrent == 0) {
            throw new ConfigurationException("target '" + name + "' has a queue of " + maxQueued
                    + " but no concurrency limit, so nothing would ever wait in it; set maxConcurrent too");
        }
        if (contextSize.isPresent() && contextSize.getAsInt() <= 0) {
            throw new ConfigurationException("target '" + name + "': contextSize must be positive, was "
                    + contextSize.getAsInt());
        }
    }

    /**
     * A target without a known engine, as before {@link #engine()} was added.
     *
     * @param name the name
     * @param model the model
     * @param locality where it runs
     * @param capabilities what it can serve
     * @param price what it charges
     * @param maxConcurrent the most requests it runs at once
     * @param maxQueued the most requests that wait for it
     * @param contextSize its context window
     */
    public Target(String name, LanguageModel model, Locality locality, Optional<EngineCapabilities> capabilities,
                  Optional<Price> price, int maxConcurrent, int maxQueued, OptionalInt contextSize) {
        this(name, model, locality, capabilities, price, maxConcurrent, maxQueued, contextSize, Optional.empty());
    }

    /** @param p the price @return this target with that price */
    Target withPrice(Price p) {
        return new Target(name, model, locality, capabilities, Optional.of(p), maxConcurrent, maxQueued, contextSize,
                engine);
    }

    /**
     * @param name the target's name
     * @param model the model
     * @return a builder for a target on this machine or network
     */
    public static Builder local(String name, LanguageModel model) {
        return new Builder(name, model, Locality.LOCAL);
    }

    /**
     * @param name the target's name
     * @param model the model
     * @return a builder for a hosted API
     */
    public static Builder cloud(String name, LanguageModel model) {
        return new Builder(name, model, Locality.CLOUD);
    }

    /** @return whether it runs locally */
    public boolean isLocal() {
        return locality == Locality.LOCAL;
    }

    /** @return e.g. {@code ollama (local)} */
    @Override
    public String toString() {
        return name + " (" + locality.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** Builds a {@link Target}. */
    public static final class Builder {
        private final String name;
        private final LanguageModel model;
        private final Locality locality;
        private EngineCapabilities capabilities;
        private Price price;
        private int maxConcurrent;
        private int maxQueued;
        private Integer contextSize;
        private InferenceBackend engine;

        private Builder(String name, LanguageModel model, Locality locality) {
            this.name = name;
            this.model = model;
            this.locality = locality;
        }

        /** @param v what the target can serve, instead of what its model reports @return this */
        public Builder capabilities(EngineCapabilities v) {
            capabilities = Objects.requireNonNull(v, "capabilities");
            return this;
        }

        /** @param v what it charges @return this */
        public Builder price(Price v) {
            price = Objects.requireNonNull(v, "price");
            return this;
        }

        /**
         * @param inputPerMillion the price of a million prompt tokens
         * @param outputPerMillion the price of a million generated tokens
         * @return this
         */
        public Builder price(double inputPerMillion, double outputPerMillion) {
            return price(new Price(inputPerMillion, outputPerMillion));
        }

        /** @param v the most requests it runs at once, 0 for no limit @return this */
        public Builder maxConcurrent(int v) {
            maxConcurrent = v;
            return this;
        }

        /** @param v the most requests waiting for it beyond {@code maxConcurrent} @return this */
        public Builder maxQueued(int v) {
            maxQueued = v;
            return this;
        }

        /** @param v its context window in tokens, instead of what its model reports @return this */
        public Builder contextSize(int v) {
            contextSize = v;
            return this;
        }

        /**
         * @param v the engine running the model, asked which models it holds in memory; by default a
         *        {@link LocalLlm}'s own, none for other models
         * @return this
         */
        public Builder engine(InferenceBackend v) {
            engine = Objects.requireNonNull(v, "engine");
            return this;
        }

        /** @return the target @throws ConfigurationException if a value is out of range */
        public Target build() {
            ModelInfo info = infoOf(model);
            EngineCapabilities caps = capabilities != null ? capabilities : info != null ? info.capabilities() : null;
            Integer context = contextSize != null ? contextSize
                    : info != null ? info.options().contextSize() : null;
            InferenceBackend runs = engine != null ? engine : model instanceof LocalLlm llm ? llm.backend() : null;
            return new Target(name, model, locality, Optional.ofNullable(caps), Optional.ofNullable(price),
                    maxConcurrent, maxQueued, context == null ? OptionalInt.empty() : OptionalInt.of(context),
                    Optional.ofNullable(runs));
        }

        private static ModelInfo infoOf(LanguageModel model) {
            if (model instanceof ModelInstance instance) {
                return instance.info();
            }
            if (model instanceof LocalLlm llm) {
                return llm.model().info();
            }
            return null;
        }
    }
}
