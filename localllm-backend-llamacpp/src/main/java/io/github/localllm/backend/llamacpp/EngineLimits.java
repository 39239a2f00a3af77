package io.github.localllm.backend.llamacpp;

import io.github.localllm.GenerationRequest;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ResponseFormat;
import io.github.localllm.UnsupportedModelException;
import io.github.localllm.gguf.LlamaCppArchitectures;
import io.github.localllm.spi.EngineCapabilities;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the llama.cpp bundled in {@code de.kherud:llama} 4.2.0 can run. It is build b4916
 * (March 2025); a newer architecture fails inside llama.cpp with only a generic "could not
 * load model", so it is refused here first, by name.
 */
final class EngineLimits {
    static final String ENGINE_VERSION = "llama.cpp b4916 via de.kherud:llama 4.2.0";

    /**
     * {@code LLM_ARCH_NAMES} of llama.cpp build b4916 (March 2025), {@link LlamaCppArchitectures#B4916}. The fit
     * planner learns them from {@link #CAPABILITIES}, through the provider.
     */
    static final Set<String> ARCHITECTURES = LlamaCppArchitectures.B4916;

    /**
     * What b4916 in this process does. Its Linux and Windows natives are CPU builds compiled for AVX2;
     * its macOS arm64 native has Metal. It sizes sliding-window caches to the full context.
     */
    static final EngineCapabilities CAPABILITIES = EngineCapabilities.builder()
            .responseFormats(ResponseFormat.Kind.JSON, ResponseFormat.Kind.JSON_SCHEMA)
            .grammarDialect("llama.cpp b4916")
            .embeddings(true)
            .loadOptions(LoadOptions.Field.CONTEXT_SIZE, LoadOptions.Field.GPU_LAYERS, LoadOptions.Field.THREADS)
            .architectures(ARCHITECTURES)
            .gpuBackends(Set.of("metal"))
            .requiredCpuFeatures(Set.of("avx2"))
            .windowedAttentionCache(false)
            .build();

    private EngineLimits() {
    }

    /**
     * Refuses a request that needs what this engine lacks, before anything is templated or sampled:
     * left to itself, the engine would drop tools, images and the thinking switch without a word and
     * answer a different question than the one asked.
     */
    static void checkRequest(GenerationRequest request, String model) {
        String missing = CAPABILITIES.missingFor(request);
        if (missing.isEmpty()) {
            return;
        }
        String why = switch (missing) {
            case "tools" -> "does not pass tools to the model or read tool calls from its answer; remove the tools,"
                    + " or send the request to an engine with tools, such as Ollama or a llama-server";
            case "images" -> "has no vision support (the binding's llama.cpp b4916 loads no image projector); remove"
                    + " the images, or send the request to an engine with images, such as Ollama or LM Studio";
            case "thinking" -> "does not separate a model's reasoning from its answer; leave think unset (the model"
                    + " then reasons as its chat template says), or send the request to an engine with thinking,"
                    + " such as Ollama";
            default -> "does not enforce " + missing + "; use ResponseFormat.json(), jsonSchema(...) or grammar(...)";
        };
        throw new InvalidRequestException("the request asks for " + missing + ", but " + model
                + " on the in-process llama.cpp engine " + why);
    }

    static void checkArchitecture(Path file, String architecture) {
        if (!ARCHITECTURES.contains(architecture)) {
            throw new UnsupportedModelException(file + " is a '" + architecture + "' model, an architecture the"
                    + " in-process engine (" + ENGINE_VERSION + ", March 2025) does not know; run it with a newer"
                    + " llama.cpp through the llama-server or Ollama backend, or pick a model of a supported"
                    + " architecture such as llama, qwen2, gemma3 or phi3");
        }
    }
}
