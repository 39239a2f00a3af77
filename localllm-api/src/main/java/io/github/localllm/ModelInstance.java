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

    /**
     * What only this model's engine offers, without casting to its classes: like JDBC's
     * {@code Wrapper.unwrap}, returns this model as {@code type} when it is one, else what the
     * model it wraps returns. Engines document the types they answer, such as the llama.cpp
     * server's {@code LlamaServerModel} ({@code props()}, {@code slots()}, {@code metrics()}):
     *
     * <pre>{@code
     * model.unwrap(LlamaServerModel.class).ifPresent(server -> System.out.println(server.metrics()));
     * }</pre>
     *
     * <p>A model that wraps another (schema checking, supervision) must pass the call on to it.
     *
     * @param type the public interface wanted
     * @param <T> that type
     * @return this model, or the engine's view of it, as {@code type}; empty when the engine has no such view
     */
    default <T> Optional<T> unwrap(Class<T> type) {
        java.util.Objects.requireNonNull(type, "type");
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    /** Unloads the model. Requests still running are cancelled. Idempotent. */
    @Override
    void close();
}
