package io.github.localllm.registry;

import io.github.localllm.config.LocalLlmConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        Logger log = LoggerFactory.getLogger(ModelRegistryProvider.class);
        List<ModelRegistryProvider> found = new ArrayList<>();
        Iterator<ModelRegistryProvider> providers = ServiceLoader.load(ModelRegistryProvider.class).iterator();
        // ServiceLoader recovers from a broken entry only on a best-effort basis: never loop forever.
        for (int failures = 0; failures < 100; ) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                found.add(providers.next());
            } catch (ServiceConfigurationError e) {
                failures++;
                log.warn("skipping a model registry provider: {}", e.getMessage());
            }
        }
        found.sort(Comparator.comparingInt(ModelRegistryProvider::priority).reversed()
                .thenComparing(ModelRegistryProvider::id));
        return List.copyOf(found);
    }

    /** @param id a provider id @return the installed provider with that id */
    static Optional<ModelRegistryProvider> find(String id) {
        return installed().stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
