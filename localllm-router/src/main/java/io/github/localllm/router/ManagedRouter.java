package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;
import io.github.localllm.LocalLlm;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInfo;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigValue;
import io.github.localllm.config.LocalLlmConfig;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A router described by configuration, together with the engines it started for its targets:
 * closing it closes them. Configuration comes from the usual layers ({@code .localllm.json},
 * {@code ~/.config/localllm/config.json}, {@code LOCALLLM_*} variables, {@code -Dlocalllm.*}):
 *
 * <pre>{@code
 * {
 *   "router.targets": "laptop, cloud",
 *   "router.strategy": "prefer-local",
 *   "router.target.laptop.backend": "ollama",
 *   "router.target.laptop.model": "qwen2.5:7b",
 *   "router.target.cloud.backend": "openai",
 *   "router.target.cloud.model": "gpt-4o-mini",
 *   "router.target.cloud.openai.url": "https://api.openai.com/v1",
 *   "router.budget.daily": "2.00"
 * }
 * }</pre>
 *
 * Each target is an engine built as {@link LocalLlm#builder()} would build it, with the keys under
 * {@code router.target.<name>.} set on top (any key: {@code backend}, {@code model}, {@code context.size},
 * an engine's own such as {@code ollama.url}), except {@code locality} ({@code local} or {@code cloud};
 * by default cloud when the engine's address is not on this machine) and {@code max.concurrent}.
 * A target whose engine cannot start (a server down) is left out with a warning, so the others still
 * serve, unless its {@code required} key is {@code true}; when none can start, building fails naming
 * each reason. The router itself takes {@code router.name}, {@code router.strategy}
 * ({@code prefer-local}, {@code prefer-cloud}, {@code local-only}, {@code cloud-only}, {@code round-robin},
 * {@code least-busy}, {@code latency}, {@code cost}), {@code router.local.only} and the keys of
 * {@link Router.Builder#config}.
 *
 * <p>Without a list of targets, {@link #autoDetect()} (or {@code router.auto=true}) makes one target of
 * each local engine running on this machine and, only when allowed, a cloud target last:
 *
 * <pre>{@code
 * try (ManagedRouter router = ManagedRouter.builder().autoDetect().allowCloud(true).build()) {
 *     System.out.print(router.describe());   // what was found, and what was left out and why
 *     router.generate(GenerationRequest.of("Hello"));
 * }
 * }</pre>
 */
public final class ManagedRouter implements LanguageModel, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedRouter.class);
    private static final String TARGET_PREFIX = "router.target.";
    /** Keys of a target that the router reads rather than its engine. */
    static final List<String> ROUTER_KEYS = List.of("locality", "max.concurrent", "required");

    private final Router router;
    private final List<LocalLlm> engines;
    private final List<String> leftOut;
    private final String description;

    private ManagedRouter(Router router, List<LocalLlm> engines, List<String> leftOut) {
        this.router = router;
        this.engines = List.copyOf(engines);
        this.leftOut = List.copyOf(leftOut);
        this.description = describe(router, this.engines, this.leftOut);
    }

    /**
     * @return the router this process's configuration describes: its {@code router.targets}, or with
     *         {@code router.auto=true} and no targets listed, the engines found on this machine
     *         ({@link Builder#autoDetect()})
     * @throws ConfigurationException if it describes none, or none of its targets can start
     */
    public static ManagedRouter fromConfig() {
        return fromConfig(ConfigEnvironment.system());
    }

    /**
     * @param environment where the configuration layers are read from
     * @return the router the configuration describes
     * @throws ConfigurationException if it describes none, or none of its targets can start
     */
    public static ManagedRouter fromConfig(ConfigEnvironment environment) {
        return builder().environment(environment).build();
    }

    /**
     * The one-line router: every local engine running on this machine, the cloud only when the
     * configuration allows it ({@code router.cloud.allow=true}). See {@link Builder#autoDetect()}.
     *
     * @return the router
     * @throws io.github.localllm.BackendUnavailableException if no engine is running, naming each probed
     *         and how to start one
     */
    public static ManagedRouter autoDetect() {
        return builder().autoDetect().build();
    }

    /** @return a builder: configured targets by default, or {@link Builder#autoDetect()} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ManagedRouter} from configuration, or from the engines found on this machine. */
    public static final class Builder {
        private final Map<String, String> explicit = new LinkedHashMap<>();
        private final List<Consumer<Router.Builder>> customizers = new ArrayList<>();
        private ConfigEnvironment environment;
        private boolean autoDetect;

        private Builder() {
        }

        /**
         * Makes the targets of the engines running on this machine rather than of {@code router.targets}.
         * Every installed engine ({@link LocalLlm#providers()}, or those {@code router.auto.engines} lists)
         * is probed at once ({@code router.probe.timeout}, 1 s by default). Each that is up becomes a
         * local target named by its id, in the engines' priority order, serving:
         * <ul>
         *   <li>a server (Ollama, LM Studio, an OpenAI-compatible server such as llama-server): the model
         *       {@code router.target.<id>.model} names, else the configured {@code model} when the server has
         *       it, else the model it has loaded now (a chat model before an embedding one); a server with
         *       none of these is left out, with the models it has;</li>
         *   <li>the engines that open files (llama.cpp in process, the managed llama-server): one target,
         *       the file (or Hugging Face file, downloaded only when {@code models.download=true})
         *       {@code router.target.<id>.model} or {@code model} names, started as
         *       {@code LocalLlm.builder().autoDetect()} starts it when an auto-configurator such as
         *       {@code localllm-hardware} is installed (which also picks a model when none is named).</li>
         * </ul>
         * Keys under {@code router.target.<id>.} apply to that engine only, as for configured targets. The
         * OpenAI-compatible engine never sends a configured {@code openai.api.key} to a local server: that
         * key is the cloud's (give a local server its own under {@code router.target.openai.openai.api.key}).
         *
         * <p>The cloud target, {@code cloud}, comes last, and only when allowed ({@link #allowCloud} or
         * {@code router.cloud.allow=true}) and an API key is found ({@code openai.api.key} in the key file or
         * the configuration, or {@code OPENAI_API_KEY} for the OpenAI API): the OpenAI-compatible engine at
         * {@code router.cloud.url} (else {@code openai.url} when it is not this machine, else
         * {@code https://api.openai.com/v1}) serving {@code router.cloud.model} ({@code gpt-4o-mini} by
         * default). An engine whose address is not this machine counts as cloud too, and is left out unless
         * the cloud is allowed or {@code router.target.<id>.locality} is {@code local}. The strategy is
         * {@code router.strategy}, prefer-local by default.
         *
         * <p>Engines that are down or have nothing to serve are left out, each with a log line and an entry
         * in {@link ManagedRouter#leftOut()}; when none is left, building fails naming each engine probed and what it said.
         *
         * @return this
         */
        public Builder autoDetect() {
            autoDetect = true;
            return this;
        }

        /**
         * @param allow whether the router may use the cloud target and engines that are not on this
         *        machine; the same as {@code router.cloud.allow}. Not allowed by default
         * @return this
         */
        public Builder allowCloud(boolean allow) {
            return set(AutoTargets.ALLOW_CLOUD, Boolean.toString(allow));
        }

        /**
         * @param ids the engines {@link #autoDetect()} probes, e.g. {@code "ollama", "llamacpp"}; the same as
         *        {@code router.auto.engines}. Every installed engine by default
         * @return this
         */
        public Builder engines(String... ids) {
            return set(AutoTargets.ENGINES, String.join(",", ids));
        }

        /**
         * Sets any configuration key, over every other layer, for the router and every engine it starts.
         *
         * @param key a dotted key such as {@code router.strategy} or {@code ollama.url}
         * @param value its value
         * @return this
         */
        public Builder set(String key, String value) {
            explicit.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param customizer applied to the router's builder after the configuration, e.g. to add a
         *        listener or set retries
         * @return this
         */
        public Builder router(Consumer<Router.Builder> customizer) {
            customizers.add(Objects.requireNonNull(customizer, "customizer"));
            return this;
        }

        /**
         * Reads the lower configuration layers from somewhere other than this process, for tests.
         *
         * @param v properties, variables and files to read
         * @return this
         */
        public Builder environment(ConfigEnvironment v) {
            environment = Objects.requireNonNull(v, "environment");
            return this;
        }

        /**
         * Starts the engines and builds the router.
         *
         * @return the router; close it to close the engines it started
         * @throws ConfigurationException if the configuration is malformed, or describes no router
         * @throws io.github.localllm.BackendUnavailableException if auto-detection finds no engine to use
         */
        public ManagedRouter build() {
            ConfigEnvironment env = environment == null ? ConfigEnvironment.system() : environment;
            LocalLlmConfig config = LocalLlmConfig.load(explicit, Map.of(), env);
            boolean auto = autoDetect || config.get("router.targets").isEmpty()
                    && config.getBoolean("router.auto").orElse(false);
            Router.Builder builder = Router.builder().name(config.get("router.name").orElse(auto ? "auto" : "router"))
                    .strategy(strategy(config)).config(config);
            config.getBoolean("router.local.only").ifPresent(builder::localOnly);
            if (auto) {
                return autoDetected(config, env, builder);
            }
            return configured(config, env, builder);
        }

        private ManagedRouter autoDetected(LocalLlmConfig config, ConfigEnvironment env, Router.Builder builder) {
            boolean allowCloud = config.getBoolean(AutoTargets.ALLOW_CLOUD).orElse(false);
            AutoTargets found = new AutoTargets(config, explicit, env, allowCloud);
            found.detect(LocalLlm.providers());
            try {
                if (found.targets.isEmpty()) {
                    throw new io.github.localllm.BackendUnavailableException("no engine to route to: "
                            + (found.leftOut.isEmpty() ? "no engine is installed" : "probed " + String.join("; ",
                            found.leftOut)) + ". Start one (`ollama serve`, LM Studio's server with `lms server start`,"
                            + " `llama-server -m model.gguf`), set model to a .gguf file for an engine that opens files,"
                            + (allowCloud ? "" : " or allow the cloud with " + AutoTargets.ALLOW_CLOUD + "=true and an"
                            + " openai.api.key,") + " then build the router again");
                }
                found.targets.forEach(builder::target);
                customizers.forEach(c -> c.accept(builder));
                return new ManagedRouter(builder.build(), found.engines, found.leftOut);
            } catch (RuntimeException | Error e) {
                found.engines.forEach(LocalLlm::close);
                throw e;
            }
        }

        private ManagedRouter configured(LocalLlmConfig config, ConfigEnvironment environment,
                                         Router.Builder builder) {
            List<String> names = targetNames(config);
            List<LocalLlm> started = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            try {
                for (String name : names) {
                    Map<String, String> keys = targetKeys(config, name);
                    boolean required = Boolean.parseBoolean(keys.getOrDefault("required", "false").strip());
                    LocalLlm engine;
                    try {
                        LocalLlm.Builder b = LocalLlm.builder().environment(environment);
                        explicit.forEach(b::set);
                        keys.forEach((k, v) -> {
                            if (!ROUTER_KEYS.contains(k)) {
                                b.set(k, v);
                            }
                        });
                        engine = b.build();
                    } catch (LocalLlmException e) {
                        if (required) {
                            throw new ConfigurationException("router target '" + name + "' is required but cannot"
                                    + " start: " + e.getMessage(), e);
                        }
                        LOG.warn("router target '{}' left out: {}", name, e.getMessage());
                        failures.add(name + ": " + e.getMessage());
                        continue;
                    }
                    started.add(engine);
                    builder.target(target(name, engine, keys));
                }
                if (started.isEmpty()) {
                    throw new ConfigurationException("none of the router's targets could start: "
                            + String.join("; ", failures));
                }
                customizers.forEach(c -> c.accept(builder));
                return new ManagedRouter(builder.build(), started, failures);
            } catch (RuntimeException | Error e) {
                started.forEach(LocalLlm::close);
                throw e;
            }
        }
    }

    private static List<String> targetNames(LocalLlmConfig config) {
        String list = config.get("router.targets").orElseThrow(() -> new ConfigurationException("no router is"
                + " configured: set router.targets to the names of its targets (e.g. \"laptop, cloud\") and each"
                + " target's router.target.<name>.backend and .model, or router.auto=true to route to the engines"
                + " running on this machine"));
        List<String> names = new ArrayList<>();
        for (String n : list.split(",")) {
            String name = n.strip();
            if (name.isEmpty() || !name.matches("[a-z0-9]+([-_][a-z0-9]+)*")) {
                throw new ConfigurationException("router.targets names '" + name + "', which is not a target name;"
                        + " use lower-case letters, digits and dashes, separated by commas ("
                        + config.value("router.targets").orElseThrow() + ")");
            }
            if (names.contains(name)) {
                throw new ConfigurationException("router.targets names '" + name + "' twice ("
                        + config.value("router.targets").orElseThrow() + ")");
            }
            names.add(name);
        }
        return names;
    }

    /** Keys under the target's prefix, by the key they stand for. */
    private static Map<String, String> targetKeys(LocalLlmConfig config, String name) {
        Map<String, String> keys = targetOverlay(config, name);
        String prefix = TARGET_PREFIX + name + ".";
        if (!keys.containsKey("backend") && !keys.containsKey("model")) {
            throw new ConfigurationException("router target '" + name + "' has no configuration: set "
                    + prefix + "backend and " + prefix + "model");
        }
        return keys;
    }

    /** @return the keys under {@code router.target.<name>.}, by the key they stand for; empty when none */
    static Map<String, String> targetOverlay(LocalLlmConfig config, String name) {
        String prefix = TARGET_PREFIX + name + ".";
        Map<String, String> keys = new LinkedHashMap<>();
        for (ConfigValue v : config.values()) {
            if (v.key().startsWith(prefix)) {
                keys.put(v.key().substring(prefix.length()), v.value());
            }
        }
        return keys;
    }

    static Target target(String name, LocalLlm engine, Map<String, String> keys) {
        ModelInfo info = engine.model().info();
        Locality locality = locality(name, engine, keys.get("locality"));
        Target.Builder t = locality == Locality.LOCAL ? Target.local(name, engine) : Target.cloud(name, engine);
        t.capabilities(info.capabilities());
        Integer context = info.options().contextSize();
        if (context != null && context > 0) {
            t.contextSize(context);
        }
        String concurrent = keys.get("max.concurrent");
        if (concurrent != null) {
            try {
                t.maxConcurrent(Integer.parseInt(concurrent.strip()));
            } catch (NumberFormatException e) {
                throw new ConfigurationException(TARGET_PREFIX + name + ".max.concurrent must be a whole number, was '"
                        + concurrent + "'");
            }
        }
        return t.build();
    }

    private static Locality locality(String name, LocalLlm engine, String given) {
        if (given != null) {
            return switch (given.strip().toLowerCase(Locale.ROOT)) {
                case "local" -> Locality.LOCAL;
                case "cloud" -> Locality.CLOUD;
                default -> throw new ConfigurationException(TARGET_PREFIX + name + ".locality must be local or cloud,"
                        + " was '" + given + "'");
            };
        }
        URI endpoint = engine.backend().info().endpoint();
        return endpoint == null || isThisMachine(endpoint.getHost()) ? Locality.LOCAL : Locality.CLOUD;
    }

    /** Only literal or well-known names count: resolving a name here would cost a DNS lookup. */
    static boolean isThisMachine(String host) {
        if (host == null || host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static RoutingStrategy strategy(LocalLlmConfig config) {
        String name = config.get("router.strategy").orElse("prefer-local").strip().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "prefer-local" -> RoutingStrategy.preferLocal();
            case "prefer-cloud" -> RoutingStrategy.preferCloud();
            case "local-only" -> RoutingStrategy.localOnly();
            case "cloud-only" -> RoutingStrategy.cloudOnly();
            case "round-robin" -> RoutingStrategy.roundRobin();
            case "least-busy" -> RoutingStrategy.leastBusy();
            case "latency" -> RoutingStrategy.latencyOptimized();
            case "cost" -> RoutingStrategy.costOptimized();
            case "quality" -> RoutingStrategy.qualityOptimized(quality(config));
            default -> throw new ConfigurationException("router.strategy '" + name + "' is not a strategy; use"
                    + " prefer-local, prefer-cloud, local-only, cloud-only, round-robin, least-busy, latency, cost or"
                    + " quality ("
                    + config.value("router.strategy").orElseThrow() + ")");
        };
    }

    /**
     * {@code router.quality}: comma-separated {@code name=score} pairs, each name a target or a model,
     * optionally prefixed by a task ({@code code:coder=0.95}).
     */
    private static QualityRanking quality(LocalLlmConfig config) {
        String text = config.get("router.quality").orElseThrow(() -> new ConfigurationException("router.strategy"
                + " quality needs router.quality, e.g. \"cloud=0.9, laptop=0.6, code:coder=0.95\""));
        QualityRanking.Builder b = QualityRanking.builder();
        for (String pair : text.split(",")) {
            String p = pair.strip();
            int eq = p.lastIndexOf('=');
            try {
                double score = Double.parseDouble(p.substring(eq + 1).strip());
                String name = p.substring(0, eq).strip();
                int colon = name.indexOf(':');
                TaskType task = null;
                if (colon > 0) {
                    try {
                        task = TaskType.parse(name.substring(0, colon));
                        name = name.substring(colon + 1).strip();
                    } catch (ConfigurationException notATask) {
                        // a model name with a tag, such as qwen2.5:7b
                    }
                }
                if (task == null) {
                    b.score(name, score);
                } else {
                    b.score(task, name, score);
                }
            } catch (RuntimeException e) {
                throw new ConfigurationException("router.quality has '" + p + "', which is not name=score (e.g."
                        + " cloud=0.9, or code:coder=0.95 for one task) (" + config.value("router.quality")
                        .orElseThrow() + ")");
            }
        }
        return b.build();
    }

    /** @return the router, for its statistics, cost report and routing views */
    public Router router() {
        return router;
    }

    /** @return the engines started for the targets that could start */
    public List<LocalLlm> engines() {
        return engines;
    }

    /**
     * @return each engine or configured target that is not a target, as {@code name: why} (down, no model,
     *         not this machine without the cloud allowed, no API key)
     */
    public List<String> leftOut() {
        return leftOut;
    }

    /**
     * @return what was built, one line per target (name, model, engine, address, local or cloud) and per
     *         engine left out with why; never a credential
     */
    public String describe() {
        return description;
    }

    private static String describe(Router router, List<LocalLlm> engines, List<String> leftOut) {
        StringBuilder b = new StringBuilder("router ").append(router.name()).append('\n');
        for (Target t : router.targets()) {
            b.append("  ").append(t.name()).append(": ");
            LocalLlm engine = engines.stream().filter(e -> e == t.model()).findFirst().orElse(null);
            if (engine != null) {
                ModelInfo info = engine.model().info();
                b.append(info.name()).append(" on ").append(info.backend());
                URI endpoint = t.engine().map(e -> e.info().endpoint()).orElse(null);
                if (endpoint != null) {
                    // Scheme, host, port and path: the providers refuse addresses with user info or a query.
                    b.append(" at ").append(endpoint.getScheme()).append("://").append(endpoint.getHost())
                            .append(endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())
                            .append(endpoint.getPath() == null ? "" : endpoint.getPath());
                }
                b.append(", ");
            }
            b.append(t.isLocal() ? "local" : "cloud").append('\n');
        }
        for (String l : leftOut) {
            b.append("  left out ").append(l).append('\n');
        }
        return b.toString();
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        return router.generate(request);
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        return router.stream(request);
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        return router.embed(request);
    }

    /** Closes every engine the router started. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (LocalLlm engine : engines) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "ManagedRouter[" + router + "]";
    }
}
