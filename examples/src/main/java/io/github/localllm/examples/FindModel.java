package io.github.localllm.examples;

import io.github.localllm.store.StoreKeys;
import io.github.localllm.BackendUnavailableException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelRef;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.hardware.GpuInfo;
import io.github.localllm.hardware.HardwareDetector;
import io.github.localllm.hardware.HardwareProfile;
import io.github.localllm.hardware.ModelCatalog;
import io.github.localllm.hardware.QuantizationPreference;
import io.github.localllm.hardware.Reading;
import io.github.localllm.registry.GatedModelException;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelDetails;
import io.github.localllm.registry.ModelFit;
import io.github.localllm.registry.ModelListing;
import io.github.localllm.registry.ModelQuery;
import io.github.localllm.registry.ModelRegistry;
import io.github.localllm.registry.ModelSort;
import io.github.localllm.registry.hf.CatalogRegistry;
import io.github.localllm.registry.hf.HuggingFaceRegistry;
import io.github.localllm.store.Downloader;
import io.github.localllm.store.ModelLibrary;
import io.github.localllm.store.StoredModel;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * "A coding model that fits this laptop": searches the Hugging Face Hub for GGUF models, plans every result
 * for this machine (whether it fits, GPU layers, largest context, expected speed) from the files' remote
 * headers, prints a table, picks one and, with {@code --download}, fetches it verified into the Hugging Face
 * cache. Without the network (or with {@code --offline}) it searches the bundled model catalog instead.
 *
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests -Dfindmodel -Dfindmodel.args="coder --task code --download"
 * java -cp ... io.github.localllm.examples.FindModel Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF
 * </pre>
 *
 * <p>From each repository it takes the first variant that fits in the catalog's balanced order
 * ({@link QuantizationPreference#BALANCED}: Q4_K_M, then smaller, then larger), and it chooses as the catalog
 * recommends: the most downloaded repository (offline, the largest model) whose variant runs better than
 * marginally at interactive speed, the speed floor stepping down from 10 tokens/s until one does (no floor for
 * embeddings), else the first that runs at all. {@code HF_ENDPOINT}
 * (or {@code hf.endpoint}) points it at a mirror, {@code HF_TOKEN} (or {@code hf.token}) opens gated
 * models; {@code hf.cache} and {@code store.home} say where files and records go, as for the front door.
 */
public final class FindModel {

    private FindModel() {
    }

    /** @param args what to look for and options; see {@link FindArguments#USAGE} */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != 0) {
            // Thrown out of main, this ends the JVM with status 1, as any failing Java program does.
            throw new IllegalStateException("FindModel ended with code " + code + " (1: nothing found, fits or could be"
                    + " downloaded, 2: bad arguments); see above");
        }
    }

    /**
     * Runs FindModel on this machine.
     *
     * @param args what to look for and options
     * @param env environment variables: {@code HF_ENDPOINT}, {@code HF_TOKEN} and {@code LOCALLLM_*} settings
     * @param out where the table and the result go
     * @param err where errors go
     * @return 0 when a model that fits was found (and downloaded, if asked), 1 when not, 2 on bad arguments
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(args, env, () -> HardwareDetector.create().detect(), out, err);
    }

    /** As {@link #run(String[], Map, PrintStream, PrintStream)}, planned for the given machine. */
    static int run(String[] args, Map<String, String> env, Supplier<HardwareProfile> hardware, PrintStream out,
                   PrintStream err) {
        FindArguments a;
        try {
            a = FindArguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(FindArguments.USAGE);
            return 2;
        }
        ConfigEnvironment environment = environment(env);
        HardwareProfile machine = hardware.get();
        printMachine(machine, out);
        try {
            LocalLlmConfig config = LocalLlmConfig.load(Map.of(), Map.of(), environment);
            boolean offline = a.offline();
            List<Candidate> candidates;
            ModelRegistry registry = offline ? catalog(config, environment, machine, out)
                    : hub(config, env, machine);
            try {
                try {
                    candidates = candidates(registry, a, machine, out);
                } catch (BackendUnavailableException e) {
                    if (offline) {
                        throw e;
                    }
                    out.println("The Hugging Face Hub cannot be used now (no network?): " + e.getMessage());
                    registry.close();
                    offline = true;
                    registry = catalog(config, environment, machine, out);
                    candidates = candidates(registry, a, machine, out);
                }
            } finally {
                registry.close();
            }
            if (candidates.isEmpty()) {
                return 1;
            }
            out.println();
            CandidateTable.print(candidates, out);
            List<Candidate> ranked = candidates;
            if (offline) {
                // The catalog has no downloads to rank by; as its own recommendation, a larger model answers better.
                ranked = candidates.stream().sorted(Comparator.comparing((Candidate c) -> c.parameters().orElse(0L))
                        .reversed()).toList();
            }
            Optional<Candidate> choice = Candidate.choose(ranked, !a.task().equals(Optional.of("embedding")));
            if (choice.isEmpty()) {
                out.println();
                out.println("None of these fits this machine. Try a smaller model (e.g. add \"1.5b\" or \"3b\" to the"
                        + " words), or another search.");
                return 1;
            }
            return chosen(choice.get(), a, offline, config, env, out);
        } catch (LocalLlmException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** Searches (or reads the one repository named) and plans each result. */
    private static List<Candidate> candidates(ModelRegistry registry, FindArguments a, HardwareProfile machine,
                                              PrintStream out) {
        String where = registry instanceof HuggingFaceRegistry hf ? "the Hugging Face Hub at " + hf.endpoint()
                : "the bundled model catalog";
        if (a.repository()) {
            out.println("Planning " + a.what() + " from " + where + " ...");
            // Not caught: a missing or gated repository named on purpose is the answer, as an error.
            ModelDetails details = registry.details(a.what());
            return List.of(plan(registry, details, details.listing().downloads(), machine, true));
        }
        boolean catalog = registry instanceof CatalogRegistry;
        // The catalog is small and knows tasks the search does not: all of it is searched, then cut to the limit.
        ModelQuery.Builder query = ModelQuery.builder().text(a.what()).ggufOnly(true).sort(ModelSort.DOWNLOADS)
                .limit(catalog ? ModelQuery.MAX_LIMIT : a.limit());
        a.pipelineTag().ifPresent(query::pipelineTag);
        out.println("Searching " + where + " for \"" + a.what() + "\"" + a.task().map(t -> ", task " + t).orElse("")
                + (catalog ? " ..." : " (GGUF files, most downloaded first) ..."));
        List<ModelListing> found = registry.search(query.build()).models();
        if (catalog) {
            // The catalog knows each model's tasks (as tags): "code" keeps the coding models only.
            found = found.stream().filter(l -> a.task().map(t -> l.tags().contains(t)).orElse(true)).limit(a.limit())
                    .toList();
        }
        if (found.isEmpty()) {
            out.println("Nothing found: no " + (catalog ? "catalog model" : "GGUF repository")
                    + " matches \"" + a.what() + "\"" + a.pipelineTag().map(t -> " with pipeline tag " + t).orElse("")
                    + ". Try fewer or other words" + (a.task().isPresent() ? ", or drop --task" : "")
                    + (catalog ? ", or search the Hub without --offline." : "."));
            return List.of();
        }
        List<Candidate> candidates = new ArrayList<>();
        for (ModelListing listing : found) {
            candidates.add(plan(registry, listing, machine));
        }
        return candidates;
    }

    /** Plans one search result; what goes wrong with it becomes its note, so the other results still count. */
    private static Candidate plan(ModelRegistry registry, ModelListing listing, HardwareProfile machine) {
        try {
            return plan(registry, registry.details(listing.id()), listing.downloads(), machine, false);
        } catch (GatedModelException e) {
            return Candidate.unusable(listing.id(), listing.downloads(), e.tokenSent()
                    ? "gated: the token in HF_TOKEN has not been granted access; request it on the model's page"
                    : "gated: accept its terms on the model's page, then set HF_TOKEN to a token of yours");
        } catch (LocalLlmException e) {
            return Candidate.unusable(listing.id(), listing.downloads(), "cannot be planned: " + e.getMessage());
        }
    }

    /**
     * Tries the variants in the balanced order and keeps the first that fits. Variants larger than all the
     * machine's memory are passed over without reading their headers.
     */
    private static Candidate plan(ModelRegistry registry, ModelDetails details, long downloads,
                                  HardwareProfile machine, boolean strict) {
        List<GgufVariant> variants = QuantizationPreference.BALANCED.order(details.variants(),
                v -> v.quantization().orElse(null));
        if (variants.isEmpty()) {
            return Candidate.unusable(details.id(), downloads, "no GGUF file in it");
        }
        long memory = memory(machine);
        // The first variant planned, in the balanced order: what to show when none fits.
        GgufVariant closest = null;
        ModelFit closestFit = null;
        int tooLarge = 0;
        for (GgufVariant v : variants) {
            if (memory > 0 && v.size() > memory) {
                tooLarge++;
                continue;
            }
            Optional<ModelFit> fit;
            try {
                fit = registry.fit(v);
            } catch (GatedModelException e) {
                throw e;
            } catch (LocalLlmException e) {
                if (strict) {
                    throw e;
                }
                continue;
            }
            if (fit.isPresent() && fit.get().runnable()) {
                return new Candidate(details.id(), downloads, details.parameterCount(), Optional.of(v), fit, "");
            }
            if (closest == null && fit.isPresent()) {
                closest = v;
                closestFit = fit.get();
            }
        }
        if (closest != null) {
            return new Candidate(details.id(), downloads, details.parameterCount(), Optional.of(closest),
                    Optional.of(closestFit), firstSentence(closestFit.explanation()));
        }
        GgufVariant smallest = variants.stream().min(Comparator.comparingLong(GgufVariant::size)).orElseThrow();
        String note = tooLarge == variants.size()
                ? String.format(Locale.ROOT, "every variant is larger than this machine's %s of memory (smallest: %s %s)",
                        CandidateTable.size(memory), smallest.label(), CandidateTable.size(smallest.size()))
                : "its variants cannot be planned here (no header or shape to plan from)";
        return new Candidate(details.id(), downloads, details.parameterCount(), Optional.of(smallest), Optional.empty(), note);
    }

    /** Says what was chosen and, with {@code --download}, fetches it. */
    private static int chosen(Candidate c, FindArguments a, boolean offline, LocalLlmConfig config,
                              Map<String, String> env, PrintStream out) {
        GgufVariant v = c.variant().orElseThrow();
        ModelFit fit = c.fit().orElseThrow();
        ModelRef.Hub ref = v.ref();
        out.println();
        out.printf(Locale.ROOT, "Chosen: %s %s, %s%s%n  %s%n", c.repository(), v.label(), CandidateTable.size(v.size()),
                v.sharded() ? " in " + v.files().size() + " shards" : "", ref.text());
        v.firstFile().sha256().ifPresent(sha -> out.println("  SHA-256 " + sha));
        out.println("  " + fit.explanation().strip().replace("\n", "\n  "));
        DownloadBar bar = new DownloadBar(out);
        try (Downloader downloader = Downloader.builder().listener(bar).build();
             ModelLibrary library = library(config, env, downloader)) {
            Optional<StoredModel> here = present(library, v);
            StoredModel model;
            if (here.isPresent()) {
                out.println();
                out.println("Already on this machine, verified when it was downloaded.");
                model = here.get();
            } else if (!a.download()) {
                out.println();
                out.printf(Locale.ROOT, "Run again with --download%s to fetch it (%s) into %s, verified by SHA-256.%n",
                        offline ? " and the network" : "", CandidateTable.size(v.size()), library.hfCache());
                return 0;
            } else if (offline) {
                out.println();
                out.println("Not downloaded: " + (a.offline() ? "--offline was given" : "there is no network")
                        + ". Run again " + (a.offline() ? "without --offline " : "when online ") + "to fetch it.");
                return 1;
            } else {
                out.println();
                out.println("Downloading into " + library.hfCache() + " ...");
                try {
                    // Every shard of a split model and its projector, each verified, linked into place together.
                    model = library.download(v);
                } finally {
                    bar.end();
                }
                out.println("Downloaded and verified (SHA-256 " + model.sha256().orElse("checked") + ").");
            }
            printHowToLoad(model, ref, out);
            return 0;
        }
    }

    /** @return the variant when it is in the library whole: every shard, and its projector if it has one */
    private static Optional<StoredModel> present(ModelLibrary library, GgufVariant v) {
        return library.find(v.ref()).filter(m -> v.projector().isEmpty() || m.projector().isPresent());
    }

    private static void printHowToLoad(StoredModel model, ModelRef.Hub ref, PrintStream out) {
        Path path = model.path();
        out.println("  " + path);
        model.projector().ifPresent(p -> out.println("  and its projector, to load beside it: " + p));
        out.println();
        out.println("Load it with:");
        out.println("  LocalLlm.builder().model(Path.of(\"" + path.toString().replace("\\", "\\\\") + "\")).build()");
        out.println("or by its reference, found in the cache (downloaded only if allowed):");
        out.println("  LocalLlm.builder().model(\"" + ref.text() + "\").allowDownloads(true).build()");
    }

    private static String firstSentence(String text) {
        String t = text.strip().replace("\n", " ");
        int end = t.indexOf(". ");
        return end < 0 ? t : t.substring(0, end + 1);
    }

    /** RAM plus the GPUs' own memory: a file larger than that cannot run here, whatever the plan. */
    private static long memory(HardwareProfile machine) {
        Reading<Long> ram = machine.memory().totalBytes();
        if (!ram.isKnown()) {
            return -1;
        }
        long total = ram.value();
        for (GpuInfo gpu : machine.gpus()) {
            if (!gpu.unifiedMemory() && gpu.totalVramBytes().isKnown()) {
                total += gpu.totalVramBytes().value();
            }
        }
        return total;
    }

    private static void printMachine(HardwareProfile m, PrintStream out) {
        String gpus = m.gpus().isEmpty() ? "no GPU" : String.join(", ", m.gpus().stream()
                .map(g -> g.name() + (g.totalVramBytes().isKnown() ? " " + gib(g.totalVramBytes().value()) : ""))
                .toList());
        out.printf(Locale.ROOT, "This machine: %s %s, %d threads, %s RAM (%s available), %s%n", m.osName(),
                m.architecture(), m.cpu().logicalCores(),
                m.memory().totalBytes().isKnown() ? gib(m.memory().totalBytes().value()) : "unknown",
                m.memory().availableBytes().isKnown() ? gib(m.memory().availableBytes().value()) : "unknown", gpus);
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    /** The Hub, as the store sees it: {@code huggingface.*} keys, else {@code hf.*}, else {@code HF_*} variables. */
    private static HuggingFaceRegistry hub(LocalLlmConfig config, Map<String, String> env, HardwareProfile machine) {
        HuggingFaceRegistry.Builder b = HuggingFaceRegistry.builder().hardware(() -> machine);
        endpoint(config, env).ifPresent(e -> b.endpoint(URI.create(e)));
        token(config, env).ifPresent(b::token);
        config.get(HuggingFaceRegistry.CACHE_KEY)
                .or(() -> config.get(StoreKeys.STORE_HOME).map(home -> Path.of(home).resolve("huggingface-api").toString()))
                .ifPresent(dir -> b.cacheDirectory(Path.of(dir)));
        config.getDuration(HuggingFaceRegistry.CACHE_TTL_KEY).ifPresent(b::cacheTtl);
        config.getBoolean(HuggingFaceRegistry.ALLOW_HTTP_KEY).ifPresent(b::allowHttp);
        config.getDuration(HuggingFaceRegistry.TIMEOUT_KEY).ifPresent(b::timeout);
        return b.build();
    }

    private static CatalogRegistry catalog(LocalLlmConfig config, ConfigEnvironment environment,
                                           HardwareProfile machine, PrintStream out) {
        ModelCatalog catalog = ModelCatalog.forConfig(config, environment);
        out.println("Offline: using the bundled model catalog of " + catalog.updated() + " (" + catalog.models().size()
                + " models) instead of the Hugging Face Hub.");
        return new CatalogRegistry(catalog, () -> machine);
    }

    private static ModelLibrary library(LocalLlmConfig config, Map<String, String> env, Downloader downloader) {
        ModelLibrary.Builder b = ModelLibrary.builder().downloader(downloader);
        config.get(StoreKeys.HF_CACHE).ifPresent(dir -> b.hfCache(Path.of(dir)));
        config.get(StoreKeys.STORE_HOME).ifPresent(dir -> b.home(Path.of(dir)));
        endpoint(config, env).ifPresent(e -> b.endpoint(URI.create(e)));
        token(config, env).ifPresent(b::token);
        return b.build();
    }

    private static Optional<String> endpoint(LocalLlmConfig config, Map<String, String> env) {
        return config.get(HuggingFaceRegistry.ENDPOINT_KEY).or(() -> config.get(StoreKeys.HF_ENDPOINT))
                .or(() -> Optional.ofNullable(env.get("HF_ENDPOINT"))).map(String::strip).filter(s -> !s.isEmpty());
    }

    private static Optional<String> token(LocalLlmConfig config, Map<String, String> env) {
        return config.get(StoreKeys.HF_TOKEN).or(() -> Optional.ofNullable(env.get("HF_TOKEN")))
                .or(() -> Optional.ofNullable(env.get("HUGGING_FACE_HUB_TOKEN"))).map(String::strip)
                .filter(s -> !s.isEmpty());
    }

    /** The process's settings, with {@code env} as its environment variables. */
    private static ConfigEnvironment environment(Map<String, String> env) {
        ConfigEnvironment system = ConfigEnvironment.system();
        return new ConfigEnvironment(system.systemProperties(), env, system.workingDirectory(), system.userConfigFile());
    }
}
