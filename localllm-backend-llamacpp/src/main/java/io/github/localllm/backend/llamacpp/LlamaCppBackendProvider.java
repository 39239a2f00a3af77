package io.github.localllm.backend.llamacpp;

import io.github.localllm.config.LocalLlmConfig;
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
    public int priority() {
        return 100;
    }

    @Override
    public InferenceBackend create(LocalLlmConfig config) {
        return new LlamaCppBackend(config.getBoolean(LlamaCppBackend.NATIVE_LOG_KEY).orElse(false));
    }
}
