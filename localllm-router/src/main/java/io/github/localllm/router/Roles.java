package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LanguageModel;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelRef;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.event.ModelLoaded;
import io.github.localllm.event.ModelUnloaded;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named roles (a planner, a critic, an executor...) each served by a model of one engine, with at most
 * {@link Builder#maxResident(int)} models loaded at a time: using a role whose model is not loaded
 * unloads the least recently used one that no request is using, then loads it. So an application can
 * move from role to role on a machine that fits one model only. Roles naming the same file and
 * options share one loaded model.
 *
 * <p>Use an engine that really returns a closed model's memory: the managed {@code llamaserver}
 * engine does (each model is a process of its own); the in-process {@code llamacpp} engine keeps
 * about the whole model per distinct file it has closed, so switching among three files there grows
 * memory by all three.
 *
 * <pre>{@code
 * try (Roles roles = Roles.builder(backend).maxResident(1)
 *         .role("planner", ModelRef.file(planner))
 *         .role("critic", ModelRef.file(critic))
 *         .build()) {
 *     String plan = roles.model("planner").generate(task).text();
 *     String review = roles.model("critic").generate(GenerationRequest.of(plan)).text();
 * }
 * }</pre>
 *
 * A role's model is a {@link LanguageModel}, so it can also be a router {@link Target}. Thread-safe;
 * a switch waits for requests on the model it unloads to end, at most {@link Builder#maxWait}.
 */
public final class Roles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Roles.class);

    /** What a role loads. */
    record Spec(ModelRef model, LoadOptions options) {
    }

    /** A loaded model and the requests using it. Guarded by the roles' state lock. */
    static final class Resident {
        final Spec spec;
        final io.github.localllm.ModelInstance instance;
        int leases;
        long lastUsed;

        Resident(Spec spec, io.github.localllm.ModelInstance instance) {
            this.spec = spec;
            this.instance = instance;
        }
    }

    private final InferenceBackend backend;
    private final Map<String, Spec> roles;
    private final int maxResident;
    private final Duration maxWait;
    private final LocalLlmEventListener listener;
    private final Object state = new Object();
    /** One switch at a time: two concurrent loads could exceed the limit. */
    private final ReentrantLock switching = new ReentrantLock();
    private final Map<Spec, Resident> resident = new LinkedHashMap<>();
    private long clock;
    private long loads;
    private boolean closed;

    private Roles(Builder b) {
        this.backend = b.backend;
        this.roles = Map.copyOf(b.roles);
        this.maxResident = b.maxResident;
        this.maxWait = b.maxWait;
        this.listener = b.listener;
    }

    /**
     * @param backend the engine that loads every role's model
     * @return a builder
     */
    public static Builder builder(InferenceBackend backend) {
        return new Builder(Objects.requireNonNull(backend, "backend"));
    }

    /**
     * @param role a role's name
     * @return its model, loaded when first used and whenever used after being unloaded
     * @throws InvalidRequestException if there is no such role
     */
    public LanguageModel model(String role) {
        if (!roles.containsKey(role)) {
            throw new InvalidRequestException("no role named '" + role + "'; the roles are " + roles.keySet());
        }
        return new RoleModel(this, role);
    }

    /** @return the roles whose model is loaded now */
    public List<String> resident() {
        synchronized (state) {
            List<String> out = new ArrayList<>();
            roles.forEach((name, spec) -> {
                if (resident.containsKey(spec)) {
                    out.add(name);
                }
            });
            out.sort(null);
            return out;
        }
    }

    /** @param role a role's name @return whether its model is loaded now */
    boolean isResident(String role) {
        synchronized (state) {
            Spec spec = roles.get(role);
            return spec != null && resident.containsKey(spec);
        }
    }

    /** @return how many times a model was loaded so far */
    public long loads() {
        synchronized (state) {
            return loads;
        }
    }

    /**
     * Leases the role's model, loading it first if needed.
     *
     * @throws InsufficientResourcesException if every loaded model stays in use for longer than the wait
     */
    Resident acquire(String role) {
        Spec spec = roles.get(role);
        Resident r = lease(spec);
        if (r != null) {
            return r;
        }
        try {
            if (!switching.tryLock(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy(role);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InsufficientResourcesException("interrupted while waiting to load the model of role '" + role
                    + "'", e);
        }
        try {
            r = lease(spec);
            if (r != null) {
                return r;
            }
            makeRoom(role);
            long start = System.nanoTime();
            io.github.localllm.ModelInstance instance = backend.load(new ModelLoadRequest(spec.model(), spec.options(),
                    listener));
            LOG.debug("role '{}': {} loaded in {} ms", role, spec.model().text(),
                    (System.nanoTime() - start) / 1_000_000);
            publish(new ModelLoaded(Instant.now(), instance.info()));
            synchronized (state) {
                if (closed) {
                    instance.close();
                    throw new InvalidRequestException("these roles are closed; build new ones");
                }
                r = new Resident(spec, instance);
                r.leases = 1;
                r.lastUsed = ++clock;
                resident.put(spec, r);
                loads++;
                return r;
            }
        } finally {
            switching.unlock();
        }
    }

    private Resident lease(Spec spec) {
        synchronized (state) {
            if (closed) {
                throw new InvalidRequestException("these roles are closed; build new ones");
            }
            Resident r = resident.get(spec);
            if (r != null) {
                r.leases++;
                r.lastUsed = ++clock;
            }
            return r;
        }
    }

    /** Unloads least recently used models until one more fits, waiting for those in use. */
    private void makeRoom(String role) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Resident victim;
            synchronized (state) {
                if (resident.size() < maxResident) {
                    return;
                }
                victim = null;
                for (Resident r : resident.values()) {
                    if (r.leases == 0 && (victim == null || r.lastUsed < victim.lastUsed)) {
                        victim = r;
                    }
                }
                if (victim == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw busy(role);
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(state, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InsufficientResourcesException("interrupted while waiting for a model to be free",
                                e);
                    }
                    continue;
                }
                resident.remove(victim.spec);
            }
            unload(victim);
        }
    }

    private void unload(Resident r) {
        String name = r.instance.info().name();
        String engine = r.instance.info().backend();
        try {
            r.instance.close();
        } finally {
            publish(new ModelUnloaded(Instant.now(), engine, name));
        }
    }

    void release(Resident r) {
        synchronized (state) {
            r.leases--;
            state.notifyAll();
        }
    }

    private InsufficientResourcesException busy(String role) {
        synchronized (state) {
            return new InsufficientResourcesException("the model of role '" + role + "' cannot be loaded: "
                    + resident.size() + " model(s) are loaded (the most at once: " + maxResident + ") and all stayed"
                    + " in use for " + maxWait.toSeconds() + " s; raise maxResident if memory allows, or do not"
                    + " hold a stream of one role open while using another");
        }
    }

    private void publish(io.github.localllm.event.LocalLlmEvent event) {
        if (listener == null) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("event listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
        }
    }

    /** Unloads every model; requests still running on one may fail. */
    @Override
    public void close() {
        List<Resident> all;
        synchronized (state) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(resident.values());
            resident.clear();
            state.notifyAll();
        }
        for (Resident r : all) {
            unload(r);
        }
    }

    @Override
    public String toString() {
        return "Roles" + roles.keySet() + " on " + backend.info().id() + ", at most " + maxResident + " loaded";
    }

    /** Settings of {@link Roles}. */
    public static final class Builder {
        private final InferenceBackend backend;
        private final Map<String, Spec> roles = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private int maxResident = 1;
        private Duration maxWait = Duration.ofMinutes(5);
        private LocalLlmEventListener listener;

        private Builder(InferenceBackend backend) {
            this.backend = backend;
        }

        /**
         * @param name the role's name
         * @param model what it runs, with default load options
         * @return this builder
         */
        public Builder role(String name, ModelRef model) {
            return role(name, model, LoadOptions.defaults());
        }

        /**
         * @param name the role's name
         * @param model what it runs
         * @param options how to load it
         * @return this builder
         */
        public Builder role(String name, ModelRef model, LoadOptions options) {
            if (name == null || name.isBlank()) {
                problems.add("a role has no name");
            } else if (roles.containsKey(name)) {
                problems.add("two roles are named '" + name + "'");
            } else {
                roles.put(name, new Spec(Objects.requireNonNull(model, "model"),
                        Objects.requireNonNull(options, "options")));
            }
            return this;
        }

        /**
         * @param v the most models loaded at once, 1 by default
         * @return this builder
         */
        public Builder maxResident(int v) {
            if (v < 1) {
                problems.add("maxResident must be at least 1, was " + v);
            }
            this.maxResident = v;
            return this;
        }

        /**
         * @param v how long a switch may wait for the models it must unload to be free, 5 minutes by default
         * @return this builder
         */
        public Builder maxWait(Duration v) {
            if (v == null || v.isNegative()) {
                problems.add("maxWait must not be negative, was " + v);
            } else {
                this.maxWait = v;
            }
            return this;
        }

        /**
         * @param v told of every load and unload
         * @return this builder
         */
        public Builder listener(LocalLlmEventListener v) {
            this.listener = v;
            return this;
        }

        /**
         * @return the roles
         * @throws ConfigurationException listing every problem: no roles, unnamed or duplicate roles, bad limits
         */
        public Roles build() {
            List<String> all = new ArrayList<>(problems);
            if (roles.isEmpty() && all.isEmpty()) {
                all.add("no roles; add one with role(name, model)");
            }
            if (!all.isEmpty()) {
                throw new ConfigurationException("roles cannot be built: " + String.join("; ", all));
            }
            return new Roles(this);
        }
    }
}
