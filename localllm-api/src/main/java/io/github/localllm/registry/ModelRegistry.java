package io.github.localllm.registry;

import java.util.Optional;

/**
 * A place to discover models: search it, read one model's details and GGUF variants, and ask whether a
 * variant fits this machine. Made by a {@link ModelRegistryProvider}. Implementations are thread-safe.
 * The interface grows by default methods only, so registries in other people's jars keep working.
 *
 * <pre>{@code
 * try (ModelRegistry hub = ModelRegistryProvider.find("huggingface").orElseThrow().create(config)) {
 *     ModelPage page = hub.search(ModelQuery.builder().text("qwen2.5 0.5b").limit(5).build());
 *     ModelDetails details = hub.details(page.models().get(0).id());
 *     for (GgufVariant v : details.variants()) {
 *         hub.fit(v).ifPresent(fit -> System.out.println(v.label() + ": " + fit.explanation()));
 *     }
 * }
 * }</pre>
 */
public interface ModelRegistry extends AutoCloseable {

    /** @return the registry's id, the same as its provider's, e.g. {@code huggingface} or {@code catalog} */
    String id();

    /**
     * Searches the registry.
     *
     * @param query what to look for; {@link ModelQuery#page()} continues an earlier search
     * @return one page of results, best first in the query's order
     * @throws io.github.localllm.LocalLlmException if the registry cannot be reached or refuses the query
     */
    ModelPage search(ModelQuery query);

    /**
     * One model's details at a revision: its licence, gating and every GGUF variant with sizes and hashes.
     *
     * @param repository the model's id, e.g. {@code Qwen/Qwen2.5-0.5B-Instruct-GGUF}
     * @param revision a branch, tag or commit
     * @return the details; {@link ModelDetails#revision()} is the commit the revision pointed at
     * @throws RepositoryNotFoundException if the registry has no such model
     * @throws RevisionNotFoundException if the model has no such revision
     * @throws GatedModelException if the model needs an access token that was not given or not accepted
     */
    ModelDetails details(String repository, String revision);

    /**
     * @param repository the model's id
     * @return {@link #details(String, String)} at {@code main}
     */
    default ModelDetails details(String repository) {
        return details(repository, "main");
    }

    /**
     * Whether a variant fits this machine and how it would run, planned from the file's header read
     * remotely (a few hundred kilobytes at most, never the weights).
     *
     * @param variant a variant from {@link #details}
     * @param options the context and parallel sequences to plan for
     * @return the plan; empty when this registry cannot plan
     * @throws io.github.localllm.LocalLlmException if the header cannot be read
     */
    default Optional<ModelFit> fit(GgufVariant variant, FitOptions options) {
        return Optional.empty();
    }

    /**
     * @param variant a variant from {@link #details}
     * @return {@link #fit(GgufVariant, FitOptions)} with {@link FitOptions#defaults()}
     */
    default Optional<ModelFit> fit(GgufVariant variant) {
        return fit(variant, FitOptions.defaults());
    }

    /** Releases what the registry holds (connections, caches in memory); the default holds nothing. */
    @Override
    default void close() {
    }
}
