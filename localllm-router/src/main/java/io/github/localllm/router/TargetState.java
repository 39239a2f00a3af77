package io.github.localllm.router;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** A target with what the router keeps about it at run time: breaker, slots, measured latency, statistics. */
final class TargetState implements Candidate {
    /** Beyond this many distinct models answering for one target, further ones count under its own model. */
    private static final int MAX_MODELS = 64;

    final Target target;
    final CircuitBreaker breaker;
    final Slots slots;
    final LatencyStats stats = new LatencyStats();
    /** The price cloud answers are counted at, or {@code null} when not known. */
    final Price price;
    /** The energy estimate of local answers, or {@code null} for none. */
    final EnergyCost energy;
    /** The engine behind the target, for metrics. */
    final String provider;
    /** Statistics of the model the target runs, and of its failures. */
    final ModelStats defaultStats;
    /** The name of the model the target runs, as its engine lists it when loaded. */
    final String modelName;
    /** Asks the target's engine which models it holds; {@code null} when nothing is asked. Set once, by the router. */
    LoadedWatch watch;
    /** Whether the engine listed the target's model at its last refresh (or cannot tell); written by {@link #watch}. */
    volatile boolean loadedNow = true;
    /** Whether the engine ever listed the target's model; written only by {@link #watch}'s refreshes, which hold its lock. */
    boolean seenLoaded;
    private final ConcurrentHashMap<String, ModelStats> others = new ConcurrentHashMap<>();

    TargetState(Target target, CircuitBreaker breaker, EnergyCost energy, String model, String provider) {
        this.target = target;
        this.breaker = breaker;
        this.slots = new Slots(target.maxConcurrent(), target.maxQueued());
        this.price = target.price().orElse(null);
        this.energy = energy;
        this.provider = provider;
        this.defaultStats = new ModelStats(model);
        this.modelName = model;
    }

    /** @param model the model that answered @return its statistics: O(1), allocates only for a new model */
    ModelStats stats(String model) {
        if (model == null || model.equals(defaultStats.model)) {
            return defaultStats;
        }
        ModelStats s = others.get(model);
        if (s == null) {
            if (others.size() >= MAX_MODELS) {
                return defaultStats;
            }
            s = others.computeIfAbsent(model, ModelStats::new);
        }
        return s;
    }

    void forEachStats(Consumer<ModelStats> action) {
        action.accept(defaultStats);
        others.values().forEach(action);
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public String name() {
        return target.name();
    }

    @Override
    public boolean isLocal() {
        return target.isLocal();
    }

    @Override
    public int inFlight() {
        return slots.inFlight();
    }

    @Override
    public int queued() {
        return slots.queued();
    }

    @Override
    public Optional<Duration> averageTimeToFirstToken() {
        return stats.averageTimeToFirstToken();
    }

    /** One volatile read for a target whose engine is watched: the engine is asked off the request path. */
    @Override
    public boolean loaded() {
        if (watch != null) {
            return loadedNow;
        }
        return !(target.model() instanceof RoleModel role) || role.loaded();
    }

    @Override
    public OptionalDouble averageTokensPerSecond() {
        return stats.averageTokensPerSecond();
    }

    @Override
    public String toString() {
        return target.toString();
    }
}
