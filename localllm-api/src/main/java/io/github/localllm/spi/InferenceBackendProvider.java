package io.github.localllm.spi;

import io.github.localllm.ModelRef;
import io.github.localllm.config.LocalLlmConfig;
import java.time.Duration;

/**
 * Makes an {@link InferenceBackend}. Implementations are found with
 * {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.github.localllm.spi.InferenceBackendProvider} for the class
 * path, and declare {@code provides io.github.localllm.spi.InferenceBackendProvider with ...}
 * in {@code module-info.java} for the module path. A public no-argument constructor is
 * required; configuration arrives through {@link #create}.
 *
 * <p>Every method but {@link #id()} and {@link #create} has a default, so providers written today
 * keep compiling and working when methods are added.
 */
public interface InferenceBackendProvider {

    /** @return the short name users select the engine by, e.g. {@code llamacpp}; lower case, no spaces */
    String id();

    /**
     * @return a name for people, e.g. {@code llama.cpp b4916 in process}, for plans and messages;
     *         the {@link #id()} by default
     */
    default String displayName() {
        return id();
    }

    /**
     * Orders engines when the user names none: the highest that accepts the model and is up wins.
     *
     * @return the priority, {@code 0} by default
     */
    default int priority() {
        return 0;
    }

    /**
     * Says which models this engine can be given, so that {@link io.github.localllm.LocalLlm} never
     * hands a server's model name to an engine that opens files, however high its priority.
     *
     * @param model a model reference
     * @return whether {@link InferenceBackend#load} may be called with it; {@code true} by default
     */
    default boolean accepts(ModelRef model) {
        return true;
    }

    /**
     * What the engine can do, known without starting it, for planners and routers; its
     * {@link BackendInfo#capabilities()} may say more once it runs (a server's own version).
     *
     * @return the capabilities; {@link EngineCapabilities#unknown()} by default
     */
    default EngineCapabilities capabilities() {
        return EngineCapabilities.unknown();
    }

    /**
     * Checks quickly whether the engine could serve here now: a server engine asks its usual
     * address, an in-process engine checks its native code loads. Called for every candidate at
     * once when the user names no engine, so it must return within {@code timeout} and never throw.
     *
     * @param config the effective configuration (where to look)
     * @param timeout how long the check may take
     * @return whether it is up, and if not, why
     */
    default EngineHealth probe(LocalLlmConfig config, Duration timeout) {
        return EngineHealth.up("", Duration.ZERO);
    }

    /**
     * @param config the effective configuration
     * @return a new engine
     * @throws io.github.localllm.BackendUnavailableException if the engine cannot run here
     */
    InferenceBackend create(LocalLlmConfig config);
}
