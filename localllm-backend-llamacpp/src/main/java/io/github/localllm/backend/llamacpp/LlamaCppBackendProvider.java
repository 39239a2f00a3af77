package io.github.localllm.backend.llamacpp;

import io.github.localllm.ModelRef;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;

/**
 * Provides the in-process llama.cpp engine under the id {@code llamacpp}. It needs no
 * server or install, so it is preferred when several engines are present and none is named.
 */
public final class LlamaCppBackendProvider implements InferenceBackendProvider {
    /** The id users select this engine by. */
    public static final String ID = "llamacpp";

    /** For {@link java.util.ServiceLoader}. */
    public LlamaCppBackendProvider() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "llama.cpp b4916 in process";
    }

    @Override
    public int priority() {
        return 100;
    }

    /** @return only files: names, Hub files and addresses are for engines that fetch or serve models */
    @Override
    public boolean accepts(ModelRef model) {
        return model instanceof ModelRef.File;
    }

    @Override
    public EngineCapabilities capabilities() {
        return EngineLimits.CAPABILITIES;
    }

    @Override
    public InferenceBackend create(LocalLlmConfig config) {
        return new LlamaCppBackend(config.getBoolean(LlamaCppBackend.NATIVE_LOG_KEY).orElse(false),
                LlamaCppOptions.from(config));
    }
}
