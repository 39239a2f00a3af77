package io.github.localllm.registry;

import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.internal.Services;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Makes a {@link ModelRegistry}. Found with {@link ServiceLoader}: declare it in {@code module-info.java}
 * ({@code provides io.github.localllm.registry.ModelRegistryProvider with ...}) and in
 * {@code META-INF/services}. Providers have a no-argument constructor; registries get their settings
 * from the configuration passed to {@link #create}.
 */
public interface ModelRegistryProvider {

    /** @return a short stable id, such as {@code huggingface}; configuration keys of the registry start with it */
    String id();

    /** @return the order among registries, higher first; an online registry ranks above an offline one */
    default int priority() {
        return 100;
    }

    /**
     * @param config the configuration; the registry reads its keys under {@link #id()}
     * @return a new registry; the caller closes it
     * @throws io.github.localllm.ConfigurationException if the configuration is unusable
     */
    ModelRegistry create(LocalLlmConfig config);

    /** @return every provider on the class and module path, highest priority first; broken entries are skipped */
    static List<ModelRegistryProvider> installed() {
        List<ModelRegistryProvider> found = Services.load(ModelRegistryProvider.class, "a model registry provider");
        found.sort(Comparator.comparingInt(ModelRegistryProvider::priority).reversed()
                .thenComparing(ModelRegistryProvider::id));
        return List.copyOf(found);
    }

    /** @param id a provider id @return the installed provider with that id */
    static Optional<ModelRegistryProvider> find(String id) {
        return installed().stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
