package io.github.localllm.hardware;

import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlm;
import io.github.localllm.ModelRef;
import io.github.localllm.gguf.LlamaCppArchitectures;
import io.github.localllm.gguf.LlamaCppBuild;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackendProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine a fit plan is for, as the engine describes itself: which architectures it loads, which
 * GPU backends it offloads to, which CPU features its native code needs and how it sizes
 * sliding-window caches, and the llama.cpp build inside it, which decides how much memory a load
 * takes and how fast it runs. Made from an installed engine with {@link #of(InferenceBackendProvider)}
 * or {@link #installed()}, or from {@link #currentLlamaCpp()} for a server not installed as an engine.
 *
 * <p>The build: the in-process engine ({@code llamacpp}) bundles b4916; any other engine is planned as
 * the newest measured build, {@link LlamaCppBuild#B10470}, until it says otherwise with
 * {@link #withBuild}: a managed {@code llama-server} knows its build from {@code --version}, and
 * {@link #of(InferenceBackendProvider, EngineHealth)} takes it from the engine's health check. An engine
 * whose architectures are its build's ({@link LlamaCppArchitectures}) gets the new build's with it.
 *
 * @param id the engine's id, e.g. {@code llamacpp}
 * @param displayName a name for people, used in plans' explanations
 * @param capabilities what the engine reports about itself
 * @param build the llama.cpp build the engine runs
 * @param embeddingContext whether the model's context also computes embeddings, so that its worst-case
 *        graph outputs every token of a ubatch and reserves logits for all of them: a {@code llama-server}
 *        started with {@code --embeddings} does ({@link #withEmbeddingContext}); b4916 reserves so anyway
 */
public record InferenceEngine(String id, String displayName, EngineCapabilities capabilities, LlamaCppBuild build,
                              boolean embeddingContext) {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);
    /** How a health check reports a llama.cpp build: {@code b10470}, maybe followed by the commit. */
    private static final Pattern BUILD_VERSION = Pattern.compile("b(\\d{1,9})\\b");
    /** The names engines report GPU backends by, and the device acceleration each means. */
    private static final Map<String, Acceleration> GPU_BACKENDS = Map.of(
            "cuda", Acceleration.CUDA, "rocm", Acceleration.ROCM, "hip", Acceleration.ROCM,
            "metal", Acceleration.METAL, "vulkan", Acceleration.VULKAN, "sycl", Acceleration.SYCL);

    /**
     * What planning needs to know of a current llama.cpp. Embeddings, tools and images are left unsaid:
     * a {@code llama-server} has them only when started with {@code --embeddings}, {@code --jinja} or
     * {@code --mmproj}, which a plan cannot know.
     */
    private static final InferenceEngine CURRENT_LLAMA_CPP = new InferenceEngine("llamaserver",
            "llama-server (current llama.cpp)", EngineCapabilities.builder()
            .loadOptions(LoadOptions.Field.CONTEXT_SIZE, LoadOptions.Field.GPU_LAYERS, LoadOptions.Field.THREADS)
            .gpuBackends(Set.of("cuda", "rocm", "metal", "vulkan", "sycl"))
            .windowedAttentionCache(true)
            .build(), LlamaCppBuild.B10470, false);
    /** The id of the in-process engine, whose binding pins llama.cpp b4916. */
    private static final String IN_PROCESS_ID = "llamacpp";

    /** A representative file: the planner plans GGUF files, so only engines that load files count. */
    private static final ModelRef ANY_FILE = new ModelRef.File(Path.of("model.gguf"));

    /** Checks the parts. */
    public InferenceEngine {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(build, "build");
        if (id.isBlank()) {
            throw new IllegalArgumentException("an engine id must not be blank");
        }
        if (displayName.isBlank()) {
            displayName = id;
        }
    }

    /**
     * An engine whose build follows from its id (see the class comment).
     *
     * @param id the engine's id
     * @param displayName a name for people
     * @param capabilities what the engine reports about itself
     */
    public InferenceEngine(String id, String displayName, EngineCapabilities capabilities) {
        this(id, displayName, capabilities, IN_PROCESS_ID.equals(id) ? LlamaCppBuild.B4916 : LlamaCppBuild.B10470,
                false);
    }

    /**
     * @param provider an installed engine
     * @return the engine as its provider describes it, named by its id
     */
    public static InferenceEngine of(InferenceBackendProvider provider) {
        Objects.requireNonNull(provider, "provider");
        EngineCapabilities reported = provider.capabilities();
        return new InferenceEngine(provider.id(), provider.displayName(),
                reported == null ? EngineCapabilities.unknown() : reported);
    }

    /**
     * An installed engine as it describes itself and as its health check found it: an engine whose check
     * reports a llama.cpp build as its version ({@code b10470 (34af94cd9)}, as a managed {@code llama-server}
     * reads it from the binary's {@code --version}) is planned with that build ({@link #withBuild}).
     *
     * @param provider an installed engine
     * @param health what its {@link InferenceBackendProvider#probe} found
     * @return the engine, with the build its check reported if any
     */
    public static InferenceEngine of(InferenceBackendProvider provider, EngineHealth health) {
        InferenceEngine engine = of(provider);
        Objects.requireNonNull(health, "health");
        Matcher m = BUILD_VERSION.matcher(health.version());
        if (!health.up() || !m.lookingAt()) {
            return engine;
        }
        try {
            return engine.withBuild(LlamaCppBuild.of(Integer.parseInt(m.group(1))));
        } catch (IllegalArgumentException e) {
            // A build number out of int range or zero: not a build this planner knows how to plan.
            LOG.debug("engine {} reported version '{}', not a llama.cpp build: {}", provider.id(), health.version(),
                    e.toString());
            return engine;
        }
    }

    /**
     * The engine with another llama.cpp build. An engine whose architectures are those its build is known to
     * load ({@link LlamaCppArchitectures#of}) gets the new build's instead, so that a {@code llama-server} of an
     * older or newer build than the one its provider assumed is planned with what that build loads; an engine
     * that lists none, or a list of its own, keeps it.
     *
     * @param llamaCppBuild the build this engine runs, e.g. as {@code llama-server --version} reports it
     * @return this engine with that build
     */
    public InferenceEngine withBuild(LlamaCppBuild llamaCppBuild) {
        Objects.requireNonNull(llamaCppBuild, "llamaCppBuild");
        EngineCapabilities caps = capabilities;
        Set<String> listed = caps.architectures();
        if (!listed.isEmpty() && LlamaCppArchitectures.of(build).map(listed::equals).orElse(false)) {
            caps = caps.toBuilder().architectures(LlamaCppArchitectures.of(llamaCppBuild).orElse(Set.of())).build();
        }
        return new InferenceEngine(id, displayName, caps, llamaCppBuild, embeddingContext);
    }

    /**
     * @param on whether the engine loads models with embeddings on ({@code llama-server --embeddings})
     * @return this engine so described
     */
    public InferenceEngine withEmbeddingContext(boolean on) {
        return new InferenceEngine(id, displayName, capabilities, build, on);
    }

    /**
     * @return the engines found by {@link LocalLlm#providers()} that load GGUF files (a
     *         {@link ModelRef.File}), highest priority first; empty when none is installed
     */
    public static List<InferenceEngine> installed() {
        return loadingFiles(LocalLlm.providers());
    }

    /**
     * A provider that fails to describe itself is left out, as {@link LocalLlm#providers()} leaves out a
     * broken services entry: one faulty jar cannot stop planning.
     */
    static List<InferenceEngine> loadingFiles(List<InferenceBackendProvider> providers) {
        List<InferenceEngine> engines = new ArrayList<>();
        for (InferenceBackendProvider p : providers) {
            try {
                if (p.accepts(ANY_FILE)) {
                    engines.add(of(p));
                }
            } catch (RuntimeException e) {
                LOG.warn("leaving engine {} out of planning: it failed to describe itself: {}", p.getClass().getName(),
                        e.toString());
            }
        }
        return List.copyOf(engines);
    }

    /**
     * @return the engine a plan is for when none is named: the highest-priority installed engine that
     *         loads files, else {@link #currentLlamaCpp()}
     */
    public static InferenceEngine preferred() {
        List<InferenceEngine> engines = installed();
        return engines.isEmpty() ? CURRENT_LLAMA_CPP : engines.get(0);
    }

    /**
     * A profile of a current llama.cpp build, for planning a {@code llama-server} (or Ollama, which
     * embeds llama.cpp) that is not installed as an engine: every GPU backend llama.cpp is released for
     * (CUDA, ROCm, Metal, Vulkan, SYCL), caches of sliding-window layers sized to the window, no
     * AVX2 requirement (its CPU code picks instruction sets at run time, or is built for the machine),
     * and no list of architectures, since which it knows depends on its version: the planner refuses
     * none by name.
     *
     * @return the profile, id {@code llamaserver}
     */
    public static InferenceEngine currentLlamaCpp() {
        return CURRENT_LLAMA_CPP;
    }

    /** @return the device accelerations this engine can offload to, from the GPU backends it reports */
    public Set<Acceleration> accelerations() {
        Set<Acceleration> result = EnumSet.noneOf(Acceleration.class);
        for (String backend : capabilities.gpuBackends()) {
            Acceleration a = GPU_BACKENDS.get(backend.toLowerCase(Locale.ROOT));
            if (a != null) {
                result.add(a);
            }
        }
        return Set.copyOf(result);
    }

    /**
     * @return whether a model it closed keeps its memory until the JVM exits: the in-process engine,
     *         whose binding of b4916 frees no model (measured: about 178 MiB kept per closed 143 MB file);
     *         an application that swaps models then grows with each one
     */
    public boolean retainsClosedModels() {
        return IN_PROCESS_ID.equals(id);
    }

    /** @return whether its x86-64 native code uses AVX2 instructions unconditionally */
    public boolean needsAvx2OnX86() {
        return capabilities.requiredCpuFeatures().contains("avx2");
    }

    /** @return whether it sizes sliding-window layers' caches to the window: it says so, or its build does */
    public boolean slidingWindowCache() {
        return capabilities.windowedAttentionCache() || build.current();
    }

    /** @return whether flash attention is on without being asked (see {@link LlamaCppBuild#flashAttentionByDefault()}) */
    public boolean flashAttentionByDefault() {
        return build.flashAttentionByDefault();
    }

    /**
     * @param architecture a {@code general.architecture}
     * @return whether this engine is known to load it: an engine that lists no architectures is not
     *         known to refuse any; {@code null} names none, so is not supported
     */
    public boolean supports(String architecture) {
        return architecture != null && capabilities.runs(architecture);
    }
}
