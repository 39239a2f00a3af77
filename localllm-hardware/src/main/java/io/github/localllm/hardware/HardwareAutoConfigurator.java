package io.github.localllm.hardware;

import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.LocalLlm;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.spi.AutoConfigurator;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackendProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link io.github.localllm.LocalLlm.Builder#autoDetect()} does: detects the machine,
 * plans the model's load with {@link FitPlanner} and fills the auto-detected configuration
 * layer with the plan's context size, GPU layers and KV cache type, and
 * {@link CpuInfo#generationThreads()} (one per physical core this JVM may use) as generation
 * threads. Each plan uses the RAM free when it is made, not when the JVM first looked. With no model
 * configured, it picks the catalog's best chat model that fits: its file in the model directory
 * ({@code models.dir}, default {@code ~/.localllm/models}) if it is there, else its Hub file at the
 * catalog's pinned commit with the catalog's SHA-256 ({@code model.sha256}), which a
 * {@link io.github.localllm.spi.ModelResolver} (such as {@code localllm-store}'s) finds in a cache or downloads
 * with the user's permission; with no resolver installed it says which file to fetch. Plans are for the engine that will load the file, as it
 * describes itself: the one named by {@code backend}, else the highest-priority installed engine that
 * loads files; with neither installed, {@link InferenceEngine#currentLlamaCpp()}. When no engine is named
 * and several installed engines that are up load the file, each is planned and the best plan's engine
 * ({@link FitPlanner#chooseEngine}) becomes the detected {@code backend}. Speeds are predicted with the
 * measurements in the configured calibration file ({@link SpeedCalibrations#forConfig}).
 */
public final class HardwareAutoConfigurator implements AutoConfigurator {
    private static final Logger LOG = LoggerFactory.getLogger(HardwareAutoConfigurator.class);
    /** Context planned for when the user sets none: enough for a long chat, far below most models' maximum. */
    static final int DEFAULT_TARGET_CONTEXT = 8192;
    /** The configuration key of an engine check's time budget, as {@code LocalLlm} reads it. */
    static final String PROBE_TIMEOUT = "probe.timeout";
    private static final HardwareDetector SHARED = HardwareDetector.create();

    private final Supplier<HardwareProfile> hardware;
    private final Supplier<ModelCatalog> catalog;
    private final Supplier<List<InferenceBackendProvider>> providers;

    /** For {@link java.util.ServiceLoader}: this machine, the default catalog and the user's overrides. */
    public HardwareAutoConfigurator() {
        this(SHARED);
    }

    /** Plans for what {@code detector} sees, free memory read again at each {@link #configure}. */
    HardwareAutoConfigurator(HardwareDetector detector) {
        // current(), not detect(): a snapshot's free RAM would be as old as the JVM.
        this(detector::current, () -> null);
    }

    /**
     * @param hardware the machine to plan for
     * @param catalog the catalog to pick from; a supplier returning {@code null} means the
     *        configured one (default catalog with the user's overrides)
     */
    public HardwareAutoConfigurator(Supplier<HardwareProfile> hardware, Supplier<ModelCatalog> catalog) {
        this(hardware, catalog, LocalLlm::providers);
    }

    /** @param providers the installed engines, highest priority first, as {@link LocalLlm#providers()} lists them */
    HardwareAutoConfigurator(Supplier<HardwareProfile> hardware, Supplier<ModelCatalog> catalog,
                             Supplier<List<InferenceBackendProvider>> providers) {
        this.hardware = hardware;
        this.catalog = catalog;
        this.providers = providers;
    }

    @Override
    public Map<String, String> configure(LocalLlmConfig config) {
        HardwareProfile profile = hardware.get();
        List<InferenceBackendProvider> engines = providers.get();
        Map<String, String> detected = new HashMap<>();
        Path file;
        Optional<String> model = config.get(ConfigKeys.MODEL);
        if (model.isPresent()) {
            if (!(ModelRef.parse(model.get()) instanceof ModelRef.File f) || !Files.isRegularFile(f.path())) {
                // A name for a server engine, or a Hub file not fetched yet: nothing here to plan from.
                return detected;
            }
            file = f.path();
        } else {
            // The file is not chosen yet; engines choose by the kind of reference, so any file stands in.
            Optional<Path> installed = recommendation(config, profile,
                    engine(config, engines, Path.of("model.gguf"), true), detected);
            if (installed.isEmpty()) {
                return detected;
            }
            file = installed.get();
            detected.put(ConfigKeys.MODEL, file.toString());
        }
        GgufFile gguf = GgufFile.read(file);
        int trained = (int) Math.min(Integer.MAX_VALUE, gguf.model().contextLength().orElse(DEFAULT_TARGET_CONTEXT));
        int target = config.getInt(ConfigKeys.CONTEXT_SIZE).orElse(Math.min(trained, DEFAULT_TARGET_CONTEXT));
        FitRequest request = FitRequest.builder(gguf).targetContext(target)
                .parallel(config.getInt(ConfigKeys.PARALLEL).orElse(1)).engine(engine(config, engines, file, true))
                .calibrations(SpeedCalibrations.forConfig(config)).build();
        List<InferenceEngine> candidates = config.get(ConfigKeys.BACKEND).isPresent() ? List.of()
                : runningEngines(engines, file, config);
        FitPlan plan;
        if (candidates.size() > 1) {
            // Several engines load files: the one whose plan runs best here loads it.
            plan = FitPlanner.chooseEngine(profile, request, candidates).orElseThrow();
            if (swaps(config) && plan.engine().retainsClosedModels()) {
                plan = returningMemory(profile, request, candidates).orElse(plan);
            }
            detected.put(ConfigKeys.BACKEND, plan.engine().id());
        } else {
            plan = FitPlanner.plan(profile, request);
        }
        if (!plan.runnable()) {
            throw new InsufficientResourcesException(file.getFileName() + " cannot run on this machine: "
                    + plan.explanation());
        }
        if (swaps(config) && plan.engine().retainsClosedModels()) {
            LOG.warn("the application swaps models ({}=true), but {} loads {}: it keeps each model it loaded until the JVM"
                    + " exits. Install llama-server (LlamaServerInstaller, or llamaserver.path) so that a closed model's"
                    + " memory is returned", ConfigKeys.SWAPS_MODELS, plan.engine().displayName(), file.getFileName());
        }
        LOG.info("fit plan for {}: {}", file.getFileName(), plan.explanation());
        detected.put(ConfigKeys.CONTEXT_SIZE, Integer.toString(plan.contextSize()));
        detected.put(ConfigKeys.GPU_LAYERS, Integer.toString(plan.gpuLayers()));
        detected.put(ConfigKeys.KV_CACHE_TYPE, plan.kvCacheType().wireName());
        // Generation is memory-bound: hyper-threads add nothing, every physical core the JVM may use helps.
        detected.put(ConfigKeys.THREADS, Integer.toString(profile.cpu().generationThreads()));
        return detected;
    }

    /** @return whether the application says it loads several models in this JVM ({@link ConfigKeys#SWAPS_MODELS}) */
    private static boolean swaps(LocalLlmConfig config) {
        return config.getBoolean(ConfigKeys.SWAPS_MODELS).orElse(false);
    }

    /**
     * For an application that swaps models: the best runnable plan among the engines that return a
     * closed model's memory, though another engine runs the model faster. Each model the in-process
     * engine closes keeps its memory until the JVM exits, so the second or third swap of a large
     * model runs the machine out of memory, which no speed makes up for.
     */
    private static Optional<FitPlan> returningMemory(HardwareProfile profile, FitRequest request,
                                                     List<InferenceEngine> candidates) {
        List<InferenceEngine> freeing = candidates.stream().filter(e -> !e.retainsClosedModels()).toList();
        Optional<FitPlan> plan = FitPlanner.chooseEngine(profile, request, freeing).filter(FitPlan::runnable);
        plan.ifPresent(p -> LOG.info("the application swaps models ({}=true): {} loads the model, as it returns a closed"
                + " model's memory; the in-process engine keeps every model it loaded until the JVM exits",
                ConfigKeys.SWAPS_MODELS, p.engine().displayName()));
        return plan;
    }

    /**
     * The engine {@link LocalLlm} will load the file with: the one named, else the highest-priority one
     * that accepts it. A named engine that is not installed (a server engine to come, say) is planned
     * as a current llama.cpp; loading will then say it is missing. With {@code checked}, the engine's
     * health check tells the build it runs (a managed {@code llama-server} reads its binary's
     * {@code --version}), so the plan is for that build.
     */
    static InferenceEngine engine(LocalLlmConfig config, List<InferenceBackendProvider> engines, Path file,
                                  boolean checked) {
        Optional<String> named = config.get(ConfigKeys.BACKEND);
        ModelRef ref = new ModelRef.File(file);
        Optional<InferenceBackendProvider> provider = named.isPresent()
                ? engines.stream().filter(p -> p.id().equals(named.get())).findFirst()
                : engines.stream().filter(p -> p.accepts(ref)).findFirst();
        if (provider.isEmpty()) {
            return InferenceEngine.currentLlamaCpp();
        }
        if (!checked) {
            return InferenceEngine.of(provider.get());
        }
        Duration timeout = config.getDuration(PROBE_TIMEOUT).orElse(Duration.ofSeconds(1));
        return InferenceEngine.of(provider.get(), provider.get().probe(config, timeout));
    }

    /** The installed engines that load this file and are ready to, checked at once (only when there is a choice). */
    private static List<InferenceEngine> runningEngines(List<InferenceBackendProvider> engines, Path file,
                                                        LocalLlmConfig config) {
        ModelRef ref = new ModelRef.File(file);
        List<InferenceBackendProvider> loading = engines.stream().filter(p -> p.accepts(ref)).toList();
        if (loading.size() < 2) {
            return List.of();
        }
        Duration timeout = config.getDuration(PROBE_TIMEOUT).orElse(Duration.ofSeconds(1));
        List<InferenceEngine> up = new ArrayList<>();
        for (InferenceBackendProvider p : loading) {
            EngineHealth health = p.probe(config, timeout);
            if (health.up()) {
                up.add(InferenceEngine.of(p, health));
            } else {
                LOG.debug("not planning for engine {}: {}", p.id(), health);
            }
        }
        return up;
    }

    /**
     * The catalog's best chat model for this machine: its file if it is in the model directory, else
     * its Hub file at the catalog's revision (and hash) in {@code detected}, for a model resolver to
     * find in a cache or download with the user's permission.
     */
    private Optional<Path> recommendation(LocalLlmConfig config, HardwareProfile profile, InferenceEngine engine,
                                          Map<String, String> detected) {
        ModelCatalog models = catalog.get();
        if (models == null) {
            models = ModelCatalog.forConfig(config, ConfigEnvironment.system());
        }
        Path dir = config.get(ConfigKeys.MODELS_DIR).map(Path::of)
                .orElse(HardwareDetector.Builder.DEFAULT_MODEL_DIRECTORY);
        Recommendation<FitPlan> recommendation = models.recommend(profile, ModelTask.CHAT, engine,
                SpeedCalibrations.forConfig(config));
        Recommendation.Choice<FitPlan> choice = recommendation.choice().orElseThrow(() ->
                new InsufficientResourcesException("no model was configured and none in the catalog fits this"
                        + " machine: " + recommendation.explanation()));
        for (Path candidate : List.of(dir.resolve(choice.file().fileName()),
                dir.resolve(choice.model().repository()).resolve(choice.file().fileName()))) {
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        ModelRef.Hub hub = choice.model().hubRef(choice.file());
        if (LocalLlm.resolvers().isEmpty()) {
            throw new ModelNotFoundException("no model was configured; for this machine the catalog recommends "
                    + choice.model().displayName() + " " + choice.file().quantization() + " (" + choice.reason() + ")."
                    + " Download " + choice.model().downloadUrl(choice.file()) + " (" + published(choice.file())
                    + ") into " + dir + ", or add io.github.localllm:localllm-store and call allowDownloads(true) to"
                    + " let the SDK fetch it, or set LOCALLLM_MODEL to a .gguf file you have");
        }
        LOG.info("no model was configured; for this machine the catalog recommends {} {} ({}): {} ({})",
                choice.model().displayName(), choice.file().quantization(), choice.reason(), hub.text(),
                published(choice.file()));
        detected.put(ConfigKeys.MODEL, hub.text());
        choice.file().sha256().ifPresent(h -> detected.put(ConfigKeys.MODEL_SHA256, h));
        return Optional.empty();
    }

    /** What a manual download can be checked against. */
    private static String published(CatalogFile file) {
        String size = String.format(Locale.ROOT, "%s%,d bytes", file.sizeApproximate() ? "about " : "", file.sizeBytes());
        return size + file.sha256().map(h -> ", SHA-256 " + h).orElse(", no published SHA-256");
    }
}
