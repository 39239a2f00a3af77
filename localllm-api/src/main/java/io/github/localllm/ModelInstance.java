package io.github.localllm;

import java.util.Optional;

/**
 * A model loaded in an engine, ready to answer. Close it to free its memory.
 */
public interface ModelInstance extends LanguageModel, AutoCloseable {

    /** @return what the model is and the settings it runs with */
    ModelInfo info();

    /** @return the model's tokenizer, when the engine exposes it */
    Optional<Tokenizer> tokenizer();

    /** Unloads the model. Requests still running are cancelled. Idempotent. */
    @Override
    void close();
}
