package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;
import io.github.localllm.LocalLlm;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInstance;
import io.github.localllm.RoutingDecision;
import io.github.localllm.event.GenerationFailed;
import io.github.localllm.event.LocalLlmEventListener;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One {@link LanguageModel} over many: local engines first, another when one is busy or down, a
 * cloud API only when allowed, and an answer that survives a target failing mid-stream. Callers use
 * it like any model; every result says how it was routed ({@link GenerationResult#routing()}).
 *
 * <pre>{@code
 * Router router = Router.builder()
 *         .target(Target.local("gpu-box", ollamaModel).maxConcurrent(2).maxQueued(8).build())
 *         .target(Target.local("laptop", llamaCppModel).build())
 *         .target(Target.cloud("openai", openAiModel).price(0.15, 0.60).build())
 *         .strategy(RoutingStrategy.preferLocal())
 *         .retries(1).attemptTimeout(Duration.ofSeconds(20), 1.5)
 *         .circuitBreaker(3, Duration.ofSeconds(30))
 *         .streamFailover(StreamFailover.CONTINUE_AS_PREFIX)
 *         .build();
 * GenerationResult r = router.generate("Hello");
 * r.routing().get().target(); // "gpu-box", or where it went instead, and why
 * router.with(RoutingOptions.onlyLocal()).generate(privateRequest); // never leaves the machine
 * }</pre>
 *
 * <p><b>How a request is routed.</b> The targets that may serve it are those that pass every filter:
 * local only if the request is marked local-only (by the router's {@link Builder#localOnly} or the
 * view's {@link RoutingOptions#localOnly()}); only those whose capabilities serve what it needs
 * ({@link io.github.localllm.spi.EngineCapabilities#missingFor}, embeddings for {@link #embed}); when
 * none does, an {@link io.github.localllm.InvalidRequestException} names what each lacks, before
 * anything is sent. The strategy (the view's, else its task's, else the router's) ranks them; the
 * task's preferred targets go first. The request goes to the first; targets whose circuit breaker is
 * open, or which are busy, are passed over.
 *
 * <p><b>When a target fails.</b> A bad request is thrown at once; a prompt too long for a target's
 * context goes on to targets with a larger one; a retryable failure (timeout, busy server, lost
 * connection) is retried on the same target ({@link Builder#retries}) after the wait it asked for
 * ({@code Retry-After}) or a growing delay; anything else moves to the next target. Each attempt may
 * get its own time budget, growing per attempt ({@link Builder#attemptTimeout}), within the request's
 * own {@code timeout}, which bounds them all. When no target answers, a
 * {@link NoTargetAvailableException} names each and what happened. Streams: see {@link StreamFailover}.
 *
 * <p>Events ({@link io.github.localllm.event.RequestRouted}, {@link io.github.localllm.event.FallbackTriggered},
 * {@link io.github.localllm.event.CircuitBreakerChanged}, {@link GenerationFailed}) go to the
 * listeners of {@link Builder#listener}. A router holds no thread of its own (one shared daemon timer
 * runs first-token timeouts) and owns no target: closing targets is their creator's business.
 */
public final class Router implements LanguageModel {
    private final String name;
    private final List<TargetState> states;
    private final List<Target> targets;
    private final Settings settings;
    private final Events events;

    private Router(Builder b, Settings settings, Events events) {
        this.name = b.name;
        this.settings = settings;
        this.events = events;
        List<TargetState> s = new ArrayList<>(b.targets.size());
        for (Target t : b.targets) {
            s.add(new TargetState(t, new CircuitBreaker(t.name(), settings.breakerThreshold(),
                    settings.breakerCooldown(), settings.clock(), events)));
        }
        this.states = List.copyOf(s);
        this.targets = List.copyOf(b.targets);
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the router's name, used in events and messages */
    public String name() {
        return name;
    }

    /** @return its targets, in the order given */
    public List<Target> targets() {
        return targets;
    }

    /**
     * A view of this router whose requests are routed with other options, sharing its targets,
     * breakers, limits and measurements.
     *
     * @param options how to route the view's requests
     * @return the view
     * @throws ConfigurationException if the options contradict the router, such as local-only
     *         requests with a cloud-only strategy, or local-only without a local target
     */
    public LanguageModel with(RoutingOptions options) {
        Objects.requireNonNull(options, "options");
        RoutingStrategy strategy = options.strategy().orElseGet(() -> options.task()
                .map(t -> settings.tasks().get(t)).map(TaskRoute::strategy).orElse(settings.strategy()));
        if (options.localOnly()) {
            if (LocalityStrategy.restriction(strategy) == Locality.CLOUD) {
                throw new ConfigurationException("contradictory routing options: requests marked local-only with the"
                        + " cloud-only strategy could go nowhere; drop one of them");
            }
            if (states.stream().noneMatch(TargetState::isLocal)) {
                throw new ConfigurationException("requests marked local-only cannot be served: every target of router '"
                        + name + "' is a cloud target; add a local target");
            }
        }
        return new RouterView(this, options);
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        return generate(request, RoutingOptions.defaults());
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        return stream(request, RoutingOptions.defaults());
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        return embed(request, RoutingOptions.defaults());
    }

    GenerationResult generate(GenerationRequest request, RoutingOptions options) {
        Objects.requireNonNull(request, "request");
        try {
            Route route = plan(request, null, options);
            while (true) {
                Route.Lease lease = route.next();
                GenerationResult answer;
                try {
                    answer = lease.target.target.model().generate(route.attemptRequest(request));
                } catch (LocalLlmException e) {
                    route.failed(lease, e, 0);
                    continue;
                } catch (RuntimeException e) {
                    route.failed(lease, unexpected(lease.name(), e), 0);
                    continue;
                }
                RoutingDecision decision = route.answered(lease, answer.model(), 0, ttftNanos(answer),
                        answer.metrics().generationTokensPerSecond());
                return answer.toBuilder().routing(decision).build();
            }
        } catch (LocalLlmException e) {
            failed(e);
            throw e;
        }
    }

    GenerationStream stream(GenerationRequest request, RoutingOptions options) {
        Objects.requireNonNull(request, "request");
        try {
            return new RoutedStream(plan(request, null, options), request);
        } catch (LocalLlmException e) {
            failed(e);
            throw e;
        }
    }

    EmbeddingResult embed(EmbeddingRequest request, RoutingOptions options) {
        Objects.requireNonNull(request, "request");
        try {
            Route route = plan(null, request, options);
            while (true) {
                Route.Lease lease = route.next();
                EmbeddingResult answer;
                try {
                    answer = lease.target.target.model().embed(request);
                } catch (LocalLlmException e) {
                    route.failed(lease, e, 0);
                    continue;
                } catch (RuntimeException e) {
                    route.failed(lease, unexpected(lease.name(), e), 0);
                    continue;
                }
                route.answered(lease, answer.model(), 0, -1, 0);
                return answer;
            }
        } catch (LocalLlmException e) {
            failed(e);
            throw e;
        }
    }

    private static long ttftNanos(GenerationResult answer) {
        Duration ttft = answer.metrics().timeToFirstToken();
        return ttft.isZero() ? answer.metrics().totalTime().toNanos() : ttft.toNanos();
    }

    /**
     * Filters the targets for the request and ranks them.
     *
     * @throws io.github.localllm.InvalidRequestException when no target may serve it
     */
    private Route plan(GenerationRequest request, EmbeddingRequest embedding, RoutingOptions options) {
        boolean localOnly = settings.localOnly() || options.localOnly();
        TaskType task = options.task().orElse(embedding != null ? TaskType.EMBEDDING
                : request.messages().isEmpty() ? TaskType.COMPLETION : TaskType.CHAT);
        TaskRoute route = settings.tasks().get(task);
        RoutingStrategy strategy = options.strategy().orElse(route != null ? route.strategy() : settings.strategy());

        List<Candidate> eligible = new ArrayList<>(states.size());
        List<String> lacking = null;
        int private_ = 0;
        for (TargetState t : states) {
            if (localOnly && !t.isLocal()) {
                private_++;
                continue;
            }
            String missing = Eligibility.missing(t.target, request, embedding);
            if (!missing.isEmpty()) {
                if (lacking == null) {
                    lacking = new ArrayList<>();
                }
                lacking.add(t.name() + " lacks " + missing);
                continue;
            }
            eligible.add(t);
        }
        if (eligible.isEmpty()) {
            throw Eligibility.noneEligible(name, localOnly, private_, lacking);
        }
        RoutingContext context = new RoutingContext(task, java.util.Optional.ofNullable(request),
                Eligibility.promptTokens(request, embedding),
                embedding != null ? 0 : request.maxTokens() != null ? request.maxTokens()
                        : RoutingContext.DEFAULT_OUTPUT_TOKENS);
        List<TargetState> order = ranked(strategy, context, eligible, route);
        if (order.isEmpty()) {
            throw Eligibility.strategyLeftNone(name, strategy, eligible);
        }
        String reason = Eligibility.reason(strategy, order, task, route, localOnly, private_, lacking);
        return new Route(this, order, strategy.name(), reason, request == null ? null : request.timeout());
    }

    /** The strategy's ranking, kept to what it was given, with the task's preferred targets first. */
    private static List<TargetState> ranked(RoutingStrategy strategy, RoutingContext context, List<Candidate> eligible,
                                            TaskRoute route) {
        List<Candidate> ranked = strategy.rank(context, Collections.unmodifiableList(eligible));
        List<TargetState> order = new ArrayList<>(ranked.size());
        boolean trusted = strategy instanceof LocalityStrategy || strategy instanceof RoundRobinStrategy
                || strategy instanceof LeastBusyStrategy || strategy instanceof LatencyStrategy
                || strategy instanceof CostStrategy;
        Set<Candidate> seen = trusted ? null : Collections.newSetFromMap(new IdentityHashMap<>());
        for (Candidate c : ranked) {
            // A custom strategy cannot add a target the filters removed, nor list one twice.
            if (trusted || (eligible.contains(c) && seen.add(c))) {
                order.add((TargetState) c);
            }
        }
        if (route != null && !route.preferred().isEmpty()) {
            List<TargetState> preferred = new ArrayList<>(order.size());
            for (String p : route.preferred()) {
                for (TargetState t : order) {
                    if (t.name().equals(p)) {
                        preferred.add(t);
                    }
                }
            }
            for (TargetState t : order) {
                if (!preferred.contains(t)) {
                    preferred.add(t);
                }
            }
            order = preferred;
        }
        return order;
    }

    Settings settings() {
        return settings;
    }

    Events events() {
        return events;
    }

    /** Reports a request no target answered. */
    void failed(LocalLlmException e) {
        if (events.enabled()) {
            events.publish(new GenerationFailed(events.now(), name, e));
        }
    }

    /** @return the name of the model a target runs, for results the router makes itself */
    String modelName(TargetState t) {
        LanguageModel m = t.target.model();
        if (m instanceof ModelInstance instance) {
            return instance.info().name();
        }
        if (m instanceof LocalLlm llm) {
            return llm.model().info().name();
        }
        return t.name();
    }

    /** A target broke its contract and threw something other than a {@link LocalLlmException}. */
    static GenerationException unexpected(String target, RuntimeException e) {
        return new GenerationException("target '" + target + "' failed unexpectedly: " + e, e);
    }

    @Override
    public String toString() {
        return "Router " + name + " " + targets;
    }

    /** Configures and builds a {@link Router}; everything is checked by {@link #build()}. */
    public static final class Builder {
        private String name = "router";
        private final List<Target> targets = new ArrayList<>();
        private RoutingStrategy strategy = RoutingStrategy.preferLocal();
        private final Map<TaskType, TaskRoute> tasks = new EnumMap<>(TaskType.class);
        private final List<String> problems = new ArrayList<>();
        private boolean localOnly;
        private int retries = 1;
        private Duration retryDelay = Duration.ofMillis(100);
        private Duration maxRetryAfter = Duration.ofSeconds(10);
        private Duration attemptTimeout;
        private double attemptTimeoutGrowth = 1;
        private Duration firstTokenTimeout;
        private int breakerThreshold = 5;
        private Duration breakerCooldown = Duration.ofSeconds(30);
        private StreamFailover streamFailover = StreamFailover.FAIL;
        private WhenBusy whenBusy = WhenBusy.NEXT_TARGET;
        private Duration maxQueueWait = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private final List<LocalLlmEventListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** @param v the name events and messages use; {@code router} by default @return this */
        public Builder name(String v) {
            name = Objects.requireNonNull(v, "name");
            return this;
        }

        /** @param v a target; the order of targets is the order strategies see them in @return this */
        public Builder target(Target v) {
            targets.add(Objects.requireNonNull(v, "target"));
            return this;
        }

        /** @param v targets, in order @return this */
        public Builder targets(List<Target> v) {
            v.forEach(this::target);
            return this;
        }

        /** @param v how requests are ranked; {@link RoutingStrategy#preferLocal()} by default @return this */
        public Builder strategy(RoutingStrategy v) {
            strategy = Objects.requireNonNull(v, "strategy");
            return this;
        }

        /**
         * Routes one task's requests with their own strategy and preferred targets.
         *
         * @param task the task
         * @param strategy its strategy
         * @param preferred names of targets to try first, in this order, before the strategy's ranking
         * @return this
         */
        public Builder task(TaskType task, RoutingStrategy strategy, String... preferred) {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(strategy, "strategy");
            if (tasks.containsKey(task)) {
                problems.add("task " + task.id() + " is routed twice; give each task one route");
            }
            tasks.put(task, new TaskRoute(task, strategy, List.of(preferred)));
            return this;
        }

        /**
         * @param task a task type by name, e.g. {@code code}
         * @param strategy its strategy
         * @param preferred names of targets to try first
         * @return this
         * @throws ConfigurationException naming the known task types if it is none of them
         */
        public Builder task(String task, RoutingStrategy strategy, String... preferred) {
            return task(TaskType.parse(task), strategy, preferred);
        }

        /** @param v whether every request is local-only: no cloud target is ever sent one @return this */
        public Builder localOnly(boolean v) {
            localOnly = v;
            return this;
        }

        /**
         * @param v retries of the same target after a retryable failure (busy, timed out, connection lost),
         *        before the next target; 1 by default, 0 to move on at once
         * @return this
         */
        public Builder retries(int v) {
            if (v < 0) {
                problems.add("retries cannot be negative, was " + v + "; use 0 to move to the next target at once");
            }
            retries = v;
            return this;
        }

        /**
         * @param v the wait before the first retry when the target did not say how long to wait,
         *        doubled for each further retry; 100 ms by default
         * @return this
         */
        public Builder retryDelay(Duration v) {
            if (v == null || v.isNegative()) {
                problems.add("retryDelay cannot be negative or missing, was " + v);
            }
            retryDelay = v;
            return this;
        }

        /**
         * @param v the longest wait a target may ask for ({@code Retry-After}) before it is retried;
         *        a longer one moves to the next target instead. 10 s by default
         * @return this
         */
        public Builder maxRetryAfter(Duration v) {
            if (v == null || v.isNegative()) {
                problems.add("maxRetryAfter cannot be negative or missing, was " + v);
            }
            maxRetryAfter = v;
            return this;
        }

        /**
         * Gives each attempt a time budget of its own (sent to the target as the request's timeout),
         * within the request's own timeout. None by default.
         *
         * @param first the budget of the first attempt
         * @param growth the factor each further attempt's budget grows by, at least 1 (e.g. 1.5 for 10 s,
         *        15 s, 22.5 s ...)
         * @return this
         */
        public Builder attemptTimeout(Duration first, double growth) {
            if (first == null || first.isNegative() || first.isZero()) {
                problems.add("attemptTimeout must be positive, was " + first);
            }
            if (!(growth >= 1) || Double.isInfinite(growth)) {
                problems.add("attemptTimeout growth must be at least 1 (1 keeps every attempt's budget the same), was "
                        + growth);
            }
            attemptTimeout = first;
            attemptTimeoutGrowth = growth;
            return this;
        }

        /**
         * @param v the longest wait for a streamed attempt's first chunk; past it the attempt is stopped
         *        and the next target tried, unseen by the caller. None by default. Whole answers
         *        ({@code generate}) have only the attempt's budget
         * @return this
         */
        public Builder firstTokenTimeout(Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                problems.add("firstTokenTimeout must be positive, was " + v);
            }
            firstTokenTimeout = v;
            return this;
        }

        /**
         * @param failures consecutive failures that open a target's circuit breaker; 5 by default
         * @param cooldown how long it stays open before one probe request is let through; 30 s by default
         * @return this
         */
        public Builder circuitBreaker(int failures, Duration cooldown) {
            if (failures < 1) {
                problems.add("a circuit breaker opens after at least 1 failure, was " + failures
                        + "; use Integer.MAX_VALUE to never open it");
            }
            if (cooldown == null || cooldown.isNegative()) {
                problems.add("the circuit breaker's cooldown cannot be negative or missing, was " + cooldown);
            }
            breakerThreshold = failures;
            breakerCooldown = cooldown;
            return this;
        }

        /** @param v what a failure after the first streamed chunk does; {@link StreamFailover#FAIL} by default @return this */
        public Builder streamFailover(StreamFailover v) {
            streamFailover = Objects.requireNonNull(v, "streamFailover");
            return this;
        }

        /** @param v what a full target does; {@link WhenBusy#NEXT_TARGET} by default @return this */
        public Builder whenBusy(WhenBusy v) {
            whenBusy = Objects.requireNonNull(v, "whenBusy");
            return this;
        }

        /**
         * @param v the longest a request waits in a target's queue for a slot; 30 s by default (the
         *        request's own timeout may end it sooner)
         * @return this
         */
        public Builder maxQueueWait(Duration v) {
            if (v == null || v.isNegative()) {
                problems.add("maxQueueWait cannot be negative or missing, was " + v);
            }
            maxQueueWait = v;
            return this;
        }

        /** @param v receives routing decisions, fallbacks, breaker changes and failed requests @return this */
        public Builder listener(LocalLlmEventListener v) {
            listeners.add(Objects.requireNonNull(v, "listener"));
            return this;
        }

        /** @param v the clock of circuit breaker cooldowns and event times; the system's by default @return this */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * @return the router
         * @throws ConfigurationException listing every problem: no targets, two with one name,
         *         contradictory options, negative limits, a task route naming an unknown target
         */
        public Router build() {
            List<String> all = new ArrayList<>(problems);
            check(all);
            if (!all.isEmpty()) {
                throw new ConfigurationException("router '" + name + "' cannot be built: " + String.join("; ", all));
            }
            Settings settings = new Settings(strategy, Map.copyOf(tasks), localOnly, retries, retryDelay,
                    maxRetryAfter, attemptTimeout, attemptTimeoutGrowth, firstTokenTimeout, breakerThreshold,
                    breakerCooldown, streamFailover, whenBusy, maxQueueWait, clock);
            return new Router(this, settings, new Events(name, listeners, clock));
        }

        private void check(List<String> all) {
            if (name.isBlank()) {
                all.add("its name is blank");
            }
            if (targets.isEmpty()) {
                all.add("it has no targets; add at least one, e.g. target(Target.local(\"ollama\", model).build())");
                return;
            }
            Set<String> names = new HashSet<>();
            for (Target t : targets) {
                if (!names.add(t.name())) {
                    all.add("two targets are named '" + t.name() + "'; give each its own name, decisions and events"
                            + " tell them apart by it");
                }
            }
            boolean anyLocal = targets.stream().anyMatch(Target::isLocal);
            boolean anyCloud = targets.stream().anyMatch(t -> !t.isLocal());
            List<RoutingStrategy> strategies = new ArrayList<>();
            strategies.add(strategy);
            tasks.values().forEach(r -> strategies.add(r.strategy()));
            for (RoutingStrategy s : strategies) {
                Locality only = LocalityStrategy.restriction(s);
                if (only == Locality.CLOUD && localOnly) {
                    all.add("contradictory options: the router is local-only but uses the cloud-only strategy; drop one");
                } else if (only == Locality.CLOUD && !anyCloud) {
                    all.add("the cloud-only strategy has no cloud target to use; add one with Target.cloud(...)");
                } else if (only == Locality.LOCAL && !anyLocal) {
                    all.add("the local-only strategy has no local target to use; add one with Target.local(...)");
                }
            }
            if (localOnly && !anyLocal) {
                all.add("the router is local-only but every target is a cloud target ("
                        + targets.stream().map(Target::name).collect(Collectors.joining(", "))
                        + "); add a local target");
            }
            for (TaskRoute r : tasks.values()) {
                Set<String> seen = new LinkedHashSet<>();
                for (String p : r.preferred()) {
                    if (!names.contains(p)) {
                        all.add("the route of task " + r.task().id() + " prefers '" + p + "', which is no target; the"
                                + " targets are " + targets.stream().map(Target::name).collect(Collectors.joining(", ")));
                    } else if (!seen.add(p)) {
                        all.add("the route of task " + r.task().id() + " lists '" + p + "' twice; a fallback chain"
                                + " must not loop back to a target");
                    }
                }
            }
        }
    }
}
