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
import io.github.localllm.Usage;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.GenerationFailed;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.spi.InferenceBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
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
 * runs first-token timeouts; shared daemon threads, gone when idle, ask engines which models they hold:
 * {@link Builder#loadedRefresh}) and owns no target: closing targets is their creator's business.
 */
public final class Router implements LanguageModel {
    private final String name;
    private final List<TargetState> states;
    private final List<Target> targets;
    private final Settings settings;
    private final Events events;
    private final Accounting accounting;
    /** One per engine that reports the models it holds, behind the local targets it runs. */
    private final LoadedWatch[] watches;

    private Router(Builder b, List<Target> resolved, Settings settings, Events events, Accounting accounting) {
        this.name = b.name;
        this.settings = settings;
        this.events = events;
        this.accounting = accounting;
        List<TargetState> s = new ArrayList<>(resolved.size());
        for (Target t : resolved) {
            EnergyCost energy = t.isLocal() ? b.energy.getOrDefault(t.name(), b.defaultEnergy) : null;
            s.add(new TargetState(t, new CircuitBreaker(t.name(), settings.breakerThreshold(),
                    settings.breakerCooldown(), settings.clock(), events), energy, modelNameOf(t), providerOf(t)));
        }
        this.states = List.copyOf(s);
        this.targets = List.copyOf(resolved);
        this.watches = watches(states, settings.loadedRefresh());
        for (LoadedWatch w : watches) {
            w.refreshIfStale(System.nanoTime());
        }
    }

    /** Groups the local targets by the engine that runs them, for engines that say which models they hold. */
    private static LoadedWatch[] watches(List<TargetState> states, Duration interval) {
        Map<InferenceBackend, List<TargetState>> byEngine = new IdentityHashMap<>();
        for (TargetState t : states) {
            InferenceBackend engine = t.target.engine().orElse(null);
            if (t.isLocal() && engine != null && LoadedWatch.reports(engine)) {
                byEngine.computeIfAbsent(engine, e -> new ArrayList<>()).add(t);
            }
        }
        List<LoadedWatch> out = new ArrayList<>();
        // A year is as good as never, and keeps the arithmetic on nanoseconds far from overflowing.
        long nanos = interval.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : interval.toNanos();
        byEngine.forEach((engine, served) -> {
            LoadedWatch w = new LoadedWatch(engine, nanos, served);
            served.forEach(t -> t.watch = w);
            out.add(w);
        });
        return out.toArray(new LoadedWatch[0]);
    }

    /** @return the targets as strategies see them, live; for tests */
    List<? extends Candidate> candidates() {
        return states;
    }

    /** Asks every watched engine which models it holds, now, on this thread; for tests and a fresh start. */
    void refreshLoaded() {
        for (LoadedWatch w : watches) {
            w.refresh();
        }
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the router's name, used in events and messages */
    public String name() {
        return name;
    }

    /**
     * @return its targets, in the order given; a cloud target without a price of its own carries the
     *         one the router found for it in its {@link PriceTable}
     */
    public List<Target> targets() {
        return targets;
    }

    /**
     * @return what the router measured per target and model since it was built: requests, failures,
     *         fallbacks, tokens, cost, and percentiles of total time and time to first token; one
     *         entry per target at least, in the order of the targets
     */
    public List<TargetStatistics> statistics() {
        return Accounting.statistics(states);
    }

    /**
     * @return cloud spend today and this month (UTC) against the budgets, and what the local answers
     *         saved against the reference cloud model's price
     */
    public CostReport costReport() {
        return accounting.report();
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
            Route route = plan(request, null, options, false);
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
                Duration ttft = answer.metrics().timeToFirstToken();
                RoutingDecision decision = route.answered(lease, answer.model(), 0, ttftNanos(answer),
                        answer.metrics().generationTokensPerSecond(), ttft.isZero() ? -1 : ttft.toNanos(),
                        answer.usage());
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
            return new RoutedStream(plan(request, null, options, true), request);
        } catch (LocalLlmException e) {
            failed(e);
            throw e;
        }
    }

    EmbeddingResult embed(EmbeddingRequest request, RoutingOptions options) {
        Objects.requireNonNull(request, "request");
        try {
            Route route = plan(null, request, options, false);
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
                route.answered(lease, answer.model(), 0, -1, 0, -1, new Usage(answer.promptTokens(), 0));
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
    private Route plan(GenerationRequest request, EmbeddingRequest embedding, RoutingOptions options,
                       boolean streamed) {
        boolean budgetSpent = accounting.cloudBlocked();
        boolean localOnly = settings.localOnly() || options.localOnly() || budgetSpent;
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
            if (budgetSpent && private_ > 0 && !settings.localOnly() && !options.localOnly()) {
                throw budgetSpent(private_, lacking == null ? "it has no local target"
                        : "no local target serves this request: " + String.join("; ", lacking));
            }
            throw Eligibility.noneEligible(name, localOnly, private_, lacking);
        }
        RoutingContext context = new RoutingContext(task, java.util.Optional.ofNullable(request),
                Eligibility.promptTokens(request, embedding),
                embedding != null ? 0 : request.maxTokens() != null ? request.maxTokens()
                        : RoutingContext.DEFAULT_OUTPUT_TOKENS);
        List<TargetState> order = ranked(strategy, context, eligible, route);
        if (order.isEmpty()) {
            if (budgetSpent && private_ > 0 && !settings.localOnly() && !options.localOnly()) {
                throw budgetSpent(private_, "the " + strategy.name() + " strategy sends no request to a local target");
            }
            throw Eligibility.strategyLeftNone(name, strategy, eligible);
        }
        String reason = Eligibility.reason(strategy, order, task, route, localOnly, private_, lacking);
        if (budgetSpent && private_ > 0) {
            reason = reason + "; the cloud budget is spent";
        }
        RequestMetrics.Operation operation = embedding != null ? RequestMetrics.Operation.EMBEDDINGS
                : request.messages().isEmpty() ? RequestMetrics.Operation.TEXT_COMPLETION
                : RequestMetrics.Operation.CHAT;
        Route planned = new Route(this, order, strategy.name(), reason, request == null ? null : request.timeout(),
                operation, streamed, embedding == null ? request : null, context.promptTokens());
        // After ranking: this request ranked with what was known; the refresh, if due, runs elsewhere.
        for (LoadedWatch w : watches) {
            w.refreshIfStale(planned.startNanos());
        }
        return planned;
    }

    private BudgetExceededException budgetSpent(int cloudTargets, String why) {
        Spend spend = accounting.spend();
        Duration wait = spend.untilUnblocked();
        return new BudgetExceededException("the cloud budget of router '" + name + "' is spent (today "
                + spend.spentToday() + (Double.isNaN(spend.dailyBudget()) ? "" : " of " + spend.dailyBudget())
                + ", this month " + spend.spentThisMonth()
                + (Double.isNaN(spend.monthlyBudget()) ? "" : " of " + spend.monthlyBudget())
                + "), so its " + cloudTargets + " cloud target" + (cloudTargets == 1 ? "" : "s")
                + " get no requests until the period ends in " + wait
                + ", and " + why + ". Raise the budget, wait, or add a local target", wait);
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

    Accounting accounting() {
        return accounting;
    }

    private static String modelNameOf(Target t) {
        LanguageModel m = t.model();
        if (m instanceof ModelInstance instance) {
            return instance.info().name();
        }
        if (m instanceof LocalLlm llm) {
            return llm.model().info().name();
        }
        return t.name();
    }

    private static String providerOf(Target t) {
        LanguageModel m = t.model();
        if (m instanceof ModelInstance instance) {
            return instance.info().backend();
        }
        if (m instanceof LocalLlm llm) {
            return llm.model().info().backend();
        }
        return t.name();
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
        private final List<MetricsListener> metricsListeners = new ArrayList<>();
        private PriceTable prices;
        private Path pricesFile;
        private final Map<String, String> priceModels = new HashMap<>();
        private double dailyBudget = Double.NaN;
        private double monthlyBudget = Double.NaN;
        private double budgetWarning = Double.NaN;
        private Path spendFile;
        private String savingsReference;
        private EnergyCost defaultEnergy;
        private final Map<String, EnergyCost> energy = new HashMap<>();
        private Duration loadedRefresh = Duration.ofSeconds(2);

        private Builder() {
        }

        /**
         * @param v how long what a local target's engine says about the models it holds
         *        ({@link Target#engine()}) is trusted before it is asked again, off the request path, when
         *        a request comes; 2 s by default
         * @return this
         */
        public Builder loadedRefresh(Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                problems.add("loadedRefresh must be positive, was " + v);
            }
            loadedRefresh = v;
            return this;
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

        /**
         * @param v the clock of circuit breaker cooldowns, event times and the budgets' UTC days and
         *        months; the system's by default
         * @return this
         */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** @param v receives one {@link RequestMetrics} per attempt @return this */
        public Builder metricsListener(MetricsListener v) {
            metricsListeners.add(Objects.requireNonNull(v, "metricsListener"));
            return this;
        }

        /**
         * @param v the prices cloud spend and savings are counted with; {@link PriceTable#bundled()} by
         *        default
         * @return this
         */
        public Builder prices(PriceTable v) {
            prices = Objects.requireNonNull(v, "prices");
            return this;
        }

        /**
         * @param v a JSON file of prices over the table's ({@link PriceTable#withFile}); read by
         *        {@link #build()}, which reports a missing or malformed file
         * @return this
         */
        public Builder pricesFile(Path v) {
            pricesFile = Objects.requireNonNull(v, "pricesFile");
            return this;
        }

        /**
         * Prices a target by a model of the price table, when its own model's name is not the
         * table's (a cloud target whose model has a name in the table is priced by it without this).
         *
         * @param target the target's name
         * @param model the model's name in the price table, e.g. {@code gpt-4o-mini}
         * @return this
         */
        public Builder priceModel(String target, String model) {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(model, "model");
            if (priceModels.put(target, model) != null) {
                problems.add("target '" + target + "' is given a price model twice; give it one");
            }
            return this;
        }

        /**
         * @param v the most cloud answers may cost per UTC day; once reached, requests go to local
         *        targets only until the day ends (a {@link io.github.localllm.event.BudgetThresholdReached}
         *        event says so). None by default
         * @return this
         */
        public Builder dailyBudget(double v) {
            checkAmount("dailyBudget", v);
            dailyBudget = v;
            return this;
        }

        /** @param v the most cloud answers may cost per UTC calendar month; as {@link #dailyBudget} @return this */
        public Builder monthlyBudget(double v) {
            checkAmount("monthlyBudget", v);
            monthlyBudget = v;
            return this;
        }

        /**
         * @param v the share of a budget (above 0, below 1, e.g. 0.8) whose spending publishes a
         *        warning event; routing is unchanged until the budget is spent. None by default
         * @return this
         */
        public Builder budgetWarning(double v) {
            if (!(v > 0 && v < 1)) {
                problems.add("budgetWarning is a share of the budget above 0 and below 1 (0.8 warns at 80 %), was "
                        + v);
            }
            budgetWarning = v;
            return this;
        }

        /**
         * @param v a small JSON file that keeps the day's and month's cloud spend across restarts:
         *        read by {@link #build()}, written after each cloud answer. None by default: spend
         *        counts from zero whenever the router is built. One router (in one process) per file:
         *        two writing one file would each overwrite the other's count
         * @return this
         */
        public Builder spendFile(Path v) {
            spendFile = Objects.requireNonNull(v, "spendFile");
            return this;
        }

        /**
         * @param v the cloud model (a name in the price table) whose price the savings of local
         *        answers are measured against; by default the first priced cloud target's price
         * @return this
         */
        public Builder savingsReference(String v) {
            savingsReference = Objects.requireNonNull(v, "savingsReference");
            return this;
        }

        /**
         * @param v the electricity every local target's answers are estimated to use, unless
         *        {@link #localEnergy(String, EnergyCost)} gives its own. None by default: local answers
         *        cost nothing
         * @return this
         */
        public Builder localEnergy(EnergyCost v) {
            defaultEnergy = Objects.requireNonNull(v, "energy");
            return this;
        }

        /** @param target a local target's name @param v the electricity its answers use @return this */
        public Builder localEnergy(String target, EnergyCost v) {
            Objects.requireNonNull(target, "target");
            energy.put(target, Objects.requireNonNull(v, "energy"));
            return this;
        }

        /**
         * Applies the router's configuration keys that are set: {@value PriceTable#CONFIG_KEY} (a prices
         * file), {@code router.budget.daily}, {@code router.budget.monthly}, {@code router.budget.warning},
         * {@code router.spend.file} and {@code router.savings.reference}. Builder calls after this one win.
         *
         * @param config the configuration
         * @return this
         */
        public Builder config(LocalLlmConfig config) {
            config.get(PriceTable.CONFIG_KEY).filter(v -> !v.isBlank()).ifPresent(v -> pricesFile(Path.of(v.trim())));
            configAmount(config, "router.budget.daily").ifPresent(this::dailyBudget);
            configAmount(config, "router.budget.monthly").ifPresent(this::monthlyBudget);
            configAmount(config, "router.budget.warning").ifPresent(this::budgetWarning);
            config.get("router.spend.file").filter(v -> !v.isBlank()).ifPresent(v -> spendFile(Path.of(v.trim())));
            config.get("router.savings.reference").filter(v -> !v.isBlank()).ifPresent(v -> savingsReference(v.trim()));
            try {
                config.getDuration("router.loaded.refresh").ifPresent(this::loadedRefresh);
            } catch (ConfigurationException e) {
                problems.add(e.getMessage());
            }
            return this;
        }

        private OptionalDouble configAmount(LocalLlmConfig config, String key) {
            Optional<String> v = config.get(key);
            if (v.isEmpty() || v.get().isBlank()) {
                return OptionalDouble.empty();
            }
            try {
                return OptionalDouble.of(Double.parseDouble(v.get().trim()));
            } catch (NumberFormatException e) {
                problems.add(key + " must be a number, was '" + v.get() + "' (" + config.value(key).orElseThrow()
                        + ")");
                return OptionalDouble.empty();
            }
        }

        private void checkAmount(String what, double v) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                problems.add(what + " cannot be negative or undefined, was " + v + "; give the most cloud answers may"
                        + " cost, in the currency of the prices (0 keeps every request local)");
            }
        }

        /**
         * @return the router
         * @throws ConfigurationException listing every problem: no targets, two with one name,
         *         contradictory options, negative limits, a task route naming an unknown target
         */
        public Router build() {
            List<String> all = new ArrayList<>(problems);
            check(all);
            PriceTable table = priceTable(all);
            List<Target> resolved = priced(table, all);
            Price reference = reference(table, resolved, all);
            checkCost(resolved, all);
            Events events = new Events(name, listeners, clock);
            Spend spend = null;
            if (all.isEmpty()) {
                try {
                    spend = new Spend(dailyBudget, monthlyBudget, budgetWarning, clock, spendFile, events);
                } catch (ConfigurationException e) {
                    all.add(e.getMessage());
                }
            }
            if (!all.isEmpty()) {
                throw new ConfigurationException("router '" + name + "' cannot be built: " + String.join("; ", all));
            }
            Settings settings = new Settings(strategy, Map.copyOf(tasks), localOnly, retries, retryDelay,
                    maxRetryAfter, attemptTimeout, attemptTimeoutGrowth, firstTokenTimeout, breakerThreshold,
                    breakerCooldown, streamFailover, whenBusy, maxQueueWait, clock, loadedRefresh);
            String referenceName = reference == null ? null : savingsReference != null ? savingsReference
                    : referenceTarget(resolved);
            Accounting accounting = new Accounting(name, table == null ? "" : table.currency(), spend, referenceName,
                    reference, metricsListeners);
            return new Router(this, resolved, settings, events, accounting);
        }

        /** @return the price table, with the prices file over it; {@code null} when the file is bad */
        private PriceTable priceTable(List<String> all) {
            PriceTable table = prices != null ? prices : PriceTable.bundled();
            if (pricesFile == null) {
                return table;
            }
            try {
                return table.withFile(pricesFile);
            } catch (ConfigurationException e) {
                all.add(e.getMessage());
                return null;
            }
        }

        /** @return the targets, each cloud target without a price of its own priced from the table where it can be */
        private List<Target> priced(PriceTable table, List<String> all) {
            Set<String> names = new HashSet<>();
            targets.forEach(t -> names.add(t.name()));
            for (String t : priceModels.keySet()) {
                if (!names.contains(t)) {
                    all.add("priceModel names target '" + t + "', which is no target");
                }
            }
            List<Target> out = new ArrayList<>(targets.size());
            for (Target t : targets) {
                Price price = t.price().orElse(null);
                String model = priceModels.get(t.name());
                if (model != null && t.price().isPresent()) {
                    all.add("target '" + t.name() + "' has a price of its own and a price model '" + model
                            + "'; give it one of them");
                } else if (model != null && table != null) {
                    price = table.price(model).orElse(null);
                    if (price == null) {
                        all.add("target '" + t.name() + "' is priced as model '" + model + "', which the price table"
                                + " does not list; known models: " + table.knownNames() + ". Add it to a prices file"
                                + " (pricesFile) or give the target a price(...)");
                    }
                } else if (price == null && !t.isLocal() && table != null) {
                    price = table.price(modelNameOf(t)).orElse(null);
                }
                out.add(price == null || t.price().isPresent() ? t : t.withPrice(price));
            }
            return out;
        }

        private Price reference(PriceTable table, List<Target> resolved, List<String> all) {
            if (savingsReference != null) {
                if (table == null) {
                    return null;
                }
                Price p = table.price(savingsReference).orElse(null);
                if (p == null) {
                    all.add("the savings reference '" + savingsReference + "' is not in the price table; known models: "
                            + table.knownNames());
                }
                return p;
            }
            for (Target t : resolved) {
                if (!t.isLocal() && t.price().isPresent()) {
                    return t.price().get();
                }
            }
            return null;
        }

        private static String referenceTarget(List<Target> resolved) {
            for (Target t : resolved) {
                if (!t.isLocal() && t.price().isPresent()) {
                    return t.name();
                }
            }
            return null;
        }

        private void checkCost(List<Target> resolved, List<String> all) {
            boolean budget = !Double.isNaN(dailyBudget) || !Double.isNaN(monthlyBudget);
            if (!Double.isNaN(budgetWarning) && !budget) {
                all.add("budgetWarning is set without a dailyBudget or monthlyBudget to warn about; set one");
            }
            if (dailyBudget > monthlyBudget) {
                all.add("contradictory budgets: the daily budget " + dailyBudget + " exceeds the monthly budget "
                        + monthlyBudget + ", so it could never be reached; lower it or raise the monthly one");
            }
            if (budget && !resolved.isEmpty()) {
                if (resolved.stream().allMatch(Target::isLocal)) {
                    all.add("a cloud budget is set but every target is local, so it would limit nothing; drop it or"
                            + " add a cloud target");
                } else if (localOnly) {
                    all.add("contradictory options: the router is local-only, so a cloud budget would limit nothing;"
                            + " drop one of them");
                }
                for (Target t : resolved) {
                    if (!t.isLocal() && t.price().isEmpty()) {
                        all.add("cloud target '" + t.name() + "' has no price, so the budget cannot count what it"
                                + " spends; give it price(...) or priceModel(\"" + t.name() + "\", model)");
                    }
                }
            }
            Set<String> names = new HashSet<>();
            resolved.forEach(t -> names.add(t.name()));
            for (Map.Entry<String, EnergyCost> e : energy.entrySet()) {
                if (!names.contains(e.getKey())) {
                    all.add("localEnergy names target '" + e.getKey() + "', which is no target");
                } else if (resolved.stream().anyMatch(t -> t.name().equals(e.getKey()) && !t.isLocal())) {
                    all.add("localEnergy is given for cloud target '" + e.getKey() + "'; its price is what it costs");
                }
            }
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
