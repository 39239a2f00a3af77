package io.github.localllm.backend.llamaserver;

import io.github.localllm.ConfigurationException;
import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.llamaserver.internal.BinaryLocator;
import io.github.localllm.backend.llamaserver.internal.EnginesDirectory;
import io.github.localllm.backend.llamaserver.internal.PortChooser;
import io.github.localllm.backend.llamaserver.internal.RestartPolicy;
import io.github.localllm.backend.llamaserver.internal.ServerBinary;
import io.github.localllm.backend.openai.OpenAiBackend;
import io.github.localllm.config.ConfigValue;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.gguf.LlamaCppArchitectures;
import io.github.localllm.gguf.LlamaCppBuild;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Provides the managed llama-server engine under the id {@code llamaserver}: it opens GGUF files
 * ({@code ModelRef.file}) by starting llama.cpp's {@code llama-server} for each. Configuration:
 *
 * <ul>
 *   <li>{@code llamaserver.path}: the binary (or the folder holding it); else the {@code LLAMA_SERVER}
 *       environment variable; else the newest build in the engines directory
 *       ({@code llamaserver.engines.dir}, {@code ~/.localllm/engines} by default, one folder per build
 *       and variant such as {@code b10470/cpu}; {@code llamaserver.variant} picks the variant); else
 *       {@code PATH}. A build older than {@link #MINIMUM_BUILD} is refused;</li>
 *   <li>{@code llamaserver.load.timeout}: how long a model may take to load, 5 minutes by default;</li>
 *   <li>{@code llamaserver.stop.grace}: how long a server gets to stop before it is killed, 5 s;</li>
 *   <li>{@code llamaserver.state.dir}: where started servers are recorded so that the next start reaps
 *       those of a JVM that was killed ({@code <engines dir>/state} by default);</li>
 *   <li>{@code llamaserver.memory.budget}: how much memory the models this JVM runs on the engine may
 *       take together, such as {@code 6GiB}; by default what the system has available when a model
 *       loads. A model that does not fit beside the loaded ones (by the fit planner's memory model)
 *       unloads the least recently used model that no request is using ({@code ModelUnloaded} events
 *       tell the load's listener and the unloaded model's), or with {@code llamaserver.memory.full=fail}
 *       fails with an {@link io.github.localllm.InsufficientResourcesException} naming the loaded models;</li>
 *   <li>the load options of {@link LlamaServerOptions#from}.</li>
 * </ul>
 */
public final class LlamaServerBackendProvider implements InferenceBackendProvider {
    /** The id users select this engine by. */
    public static final String ID = "llamaserver";
    /** The key of the binary's path. */
    public static final String PATH_KEY = BinaryLocator.PATH_KEY;
    /** The key of the engines directory. */
    public static final String ENGINES_DIR_KEY = EnginesDirectory.KEY;
    /** The key of the variant to prefer in the engines directory, such as {@code cpu} or {@code cuda}. */
    public static final String VARIANT_KEY = BinaryLocator.VARIANT_KEY;
    /** The key of the load time budget. */
    public static final String LOAD_TIMEOUT_KEY = "llamaserver.load.timeout";
    /** The key of the stop grace period. */
    public static final String STOP_GRACE_KEY = "llamaserver.stop.grace";
    /** The key of the directory of server records. */
    public static final String STATE_DIR_KEY = "llamaserver.state.dir";
    /** The key of the memory budget of all models loaded together, such as {@code 6GiB}. */
    public static final String MEMORY_BUDGET_KEY = MemoryBudget.BUDGET_KEY;
    /** The key of what a load that does not fit does: {@code unload-lru} (the default) or {@code fail}. */
    public static final String MEMORY_FULL_KEY = MemoryBudget.WHEN_FULL_KEY;
    /** The environment variable of the binary. */
    public static final String ENV = BinaryLocator.ENV;
    /**
     * The oldest build this engine runs: {@code --flash-attn on|off|auto}, which it passes, came in
     * late August 2025 (about b6300); b6500 is the first build of mid-September 2025. The build it is
     * tested with is b10470. It is also where {@link io.github.localllm.gguf.LlamaCppBuild#CURRENT_FROM}
     * starts planning memory as b10470 behaves, so no accepted build is planned with b4916's buffers.
     * A build between this and b10470 reports b4916's architectures ({@link LlamaCppArchitectures#of}: the
     * newest list known to hold for it), which under-states, never over-states, what it loads.
     */
    public static final int MINIMUM_BUILD = 6500;

    static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofMinutes(5);
    static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
    /** {@code --version} answers at once; a slow disk or a cold start may take a moment. */
    static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);

    /** The first build whose grammar dialect (b4916's with token terminals such as {@code <[2]>}) grammars are checked in. */
    static final int TOKEN_GRAMMAR_BUILD = 10470;

    /**
     * What the engine does, known before a binary is found: the OpenAI-compatible engine's, with llama.cpp's
     * grammars, and the architectures of the build the SDK installs and is tested with
     * ({@link LlamaServerInstaller#BUILD}). A backend reports those of the binary it found:
     * {@link #capabilitiesOf(int)}.
     */
    static final EngineCapabilities CAPABILITIES = capabilitiesOf(LlamaServerInstaller.BUILD);

    private final UnaryOperator<String> env;

    /**
     * What a llama-server of this build does: the architectures are those {@link LlamaCppArchitectures}
     * knows the build to load (at least a newer build's; none listed for a build older than every known one,
     * which {@link #MINIMUM_BUILD} keeps from being used).
     *
     * @param build the server's build number, as {@code --version} prints it
     * @return its capabilities
     */
    static EngineCapabilities capabilitiesOf(int build) {
        return OpenAiBackend.CAPABILITIES.toBuilder()
                .grammarDialect(build >= TOKEN_GRAMMAR_BUILD ? "llama.cpp b10470" : "llama.cpp b4916")
                .loadOptions(LoadOptions.Field.CONTEXT_SIZE, LoadOptions.Field.GPU_LAYERS, LoadOptions.Field.THREADS)
                .architectures(LlamaCppArchitectures.of(LlamaCppBuild.of(build)).orElse(Set.of()))
                .build();
    }

    /** For {@link java.util.ServiceLoader}. */
    public LlamaServerBackendProvider() {
        this(System::getenv);
    }

    /** @param env the environment, for tests */
    LlamaServerBackendProvider(UnaryOperator<String> env) {
        this.env = env;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "llama.cpp's llama-server, managed by the SDK";
    }

    /**
     * @return 110: above the in-process engine (100) for files, when a llama-server is found: it runs
     *     newer architectures and GPU builds, returns a closed model's memory, and is as fast or faster
     */
    @Override
    public int priority() {
        return 110;
    }

    /** @return only GGUF files */
    @Override
    public boolean accepts(ModelRef model) {
        return model instanceof ModelRef.File;
    }

    @Override
    public EngineCapabilities capabilities() {
        return CAPABILITIES;
    }

    /** Finds the binary and asks its version, within {@code timeout}; never throws. */
    @Override
    public EngineHealth probe(LocalLlmConfig config, Duration timeout) {
        long start = System.nanoTime();
        try {
            Duration t = timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout;
            ServerBinary binary = new BinaryLocator(config, env, t, MINIMUM_BUILD).locate();
            return EngineHealth.up(binary.version(), Duration.ofNanos(System.nanoTime() - start));
        } catch (LocalLlmException e) {
            return EngineHealth.down(e.getMessage(), Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            return EngineHealth.down("llama-server could not be checked: " + e, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * @throws LlamaServerBinaryException if no usable llama-server is found
     * @throws ConfigurationException if a value is malformed
     */
    @Override
    public InferenceBackend create(LocalLlmConfig config) {
        return create(config, RestartPolicy.DEFAULT, PortChooser.EPHEMERAL);
    }

    /** {@link #create(LocalLlmConfig)} with the restart policy and port chooser tests set. */
    InferenceBackend create(LocalLlmConfig config, RestartPolicy restarts, PortChooser ports) {
        return create(config, restarts, ports, Residency.JVM);
    }

    /** {@link #create(LocalLlmConfig)} with the restart policy, port chooser and models' memory tests set. */
    LlamaServerBackend create(LocalLlmConfig config, RestartPolicy restarts, PortChooser ports, Residency residency) {
        ServerBinary binary = new BinaryLocator(config, env, VERSION_TIMEOUT, MINIMUM_BUILD).locate();
        Duration loadTimeout = positive(config, LOAD_TIMEOUT_KEY, DEFAULT_LOAD_TIMEOUT);
        Duration grace = config.getDuration(STOP_GRACE_KEY).orElse(DEFAULT_STOP_GRACE);
        if (grace.isNegative()) {
            throw new ConfigurationException(STOP_GRACE_KEY + " must not be negative, was " + grace);
        }
        Optional<ConfigValue> state = config.value(STATE_DIR_KEY);
        Path stateDir = state.isPresent() ? Path.of(state.get().value().strip()).toAbsolutePath()
                : EnginesDirectory.of(config).root().resolve("state");
        return new LlamaServerBackend(binary, new LlamaServerBackend.Settings(loadTimeout, grace, stateDir, restarts, ports,
                MemoryBudget.from(config)),
                LlamaServerOptions.from(config), residency);
    }

    private static Duration positive(LocalLlmConfig config, String key, Duration fallback) {
        Duration d = config.getDuration(key).orElse(fallback);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigurationException(key + " must be a positive duration such as PT5M or 300, was " + d);
        }
        return d;
    }
}
