package io.github.localllm.hardware;

import io.github.localllm.ConfigurationException;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A curated, versioned list of GGUF models llama.cpp runs, from about 0.5B to 70B parameters, for chat,
 * code and embeddings: most on the in-process engine (llama.cpp b4916), some (Qwen3, SmolLM3, Gemma 3n,
 * gpt-oss) only on the managed {@code llama-server}, whose newer build knows their architectures;
 * {@link #recommend} offers each engine only what it runs. {@link #defaultCatalog()} is the one
 * bundled with the SDK; a user's file can extend or replace it.
 *
 * <h2>File format (version 1)</h2>
 * <pre>{@code
 * {
 *   "version": 1,                       // required; this SDK reads version 1 only
 *   "updated": "2026-11-22",            // required ISO date
 *   "description": "...",               // optional
 *   "replaceDefault": false,            // optional, user files only: true drops the bundled models
 *   "models": [{
 *     "id": "qwen2.5-0.5b-instruct",    // required, unique, [a-z0-9._-]
 *     "name": "Qwen2.5 0.5B Instruct",  // required
 *     "tasks": ["chat"],                // required: chat, code, embedding
 *     "repository": "Qwen/Qwen2.5-0.5B-Instruct-GGUF", // required Hugging Face repository
 *     "revision": "9217f5db79a29953eb74d5343926648285ec7e67", // optional: the full commit the sizes and
 *                                       // hashes were taken from; downloads use it; absent = main (unpinned)
 *     "architecture": "qwen2",          // required GGUF general.architecture a known llama.cpp build loads
 *     "parameters": 494032768,          // required weight count
 *     "contextLength": 32768,           // required trained context, tokens
 *     "license": "Apache-2.0",          // required SPDX id or the model's licence name
 *     "notes": "...",                   // optional
 *     "shape": {                        // optional: architecture hyperparameters (config.json / GGUF)
 *       "blockCount": 24,               // required in a shape: num_hidden_layers
 *       "embeddingLength": 896,         // required: hidden_size
 *       "headCount": 14,                // required: num_attention_heads
 *       "headCountKv": 2,               // optional, default headCount: num_key_value_heads
 *       "keyLength": 64,                // optional, default embeddingLength / headCount: head_dim
 *       "valueLength": 64,              // optional, default keyLength
 *       "feedForwardLength": 4864,      // required: intermediate_size
 *       "vocabularySize": 151936,       // required: vocab_size
 *       "slidingWindow": 1024,          // optional: window of sliding-window layers
 *       "tiedEmbeddings": true          // optional, default false: no separate output matrix
 *     },
 *     "files": [{
 *       "quantization": "Q4_K_M",       // required: Q4_K_M, Q5_K_M, Q6_K, Q8_0, F16, ...
 *       "fileName": "qwen2.5-0.5b-instruct-q4_k_m.gguf", // required path in the repository
 *       "sizeBytes": 491400032,         // optional: the published size
 *       "sha256": "74a4da8c...",        // optional: the published SHA-256 (64 hex)
 *       "revision": "..."               // optional: this file's commit, when not the model's
 *     }]
 *   }]
 * }
 * }</pre>
 * A file without {@code sizeBytes} gets an estimate (parameters × typical bits per weight of its
 * quantization) and {@link CatalogFile#sizeApproximate()} set, so an estimate is never taken for a
 * published value. Unknown keys, unknown quantizations or architectures, malformed hashes and
 * non-positive numbers, and a revision that is not a full 40-digit lower-case commit, are errors naming the
 * file, the entry and the field. Every bundled model is pinned: {@link CatalogModel#downloadUrl} and
 * {@link CatalogModel#hubRef} address a file at {@link CatalogFile#revision()}, so the published hash stays
 * true when the repository changes later. A {@code shape} lets
 * {@link #recommend(HardwareProfile, ModelTask)} plan a load of a file not downloaded yet.
 *
 * <h2>User catalog</h2>
 * {@link #forConfig} reads the file named by the configuration key {@value #CONFIG_KEY} (a path, relative
 * ones against the working directory), or else
 * {@code catalog.json} next to the user configuration file ({@code ~/.config/localllm/catalog.json}).
 * Its models <em>extend</em> the bundled catalog: an entry with the id of a bundled model replaces
 * that model, other entries are added. With {@code "replaceDefault": true} the user's models are the
 * whole catalog. Extending is the default because a user who adds one private model should still get
 * the curated ones and their updates.
 *
 * <p>Immutable and thread-safe.
 */
public final class ModelCatalog {
    /** The configuration key naming a user catalog file. */
    public static final String CONFIG_KEY = "catalog";
    /** The name of the user catalog file in the user configuration directory. */
    public static final String USER_FILE_NAME = "catalog.json";
    private static final double[] INTERACTIVE_SPEED_FLOORS = {PlanFitCheck.INTERACTIVE_TOKENS_PER_SECOND, 5, 2, 0};
    private static final double[] NO_SPEED_FLOOR = {0};

    private static final String RESOURCE = "catalog.json";

    private final int version;
    private final LocalDate updated;
    private final List<CatalogModel> models;

    private ModelCatalog(int version, LocalDate updated, List<CatalogModel> models) {
        this.version = version;
        this.updated = updated;
        this.models = List.copyOf(models);
    }

    /**
     * @return the catalog bundled with the SDK
     * @throws ConfigurationException if the bundled resource is missing or malformed (a packaging bug)
     */
    public static ModelCatalog defaultCatalog() {
        return DefaultHolder.CATALOG;
    }

    /** Parses the bundled catalog once, on first use. */
    private static final class DefaultHolder {
        static final ModelCatalog CATALOG = readDefault();

        private static ModelCatalog readDefault() {
            String name = "bundled resource io/github/localllm/hardware/" + RESOURCE;
            try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new ConfigurationException(name + " is missing from the localllm-hardware jar;"
                            + " the jar is damaged, reinstall it");
                }
                return of(CatalogParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
        }
    }

    /**
     * Reads a catalog file on its own, without merging it with the bundled catalog.
     *
     * @param file a catalog file in the format above
     * @return its models
     * @throws ConfigurationException if the file is missing, unreadable or malformed
     */
    public static ModelCatalog load(Path file) {
        return of(parseFile(file));
    }

    /**
     * Reads a JSON text in the catalog format.
     *
     * @param json the catalog
     * @param source where it came from, named in error messages
     * @return its models
     * @throws ConfigurationException if the text is malformed
     */
    public static ModelCatalog parse(String json, String source) {
        return of(CatalogParser.parse(json, source));
    }

    /**
     * The catalog this configuration asks for: the bundled one, extended or replaced by the user file
     * (see the class description).
     *
     * @param config the effective configuration; its {@value #CONFIG_KEY} key names a user file
     * @param env where the user configuration directory is
     * @return the effective catalog
     * @throws ConfigurationException if a named file is missing, or any user file is malformed
     */
    public static ModelCatalog forConfig(LocalLlmConfig config, ConfigEnvironment env) {
        Optional<String> named = config.get(CONFIG_KEY).map(String::strip).filter(s -> !s.isEmpty());
        if (named.isPresent()) {
            // A relative path means the same as in .localllm.json: relative to the working directory.
            return defaultCatalog().overriddenBy(env.workingDirectory().resolve(named.get()));
        }
        Path userFile = env.userConfigFile().resolveSibling(USER_FILE_NAME);
        return Files.isRegularFile(userFile) ? defaultCatalog().overriddenBy(userFile) : defaultCatalog();
    }

    /**
     * @param file a user catalog file
     * @return this catalog extended by the file's models, or replaced by them when the file says
     *         {@code "replaceDefault": true}
     * @throws ConfigurationException if the file is missing, unreadable or malformed
     */
    public ModelCatalog overriddenBy(Path file) {
        CatalogParser.Document doc = parseFile(file);
        if (doc.replaceDefault()) {
            return of(doc);
        }
        Map<String, CatalogModel> byId = new LinkedHashMap<>();
        models.forEach(m -> byId.put(m.id(), m));
        doc.models().forEach(m -> byId.put(m.id(), m));
        LocalDate newest = doc.updated().isAfter(updated) ? doc.updated() : updated;
        return new ModelCatalog(version, newest, List.copyOf(byId.values()));
    }

    private static CatalogParser.Document parseFile(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("catalog " + file + " does not exist; create it or remove the '"
                    + CONFIG_KEY + "' setting", e);
        } catch (IOException e) {
            throw new ConfigurationException("catalog " + file + " cannot be read: " + e.getMessage(), e);
        }
        return CatalogParser.parse(text, file.toString());
    }

    private static ModelCatalog of(CatalogParser.Document doc) {
        return new ModelCatalog(doc.version(), doc.updated(), doc.models());
    }

    /**
     * @param keep which models to keep, e.g. {@code m -> m.parameterCount() <= 1_500_000_000L} for small ones
     * @return a catalog of those models only, with this one's version and date
     */
    public ModelCatalog filter(java.util.function.Predicate<CatalogModel> keep) {
        Objects.requireNonNull(keep, "keep");
        return new ModelCatalog(version, updated, models.stream().filter(keep).toList());
    }

    /** @return the format version of the catalog */
    public int version() {
        return version;
    }

    /** @return when the catalog's data was last checked; for a merged catalog, the newer date */
    public LocalDate updated() {
        return updated;
    }

    /** @return every model, in file order */
    public List<CatalogModel> models() {
        return models;
    }

    /** @param id a model id @return the model with that id, if listed */
    public Optional<CatalogModel> model(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /**
     * The models meant for a task, best first: more parameters first, since within the families
     * this catalog holds a larger model answers better; among equals, the longer context first, then
     * the id, so the order never depends on file order.
     *
     * @param task what the model is for
     * @return the models for it, best first; empty if none
     */
    public List<CatalogModel> candidates(ModelTask task) {
        Objects.requireNonNull(task, "task");
        return models.stream().filter(m -> m.supports(task))
                .sorted(Comparator.comparingLong(CatalogModel::parameterCount).reversed()
                        .thenComparing(Comparator.comparingInt(CatalogModel::contextLength).reversed())
                        .thenComparing(CatalogModel::id))
                .toList();
    }

    /**
     * The best model for a task that runs on a machine, with its load plan for
     * {@link InferenceEngine#preferred()}; see {@link #recommend(HardwareProfile, ModelTask, InferenceEngine)}.
     *
     * @param profile the machine
     * @param task what the model is for
     * @return the choice with its plan, or why nothing fits
     */
    public Recommendation<FitPlan> recommend(HardwareProfile profile, ModelTask task) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(task, "task");
        return recommend(profile, task, InferenceEngine.preferred());
    }

    /**
     * The best model for a task that runs on a machine, with its load plan: the largest candidate whose
     * file plans as runnable and better than marginal on {@code engine} (see {@link PlanFitCheck}),
     * each model's files tried in {@link QuantizationPreference#BALANCED} order. For chat and code the
     * plan must also promise interactive speed, {@value PlanFitCheck#INTERACTIVE_TOKENS_PER_SECOND}
     * tokens/s or more, as the plan's {@link SpeedPrediction} expects it (compute and bandwidth both, corrected by
     * the user's measurements, {@link SpeedCalibrations#user()}): a 27B model that fits in 24 GB of RAM but answers at 3 tokens/s is passed over for
     * a 7B one. On a machine where nothing is that fast, the floor steps down (5, 2 tokens/s, then none),
     * so the answer is the largest model among the fastest that fit. Embedding models have no floor. Models without a
     * {@link CatalogModel#shape() shape} cannot be planned and are passed over with a size-only verdict;
     * {@link CatalogRecommender#byMemory} judges every model by size alone.
     *
     * @param profile the machine
     * @param task what the model is for
     * @param engine the engine that will run the model
     * @return the choice with its plan, or why nothing fits
     */
    public Recommendation<FitPlan> recommend(HardwareProfile profile, ModelTask task, InferenceEngine engine) {
        return recommend(profile, task, engine, SpeedCalibrations.user());
    }

    /**
     * As {@link #recommend(HardwareProfile, ModelTask, InferenceEngine)}, with the speed floor judged on
     * predictions corrected by the given measurements.
     *
     * @param profile the machine
     * @param task what the model is for
     * @param engine the engine that will run the model
     * @param calibrations speeds measured on this machine ({@link SpeedCalibrations#none()} for none)
     * @return the choice with its plan, or why nothing fits
     */
    public Recommendation<FitPlan> recommend(HardwareProfile profile, ModelTask task, InferenceEngine engine,
                                             SpeedCalibrations calibrations) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(calibrations, "calibrations");
        double[] floors = task == ModelTask.EMBEDDING ? NO_SPEED_FLOOR : INTERACTIVE_SPEED_FLOORS;
        Recommendation<FitPlan> r = recommend(profile, task, engine, calibrations, floors[0]);
        for (int i = 1; i < floors.length && !r.found(); i++) {
            r = recommend(profile, task, engine, calibrations, floors[i]);
        }
        return r;
    }

    private Recommendation<FitPlan> recommend(HardwareProfile profile, ModelTask task, InferenceEngine engine,
                                              SpeedCalibrations calibrations, double minTokensPerSecond) {
        return new CatalogRecommender<>(this, new PlanFitCheck(profile, engine, minTokensPerSecond, calibrations),
                QuantizationPreference.BALANCED).recommend(task);
    }

    @Override
    public String toString() {
        return "ModelCatalog[version " + version + ", updated " + updated + ", " + models.size() + " models]";
    }
}
