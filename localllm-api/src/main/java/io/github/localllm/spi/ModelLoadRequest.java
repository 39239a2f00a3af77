package io.github.localllm.spi;

import io.github.localllm.LoadOptions;
import io.github.localllm.ModelRef;
import io.github.localllm.event.LocalLlmEventListener;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A model for an engine to load.
 *
 * @param model which model
 * @param options how to load it
 * @param listener receives the engine's progress events while it loads; never {@code null}
 */
public record ModelLoadRequest(ModelRef model, LoadOptions options, LocalLlmEventListener listener) {

    /** Checks the model is named. */
    public ModelLoadRequest {
        Objects.requireNonNull(model, "model");
        options = options == null ? LoadOptions.defaults() : options;
        listener = listener == null ? event -> { } : listener;
    }

    /**
     * @param model which model
     * @param options how to load it
     */
    public ModelLoadRequest(ModelRef model, LoadOptions options) {
        this(model, options, null);
    }

    /**
     * @param model a reference as users write it, read with {@link ModelRef#parse}
     * @param options how to load it
     */
    public ModelLoadRequest(String model, LoadOptions options) {
        this(ModelRef.parse(model), options, null);
    }

    /** @param file a model file @param options how to load it @return the request */
    public static ModelLoadRequest ofFile(Path file, LoadOptions options) {
        return new ModelLoadRequest(ModelRef.file(file), options, null);
    }
}
