package io.github.localllm.spi;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import java.nio.file.Path;

/**
 * A model for an engine to load.
 *
 * @param model a file path for in-process engines, a model name for servers
 * @param options how to load it
 */
public record ModelLoadRequest(String model, LoadOptions options) {

    /** Checks the model is named. */
    public ModelLoadRequest {
        if (model == null || model.isBlank()) {
            throw new InvalidRequestException("no model given; pass a .gguf file path or a model name");
        }
        options = options == null ? LoadOptions.defaults() : options;
    }

    /** @param file a model file @param options how to load it @return the request */
    public static ModelLoadRequest ofFile(Path file, LoadOptions options) {
        return new ModelLoadRequest(file.toString(), options);
    }
}
