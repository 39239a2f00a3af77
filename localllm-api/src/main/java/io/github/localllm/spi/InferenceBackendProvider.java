package io.github.localllm.spi;

import io.github.localllm.config.LocalLlmConfig;

/**
 * Makes an {@link InferenceBackend}. Implementations are found with
 * {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.github.localllm.spi.InferenceBackendProvider} for the class
 * path, and declare {@code provides io.github.localllm.spi.InferenceBackendProvider with ...}
 * in {@code module-info.java} for the module path. A public no-argument constructor is
 * required; configuration arrives through {@link #create}.
 */
public interface InferenceBackendProvider {

    /** @return the short name users select the engine by, e.g. {@code llamacpp}; lower case, no spaces */
    String id();

    /**
     * Orders engines when the user names none: the highest wins.
     *
     * @return the priority, {@code 0} by default
     */
    default int priority() {
        return 0;
    }

    /**
     * @param config the effective configuration
     * @return a new engine
     * @throws io.github.localllm.BackendUnavailableException if the engine cannot run here
     */
    InferenceBackend create(LocalLlmConfig config);
}
