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
 */
public final class ManagedRouter implements LanguageModel, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedRouter.class);
    private static final String TARGET_PREFIX = "router.target.";
    /** Keys of a target that the router reads rather than its engine. */
    private static final List<String> ROUTER_KEYS = List.of("locality", "max.concurrent", "required");

    private final Router router;
    private final List<LocalLlm> engines;

    private ManagedRouter(Router router, List<LocalLlm> engines) {
        this.router = router;
        this.engines = List.copyOf(engines);
    }

    /**
     * @return the router this process's configuration describes
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
        LocalLlmConfig config = LocalLlmConfig.load(Map.of(), Map.of(), environment);
        List<String> names = targetNames(config);
        Router.Builder builder = Router.builder().name(config.get("router.name").orElse("router"))
                .strategy(strategy(config)).config(config);
        config.getBoolean("router.local.only").ifPresent(builder::localOnly);
        List<LocalLlm> started = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            for (String name : names) {
                Map<String, String> keys = targetKeys(config, name);
                boolean required = Boolean.parseBoolean(keys.getOrDefault("required", "false").strip());
                LocalLlm engine;
                try {
                    LocalLlm.Builder b = LocalLlm.builder().environment(environment);
                    keys.forEach((k, v) -> {
                        if (!ROUTER_KEYS.contains(k)) {
                            b.set(k, v);
                        }
                    });
                    engine = b.build();
                } catch (LocalLlmException e) {
                    if (required) {
                        throw new ConfigurationException("router target '" + name + "' is required but cannot start: "
                                + e.getMessage(), e);
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
            return new ManagedRouter(builder.build(), started);
        } catch (RuntimeException | Error e) {
            started.forEach(LocalLlm::close);
            throw e;
        }
    }

    private static List<String> targetNames(LocalLlmConfig config) {
        String list = config.get("router.targets").orElseThrow(() -> new ConfigurationException("no router is"
                + " configured: set router.targets to the names of its targets (e.g. \"laptop, cloud\") and each"
                + " target's router.target.<name>.backend and .model"));
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
        String prefix = TARGET_PREFIX + name + ".";
        Map<String, String> keys = new LinkedHashMap<>();
        for (ConfigValue v : config.values()) {
            if (v.key().startsWith(prefix)) {
                keys.put(v.key().substring(prefix.length()), v.value());
            }
        }
        if (!keys.containsKey("backend") && !keys.containsKey("model")) {
            throw new ConfigurationException("router target '" + name + "' has no configuration: set "
                    + prefix + "backend and " + prefix + "model");
        }
        return keys;
    }

    private static Target target(String name, LocalLlm engine, Map<String, String> keys) {
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
    private static boolean isThisMachine(String host) {
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
