package io.github.localllm.router;

import io.github.localllm.GenerationRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link RoutingStrategy} knows about the request it ranks targets for.
 *
 * @param task what the request is for
 * @param request the generation request; empty for an embedding request
 * @param promptTokens an estimate of the prompt's tokens (about four characters each)
 * @param outputTokens the tokens the answer may take: the request's {@code maxTokens}, or
 *        {@value #DEFAULT_OUTPUT_TOKENS} when it sets none; 0 for embeddings
 */
public record RoutingContext(TaskType task, Optional<GenerationRequest> request, int promptTokens,
                             int outputTokens) {

    /** The answer length assumed for estimates when a request sets no {@code maxTokens}. */
    public static final int DEFAULT_OUTPUT_TOKENS = 256;

    /** Checks no part is missing. */
    public RoutingContext {
        Objects.requireNonNull(task, "task");
        request = request == null ? Optional.empty() : request;
    }
}
