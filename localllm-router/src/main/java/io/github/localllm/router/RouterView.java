package io.github.localllm.router;

import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;

/** A router seen through {@link RoutingOptions}: {@link Router#with(RoutingOptions)}. */
final class RouterView implements LanguageModel {
    private final Router router;
    private final RoutingOptions options;

    RouterView(Router router, RoutingOptions options) {
        this.router = router;
        this.options = options;
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        return router.generate(request, options);
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        return router.stream(request, options);
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        return router.embed(request, options);
    }

    @Override
    public String toString() {
        return router.name() + " with " + options;
    }
}
