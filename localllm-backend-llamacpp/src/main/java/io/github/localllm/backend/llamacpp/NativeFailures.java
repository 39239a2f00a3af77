package io.github.localllm.backend.llamacpp;

import io.github.localllm.GenerationException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelLoadException;
import java.nio.file.Path;

/**
 * Turns the binding's failures into the SDK's exceptions. The binding's own
 * {@code LlamaException} is package-private, so callers could not catch it by type.
 */
final class NativeFailures {
    private NativeFailures() {
    }

    static LocalLlmException duringLoad(Path file, Throwable e) {
        if (e instanceof LocalLlmException) {
            return (LocalLlmException) e;
        }
        return new ModelLoadException("llama.cpp could not load " + file + ": " + describe(e)
                + "; check the file is a complete model for this engine and that there is enough memory", e);
    }

    static LocalLlmException duringGeneration(Throwable e) {
        if (e instanceof LocalLlmException) {
            return (LocalLlmException) e;
        }
        return new GenerationException("llama.cpp failed while generating: " + describe(e)
                + "; retry the request, and reload the model if it keeps failing", e);
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
    }
}
