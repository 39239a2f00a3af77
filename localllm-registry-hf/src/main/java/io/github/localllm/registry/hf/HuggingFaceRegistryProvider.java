package io.github.localllm.registry.hf;

import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.registry.ModelRegistry;
import io.github.localllm.registry.ModelRegistryProvider;

/** Makes the {@link HuggingFaceRegistry}, configured from the configuration and the environment. */
public final class HuggingFaceRegistryProvider implements ModelRegistryProvider {

    /** For {@link java.util.ServiceLoader}. */
    public HuggingFaceRegistryProvider() {
    }

    @Override
    public String id() {
        return HuggingFaceRegistry.ID;
    }

    /** @return 200: the Hub ranks above the offline catalog */
    @Override
    public int priority() {
        return 200;
    }

    @Override
    public ModelRegistry create(LocalLlmConfig config) {
        return HuggingFaceRegistry.fromConfig(config, System.getenv());
    }
}
