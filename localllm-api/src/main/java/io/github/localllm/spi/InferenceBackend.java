package io.github.localllm.spi;

import io.github.localllm.ModelInstance;

/**
 * An engine that runs models: llama.cpp in process, an Ollama server, and so on.
 * Made by an {@link InferenceBackendProvider}. Safe for concurrent use.
 */
public interface InferenceBackend extends AutoCloseable {

    /** @return what this engine is */
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

    /** Releases the engine's own resources; models it loaded stay usable until closed. */
    @Override
    void close();
}
