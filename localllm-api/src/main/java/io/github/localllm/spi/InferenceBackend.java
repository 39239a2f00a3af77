package io.github.localllm.spi;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.event.LocalLlmEventListener;
import java.time.Duration;
import java.util.List;

/**
 * An engine that runs models: llama.cpp in process, an Ollama server, and so on.
 * Made by an {@link InferenceBackendProvider}. Safe for concurrent use.
 *
 * <p>Only {@link #info()}, {@link #load} and {@link #close()} are required. The model lifecycle
 * (list, fetch, delete, what is loaded, health) is made of default methods, so that an engine
 * written against an older version of this interface keeps working when operations are added.
 */
public interface InferenceBackend extends AutoCloseable {

    /** @return what this engine is and can do */
    BackendInfo info();

    /**
     * Loads a model. The caller owns the instance and must close it.
     *
     * @param request the model and how to load it
     * @return the loaded model
     * @throws io.github.localllm.ModelNotFoundException if the model does not exist
     * @throws io.github.localllm.InvalidModelFileException if its file is malformed
     * @throws io.github.localllm.UnsupportedModelException if this engine cannot run it
     * @throws io.github.localllm.ModelLoadException if loading fails for another reason
     */
    ModelInstance load(ModelLoadRequest request);

    /**
     * @return the models this engine can load without fetching anything; empty when it keeps no
     *         list (an in-process engine opens any file it is given)
     * @throws io.github.localllm.BackendUnavailableException if a server does not answer
     */
    default List<ModelSummary> models() {
        return List.of();
    }

    /**
     * @return the models in memory now, with the memory they take
     * @throws io.github.localllm.BackendUnavailableException if a server does not answer
     */
    default List<LoadedModel> loadedModels() {
        return List.of();
    }

    /**
     * Makes a model available to load, e.g. {@code ollama pull}; reports progress as
     * {@link io.github.localllm.event.ModelPullProgress} events.
     *
     * @param model the model to fetch
     * @param listener receives progress
     * @return the model, now available
     * @throws InvalidRequestException if this engine cannot fetch models
     * @throws io.github.localllm.ModelNotFoundException if no such model exists
     */
    default ModelSummary pull(ModelRef model, LocalLlmEventListener listener) {
        throw new InvalidRequestException(info().name() + " cannot fetch models; put the model where it can"
                + " load it (for a file, pass its path) and load it again");
    }

    /**
     * Deletes a model from the engine's storage.
     *
     * @param model the model to delete
     * @throws InvalidRequestException if this engine keeps no models of its own
     * @throws io.github.localllm.ModelNotFoundException if it has no such model
     */
    default void delete(ModelRef model) {
        throw new InvalidRequestException(info().name() + " keeps no models of its own to delete; delete the"
                + " file itself");
    }

    /**
     * Checks whether the engine can serve requests now. Never throws: a server that does not
     * answer is reported down, with what to do.
     *
     * @return the engine's health
     */
    default EngineHealth health() {
        return EngineHealth.up(info().version(), Duration.ZERO);
    }

    /** Releases the engine's own resources; models it loaded stay usable until closed. */
    @Override
    void close();
}
