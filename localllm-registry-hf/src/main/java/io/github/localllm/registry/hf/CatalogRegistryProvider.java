package io.github.localllm.registry.hf;

import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.hardware.HardwareDetector;
import io.github.localllm.hardware.ModelCatalog;
import io.github.localllm.registry.ModelRegistry;
import io.github.localllm.registry.ModelRegistryProvider;

/** Makes the {@link CatalogRegistry} of the configured catalog (the bundled one unless a user file overrides it). */
public final class CatalogRegistryProvider implements ModelRegistryProvider {

    /** For {@link java.util.ServiceLoader}. */
    public CatalogRegistryProvider() {
    }

    @Override
    public String id() {
        return CatalogRegistry.ID;
    }

    /** @return 50: the offline catalog ranks below the Hub */
    @Override
    public int priority() {
        return 50;
    }

    @Override
    public ModelRegistry create(LocalLlmConfig config) {
        return new CatalogRegistry(ModelCatalog.forConfig(config, ConfigEnvironment.system()),
                () -> HardwareDetector.create().detect());
    }
}
