package io.github.localllm.router;

import io.github.localllm.LocalLlm;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelRef;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.AutoConfigurator;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelSummary;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link ManagedRouter.Builder#autoDetect()} finds: every installed engine is probed at once;
 * each local engine that is up becomes a target, in the engines' priority order, and a cloud target
 * comes last, only when the user allowed it. Engines that are down or have nothing to serve are left
 * out, each with a log line and a note.
 */
final class AutoTargets {
    private static final Logger LOG = LoggerFactory.getLogger(AutoTargets.class);
    /** {@code true} lets the router use the cloud target and engines whose address is not this machine. */
    static final String ALLOW_CLOUD = "router.cloud.allow";
    /** The cloud target's OpenAI-compatible address. */
    static final String CLOUD_URL = "router.cloud.url";
    /** The cloud target's model. */
    static final String CLOUD_MODEL = "router.cloud.model";
    /** Comma-separated ids of the engines to probe; every installed one by default. */
    static final String ENGINES = "router.auto.engines";
    /** How long each engine's probe may take. */
    static final String PROBE_TIMEOUT = "router.probe.timeout";
    /** The cloud target's name. */
    static final String CLOUD = "cloud";
    static final URI OPENAI_CLOUD = URI.create("https://api.openai.com/v1");
    static final String DEFAULT_CLOUD_MODEL = "gpt-4o-mini";
    private static final String OPENAI = "openai";
    private static final String API_KEY = "openai.api.key";
    private static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);
    /** How many of a server's models a note lists. */
    private static final int LISTED = 5;

    private final LocalLlmConfig config;
    private final Map<String, String> explicit;
    private final ConfigEnvironment environment;
    private final boolean allowCloud;
    final List<LocalLlm> engines = new ArrayList<>();
    final List<Target> targets = new ArrayList<>();
    /** Why each engine that is not a target was left out, as {@code id: reason}. */
    final List<String> leftOut = new ArrayList<>();

    AutoTargets(LocalLlmConfig config, Map<String, String> explicit, ConfigEnvironment environment,
                boolean allowCloud) {
        this.config = config;
        this.explicit = explicit;
        this.environment = environment;
        this.allowCloud = allowCloud;
    }

    /** One installed engine, with the configuration it is probed and started with. */
    private record Engine(InferenceBackendProvider provider, Map<String, String> overlay, Map<String, String> keys,
                          LocalLlmConfig config) {
        String id() {
            return provider.id();
        }

        boolean servesNames() {
            return provider.accepts(ModelRef.name("any-model"));
        }
    }

    /** Probes the engines and starts a target for each that can serve; closes what it started if it fails. */
    void detect(List<InferenceBackendProvider> providers) {
        try {
            List<Engine> candidates = candidates(providers);
            List<EngineHealth> health = probe(candidates);
            List<Engine> fileEngines = new ArrayList<>();
            for (int i = 0; i < candidates.size(); i++) {
                Engine e = candidates.get(i);
                if (!health.get(i).up()) {
                    leaveOut(e.id(), "not running: " + health.get(i).detail());
                } else if (!e.servesNames()) {
                    fileEngines.add(e);
                }
            }
            boolean filesDone = false;
            for (int i = 0; i < candidates.size(); i++) {
                Engine e = candidates.get(i);
                if (!health.get(i).up()) {
                    continue;
                }
                if (e.servesNames()) {
                    serverTarget(e);
                } else if (!filesDone) {
                    filesDone = true;
                    fileTarget(fileEngines);
                }
            }
            if (allowCloud) {
                cloudTarget(providers);
            }
        } catch (RuntimeException | Error e) {
            engines.forEach(LocalLlm::close);
            throw e;
        }
    }

    /** The engines to probe: those asked for, minus those whose address is not this machine without permission. */
    private List<Engine> candidates(List<InferenceBackendProvider> providers) {
        List<String> wanted = config.get(ENGINES).map(AutoTargets::ids).orElse(null);
        List<Engine> out = new ArrayList<>();
        for (InferenceBackendProvider p : providers) {
            if (wanted != null && !wanted.contains(p.id())) {
                continue;
            }
            Map<String, String> overlay = ManagedRouter.targetOverlay(config, p.id());
            Map<String, String> own = engineKeys(overlay);
            if (p.id().equals(OPENAI) && !overlay.containsKey(API_KEY)) {
                // A key in the configuration is for the cloud target: never sent to whatever listens on a local port.
                own.put(API_KEY, "");
            }
            Map<String, String> keys = new LinkedHashMap<>(explicit);
            keys.putAll(own);
            LocalLlmConfig c = config.withValues(own);
            URI address = address(c, p.id());
            if (countsAsCloud(address, overlay)) {
                if (p.id().equals(OPENAI)) {
                    LOG.debug("openai.url is not this machine; it is the cloud target's address when the cloud is allowed");
                    continue;
                }
                if (!allowCloud) {
                    leaveOut(p.id(), "its address " + hostOf(address) + " is not this machine, so it counts as cloud;"
                            + " set " + ALLOW_CLOUD + "=true (or allowCloud(true)) to use it, or router.target." + p.id()
                            + ".locality=local if that machine is yours");
                    continue;
                }
            }
            out.add(new Engine(p, overlay, keys, c));
        }
        if (wanted != null) {
            for (String id : wanted) {
                if (providers.stream().noneMatch(p -> p.id().equals(id))) {
                    leaveOut(id, "not installed: add its jar (io.github.localllm:localllm-backend-" + id + ")");
                }
            }
        }
        return out;
    }

    /**
     * @param address an engine's configured address, or {@code null} for its default (this machine)
     * @param overlay the keys under its {@code router.target.<id>.}
     * @return whether it counts as cloud: its address is not this machine, and the user did not declare it
     *         local ({@code locality=local}, for a machine of their own on their network)
     */
    static boolean countsAsCloud(URI address, Map<String, String> overlay) {
        if (address == null || ManagedRouter.isThisMachine(address.getHost())) {
            return false;
        }
        return !"local".equalsIgnoreCase(overlay.getOrDefault("locality", "").strip());
    }

    private List<EngineHealth> probe(List<Engine> candidates) {
        Duration timeout = config.getDuration(PROBE_TIMEOUT).or(() -> config.getDuration("probe.timeout"))
                .orElse(DEFAULT_PROBE_TIMEOUT);
        return Probes.all(candidates.stream().map(Engine::provider).toList(),
                candidates.stream().map(Engine::config).toList(), timeout);
    }

    /** A server that knows models by name: the model configured for it, else the one it has loaded. */
    private void serverTarget(Engine e) {
        String model;
        try {
            model = serverModel(e);
        } catch (LocalLlmException failure) {
            leaveOut(e.id(), "up, but could not list its models: " + failure.getMessage());
            return;
        }
        if (model == null) {
            return;
        }
        LocalLlm.Builder b = LocalLlm.builder().environment(environment);
        e.keys().forEach(b::set);
        start(e.id(), b.backend(e.id()).model(model), e.overlay());
    }

    /** @return the model to serve, or {@code null} (left out, with why) */
    private String serverModel(Engine e) {
        String configured = e.overlay().get("model");
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        try (InferenceBackend backend = e.provider().create(e.config())) {
            String global = config.get("model").map(String::strip).orElse("");
            List<ModelSummary> installed = backend.models();
            if (!global.isEmpty() && ModelRef.parse(global) instanceof ModelRef.Name
                    && installed.stream().anyMatch(m -> LoadedWatch.sameModel(m.ref(), global))) {
                return global;
            }
            List<LoadedModel> loaded = backend.loadedModels();
            String chosen = null;
            for (LoadedModel m : loaded) {
                String name = m.ref().text();
                // An embedding model answers no prompt: a chat model loaded beside it goes first.
                if (chosen == null || embedding(chosen) && !embedding(name)) {
                    chosen = name;
                }
            }
            if (chosen == null) {
                leaveOut(e.id(), "up, but it has no model loaded and none is configured for it: load one in it, or set"
                        + " router.target." + e.id() + ".model" + (installed.isEmpty() ? " (it has no models installed)"
                        : " to one of " + names(installed)));
            }
            return chosen;
        }
    }

    private static boolean embedding(String name) {
        return name.toLowerCase(Locale.ROOT).contains("embed");
    }

    /**
     * One target for the engines that open files, whichever of them runs the file best: the configured
     * file (or, with an auto-configurator installed, the model {@code LocalLlm.builder().autoDetect()}
     * picks), on the engine named for it, else the one the planner or the engines' priority chooses.
     */
    private void fileTarget(List<Engine> up) {
        Engine chosen = null;
        String model = null;
        for (Engine e : up) {
            String m = e.overlay().get("model");
            if (m != null && !m.isBlank()) {
                chosen = e;
                model = m.strip();
                break;
            }
        }
        if (model == null) {
            String global = config.get("model").map(String::strip).orElse("");
            // A file, or a Hugging Face file or address that LocalLlm resolves to one (downloading only when
            // allowed: models.download); a name is for the servers.
            if (!global.isEmpty() && ModelRef.parse(global) instanceof ModelRef.Name) {
                up.forEach(e -> leaveOut(e.id(), "up, but the configured model '" + global + "' is a server's model"
                        + " name, not a file; set router.target." + e.id() + ".model to a .gguf file for it"));
                return;
            }
            if (global.isEmpty() && !autoConfiguratorInstalled()) {
                up.forEach(e -> leaveOut(e.id(), "up, but no model file is configured: set model (or router.target."
                        + e.id() + ".model) to a .gguf file, or add io.github.localllm:localllm-hardware so that"
                        + " autoDetect() picks one"));
                return;
            }
            model = global.isEmpty() ? null : global;
        }
        Map<String, String> overlay = chosen != null ? chosen.overlay() : Map.of();
        LocalLlm.Builder b = LocalLlm.builder().environment(environment);
        (chosen != null ? chosen.keys() : explicit).forEach(b::set);
        if (chosen != null) {
            b.backend(chosen.id());
        } else if (up.size() == 1) {
            b.backend(up.get(0).id());
        }
        if (model != null) {
            b.model(model);
        }
        if (autoConfiguratorInstalled()) {
            b.autoDetect();
        }
        // Named by the engine that loads the file: with several up, the planner or the priority picks it.
        start(chosen != null ? chosen.id() : up.size() == 1 ? up.get(0).id() : null, b, overlay);
    }

    /** The OpenAI-compatible cloud target, last; only with an API key. */
    private void cloudTarget(List<InferenceBackendProvider> providers) {
        if (providers.stream().noneMatch(p -> p.id().equals(OPENAI))) {
            leaveOut(CLOUD, "allowed, but no OpenAI-compatible engine is installed: add"
                    + " io.github.localllm:localllm-backend-openai");
            return;
        }
        Map<String, String> overlay = ManagedRouter.targetOverlay(config, CLOUD);
        Map<String, String> own = engineKeys(overlay);
        own.put("backend", OPENAI);
        own.putIfAbsent("openai.url", cloudUrl());
        own.putIfAbsent("model", config.get(CLOUD_MODEL).map(String::strip).filter(m -> !m.isEmpty())
                .orElse(DEFAULT_CLOUD_MODEL));
        Map<String, String> keys = new LinkedHashMap<>(explicit);
        keys.putAll(own);
        LocalLlmConfig c = config.withValues(own);
        boolean openAiHost;
        try {
            openAiHost = OPENAI_CLOUD.getHost().equals(URI.create(own.get("openai.url").strip()).getHost());
        } catch (IllegalArgumentException e) {
            // The value is not shown: an address may carry a password.
            leaveOut(CLOUD, "allowed, but its address (" + CLOUD_URL + " or router.target.cloud.openai.url) is not an"
                    + " http(s) address such as " + OPENAI_CLOUD);
            return;
        }
        boolean key = c.get(API_KEY).filter(k -> !k.isBlank()).isPresent()
                || openAiHost && (present(environment.environment().get("OPENAI_API_KEY"))
                || present(System.getenv("OPENAI_API_KEY")));
        if (!key) {
            leaveOut(CLOUD, "allowed, but no API key is configured: put " + API_KEY + " in the key file"
                    + " (KeyFile) or the configuration" + (openAiHost ? ", or set OPENAI_API_KEY" : ""));
            return;
        }
        LocalLlm.Builder b = LocalLlm.builder().environment(environment);
        keys.forEach(b::set);
        Map<String, String> asCloud = new LinkedHashMap<>(overlay);
        asCloud.put("locality", CLOUD);
        start(CLOUD, b, asCloud);
    }

    /** {@code router.cloud.url}, else {@code openai.url} when it is not this machine, else the OpenAI API. */
    private String cloudUrl() {
        String given = config.get(CLOUD_URL).map(String::strip).orElse("");
        if (!given.isEmpty()) {
            return given;
        }
        String openai = config.get("openai.url").map(String::strip).orElse("");
        if (!openai.isEmpty()) {
            try {
                // Not a server the user declared local: that one is a local target.
                if (countsAsCloud(URI.create(openai), ManagedRouter.targetOverlay(config, OPENAI))) {
                    return openai;
                }
            } catch (IllegalArgumentException e) {
                // the engine reports a malformed address when the local target is started
            }
        }
        return OPENAI_CLOUD.toString();
    }

    /**
     * Starts the engine and adds its target; leaves it out, with why, when it cannot start or is cloud unasked.
     *
     * @param given the target's name, or {@code null} for the id of the engine that loads the model
     */
    private void start(String given, LocalLlm.Builder builder, Map<String, String> overlay) {
        LocalLlm engine;
        try {
            engine = builder.build();
        } catch (LocalLlmException e) {
            leaveOut(given != null ? given : "files", "could not start: " + e.getMessage());
            return;
        }
        String name = given != null ? given : engine.model().info().backend();
        Target target;
        try {
            target = ManagedRouter.target(name, engine, overlay);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        if (!target.isLocal() && !allowCloud) {
            engine.close();
            leaveOut(name, "its address is not this machine, so it counts as cloud; set " + ALLOW_CLOUD
                    + "=true (or allowCloud(true)) to use it");
            return;
        }
        engines.add(engine);
        targets.add(target);
        LOG.info("router target {}: {} on {} ({})", name, engine.model().info().name(), engine.model().info().backend(),
                target.isLocal() ? "local" : "cloud");
    }

    /** @return the keys of a target's overlay that its engine reads, not the router */
    private static Map<String, String> engineKeys(Map<String, String> overlay) {
        Map<String, String> out = new LinkedHashMap<>();
        overlay.forEach((k, v) -> {
            if (!ManagedRouter.ROUTER_KEYS.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private void leaveOut(String id, String why) {
        LOG.info("router target {} left out: {}", id, why);
        leftOut.add(id + ": " + why);
    }

    private static boolean autoConfiguratorInstalled() {
        try {
            return ServiceLoader.load(AutoConfigurator.class).findFirst().isPresent();
        } catch (java.util.ServiceConfigurationError e) {
            return false;
        }
    }

    /** @return the engine's {@code <id>.url}, when configured and well formed */
    private static URI address(LocalLlmConfig c, String id) {
        String text = c.get(id + ".url").map(String::strip).orElse("");
        if (text.isEmpty()) {
            return null;
        }
        try {
            URI uri = URI.create(text);
            return uri.getHost() == null ? null : uri;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return the host only: the rest of an address may carry a password or a token */
    private static String hostOf(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost();
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private static List<String> ids(String list) {
        List<String> out = new ArrayList<>();
        for (String id : list.split(",")) {
            if (!id.isBlank()) {
                out.add(id.strip().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static String names(List<ModelSummary> installed) {
        List<String> names = installed.stream().map(ModelSummary::name).toList();
        return String.join(", ", names.subList(0, Math.min(names.size(), LISTED)))
                + (names.size() > LISTED ? " and " + (names.size() - LISTED) + " more" : "");
    }
}
