package io.github.localllm;

import io.github.localllm.internal.AsyncGeneration;
import java.util.concurrent.CompletableFuture;

/**
 * Something that generates text and embeddings: a loaded model, a router over many,
 * or the {@link LocalLlm} facade. Implementations are safe for concurrent use.
 */
public interface LanguageModel {

    /**
     * Generates a complete answer, blocking until it is done.
     *
     * @param request what to generate
     * @return the answer
     * @throws ContextOverflowException if the prompt does not fit in the context
     * @throws InvalidRequestException if the request cannot be served as given
     * @throws GenerationException if the engine fails
     */
    GenerationResult generate(GenerationRequest request);

    /**
     * Answers a prompt with default settings; see {@link GenerationRequest} for how the
     * prompt meets the chat template.
     *
     * @param prompt the prompt
     * @return the answer
     */
    default GenerationResult generate(String prompt) {
        return generate(GenerationRequest.of(prompt));
    }

    /**
     * Starts generating and returns at once; iterate the stream for text as it comes.
     * Validation errors such as {@link ContextOverflowException} are thrown here, before any work.
     *
     * @param request what to generate
     * @return the stream; close it to stop early
     */
    GenerationStream stream(GenerationRequest request);

    /**
     * Generates on a background thread. Cancelling the future stops generation in the
     * engine.
     *
     * @param request what to generate
     * @return the answer to come; fails with the exceptions {@link #generate} throws
     */
    default CompletableFuture<GenerationResult> generateAsync(GenerationRequest request) {
        return AsyncGeneration.start(this, request);
    }

    /**
     * @param request texts to embed
     * @return one vector per text
     * @throws InvalidRequestException if the model cannot embed
     */
    EmbeddingResult embed(EmbeddingRequest request);
}
